//! The audit chain: every change appended with who, when, what, before and after, each entry
//! carrying the SHA-256 of its own content and of the entry before it. Editing or deleting any row
//! afterwards breaks the chain at that row, and [`verify`] names the first broken link.

use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    /// RFC 3339 UTC time, exactly as stored (the hash covers the text).
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry's content chained to `prev_hash`. Fields are length-prefixed so that no
/// two different entries can produce the same byte stream.
pub fn hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(seq.to_be_bytes());
    for part in [
        Some(at),
        Some(actor),
        Some(action),
        Some(entity_type),
        Some(entity_id),
        before,
        after,
        Some(prev_hash),
    ] {
        match part {
            Some(p) => {
                h.update([1u8]);
                h.update((p.len() as u64).to_be_bytes());
                h.update(p.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    hex::encode(h.finalize())
}

impl Entry {
    pub fn computed_hash(&self) -> String {
        hash(
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            self.before.as_deref(),
            self.after.as_deref(),
            &self.prev_hash,
        )
    }
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// An entry's content no longer matches its hash: it was edited.
    Altered { seq: i64 },
    /// An entry does not point at the one before it: something between was deleted or replaced.
    Unlinked { seq: i64 },
    /// Sequence numbers jump: entries were deleted.
    Missing { after_seq: i64, found_seq: i64 },
    /// The recorded head does not match the last entry: entries were removed from the end.
    Truncated { head_seq: i64, last_seq: i64 },
}

/// Walks entries in sequence order from `start` (the last verified seq and hash, or `(0, GENESIS)`)
/// and returns the first break. Call repeatedly with batches, passing on the returned position.
pub fn verify<'a>(
    start: (i64, String),
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Result<(i64, String), Break> {
    let (mut seq, mut prev) = start;
    for e in entries {
        if e.seq != seq + 1 {
            return Err(Break::Missing {
                after_seq: seq,
                found_seq: e.seq,
            });
        }
        if e.prev_hash != prev {
            return Err(Break::Unlinked { seq: e.seq });
        }
        if e.computed_hash() != e.hash {
            return Err(Break::Altered { seq: e.seq });
        }
        seq = e.seq;
        prev = e.hash.clone();
    }
    Ok((seq, prev))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: format!("2026-03-0{seq}T08:00:00Z"),
                    actor: "admin".into(),
                    action: "update".into(),
                    entity_type: "enterprise".into(),
                    entity_id: seq.to_string(),
                    before: Some(format!("{{\"v\":{}}}", seq - 1)),
                    after: Some(format!("{{\"v\":{seq}}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.computed_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify((0, GENESIS.into()), &c).unwrap().0, 5);
        // In two batches too.
        let mid = verify((0, GENESIS.into()), &c[..2]).unwrap();
        assert_eq!(verify(mid, &c[2..]).unwrap().0, 5);
    }

    #[test]
    fn an_edited_row_is_found() {
        let mut c = chain(5);
        c[2].after = Some("{\"v\":99}".into());
        assert_eq!(
            verify((0, GENESIS.into()), &c),
            Err(Break::Altered { seq: 3 })
        );
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify((0, GENESIS.into()), &c),
            Err(Break::Missing {
                after_seq: 1,
                found_seq: 3
            })
        );
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].actor = "mallory".into();
        c[2].hash = c[2].computed_hash();
        assert_eq!(
            verify((0, GENESIS.into()), &c),
            Err(Break::Unlinked { seq: 4 })
        );
    }

    #[test]
    fn none_and_empty_differ() {
        let a = hash(1, "t", "a", "x", "e", "1", None, Some(""), GENESIS);
        let b = hash(1, "t", "a", "x", "e", "1", Some(""), None, GENESIS);
        assert_ne!(a, b);
    }
}
