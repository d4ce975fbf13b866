//! Recording changes in the audit chain and verifying the chain.

use crate::{Error, Result, Service};
use safegrid_domain::access::Principal;
use safegrid_domain::audit::{Break, GENESIS, verify};
use safegrid_store::Tx;
use safegrid_store::audit::{self, AuditRow, Change};
use serde::Serialize;

/// Appends a change made by `who` inside `tx`. `before`/`after` are the record as JSON.
pub async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    who: &Principal,
    action: &str,
    entity_type: &str,
    entity_id: i64,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let json = |v: Option<String>| v;
    let before = json(
        before
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?,
    );
    let after = json(
        after
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?,
    );
    let id = entity_id.to_string();
    audit::append(
        tx,
        &Change {
            actor: &who.username,
            action,
            entity_type,
            entity_id: &id,
            before: before.as_deref(),
            after: after.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken(Break),
}

const BATCH: i64 = 5_000;

impl Service {
    /// Walks the chain from the first entry and reports the first broken link. `progress` is
    /// called with the number of entries checked so far.
    pub async fn verify_audit(&self, mut progress: impl FnMut(i64)) -> Result<Verdict> {
        let mut pos = (0i64, GENESIS.to_string());
        loop {
            let rows = audit::batch(&self.store, pos.0, BATCH).await?;
            if rows.is_empty() {
                break;
            }
            let entries: Vec<_> = rows.iter().map(AuditRow::entry).collect();
            pos = match verify(pos, &entries) {
                Ok(p) => p,
                Err(b) => return Ok(Verdict::Broken(b)),
            };
            progress(pos.0);
        }
        let (head_seq, head_hash) = audit::head(&self.store).await?;
        if head_seq != pos.0 || (head_seq > 0 && head_hash != pos.1) {
            return Ok(Verdict::Broken(Break::Truncated {
                head_seq,
                last_seq: pos.0,
            }));
        }
        Ok(Verdict::Intact { entries: pos.0 })
    }

    /// The history of one record, newest first; for those who may read the audit.
    pub async fn history(
        &self,
        who: &Principal,
        entity_type: &str,
        entity_id: i64,
    ) -> Result<Vec<AuditRow>> {
        crate::ensure(who.can_read_audit())?;
        Ok(audit::history(&self.store, entity_type, &entity_id.to_string()).await?)
    }

    pub async fn recent_audit(&self, who: &Principal, limit: i64) -> Result<Vec<AuditRow>> {
        crate::ensure(who.can_read_audit())?;
        Ok(audit::recent(&self.store, limit).await?)
    }
}
