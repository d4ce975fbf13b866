//! Warnings received from other senders as CAP 1.2 (a file the office uploads, or an entry of a
//! feed the town subscribes to): a new Alert becomes a draft the office checks and issues to its
//! own people; an Update revises that draft while it is not yet issued; a Cancel cancels it.
//! Once the town has issued its own warning, later messages from the sender are held with it and
//! the office is told, since what the town's people were sent is the town's to change.

use crate::{Error, Result, Service, audit, ensure};
use chrono::Utc;
use safegrid_cap as cap;
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::cap_import::{self, KnownRegion};
use safegrid_domain::warning::{Action, Status, WarningDraft};
use safegrid_store::Tx;
use safegrid_store::jobs;
use safegrid_store::regions;
use safegrid_store::warnings as wstore;
use serde::Serialize;

/// What became of a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new draft warning.
    Drafted,
    /// The draft it updates was rewritten.
    Revised,
    /// The draft it cancels was cancelled.
    Cancelled,
    /// Held with a warning the town has already issued (or an earlier message of it).
    Noted,
    /// A Cancel of nothing the town holds.
    Unrelated,
    /// Held before: nothing changed.
    AlreadyHeld,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub outcome: Outcome,
    pub warning_id: Option<i64>,
    pub sender: String,
    pub identifier: String,
}

impl Imported {
    fn of(outcome: Outcome, warning_id: Option<i64>, got: &cap_import::Received) -> Imported {
        Imported {
            outcome,
            warning_id,
            sender: got.sender.clone(),
            identifier: got.identifier.clone(),
        }
    }
}

/// Why a document is not a CAP message the town can read: the element, as the field.
pub fn cap_error(e: cap::Error) -> Error {
    tracing::info!("CAP refused: {e}");
    Invalid::one(format!("cap:{}", e.element), "warning.cap_invalid").into()
}

impl Service {
    /// Reads one CAP 1.2 message from another sender into the town's warnings (the office and
    /// leaders, or the feed poller as the system). `via` says where it came from, for the audit.
    pub async fn import_cap(&self, who: &Principal, xml: &[u8], via: &str) -> Result<Imported> {
        ensure(who.can_write_warnings())?;
        let (alert, _) = cap::parse(xml).map_err(cap_error)?;
        self.import_cap_alert(who, &alert, &String::from_utf8_lossy(xml), via)
            .await
    }

    /// Reads a parsed alert (`xml` is its text, kept as received).
    pub async fn import_cap_alert(
        &self,
        who: &Principal,
        alert: &cap::Alert,
        xml: &str,
        via: &str,
    ) -> Result<Imported> {
        ensure(who.can_write_warnings())?;
        let issuer = self.cap_issuer().await?;
        if alert.sender == issuer.sender {
            return Err(Invalid::one("sender", "warning.cap_own").into());
        }
        let known: Vec<KnownRegion> = regions::within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(|r| KnownRegion {
                id: r.id,
                name: r.name,
                code: r.code,
                path: r.path,
            })
            .collect();
        let now = Utc::now();
        let got = cap_import::read(alert, &known, now)?;
        let mut tx = self.store.begin().await?;
        if wstore::identifier_taken(&mut tx, &got.sender, &got.identifier).await? {
            return Ok(Imported::of(Outcome::AlreadyHeld, None, &got));
        }
        // The warning it belongs to: what it refers to, else the incident it names.
        let mut linked = None;
        for (sender, identifier) in &got.references {
            if let Some(w) = wstore::warning_of_message(&mut tx, sender, identifier).await? {
                linked = Some(w);
                break;
            }
        }
        if linked.is_none() {
            for identifier in alert.incidents.as_deref().unwrap_or("").split_whitespace() {
                if let Some(w) = wstore::warning_of_identifier(&mut tx, identifier).await? {
                    linked = Some(w);
                    break;
                }
            }
        }
        let linked = match linked {
            Some(id) => wstore::get(&mut tx, id).await?,
            None => None,
        };
        let before_draft = linked.as_ref().and_then(|w| {
            matches!(
                Status::parse(&w.status),
                Some(Status::Draft | Status::Approved)
            )
            .then_some(w.clone())
        });
        let (outcome, warning_id) = match (got.msg_type, &got.draft, linked, before_draft) {
            (cap::MsgType::Cancel, _, None, _) => (Outcome::Unrelated, None),
            (cap::MsgType::Cancel, _, Some(_), Some(w)) => {
                self.received_move(&mut tx, who, &w, Status::Cancelled, Action::Cancel)
                    .await?;
                (Outcome::Cancelled, Some(w.id))
            }
            (cap::MsgType::Update, Some(d), Some(_), Some(w)) => {
                let path = self.draft_path(&mut tx, d).await?;
                wstore::rewrite(&mut tx, w.id, d, &path, false).await?;
                if w.status != Status::Draft.as_str() {
                    wstore::set_status(&mut tx, w.id, &[w.status.as_str()], "draft", None, now)
                        .await?;
                }
                let after = wstore::get(&mut tx, w.id).await?;
                audit::record(
                    &mut tx,
                    who,
                    "import",
                    "warning",
                    w.id,
                    Some(&w),
                    after.as_ref(),
                )
                .await?;
                (Outcome::Revised, Some(w.id))
            }
            (_, _, Some(w), _) => (Outcome::Noted, Some(w.id)),
            (_, Some(d), None, _) => {
                let path = self.draft_path(&mut tx, d).await?;
                let id = wstore::insert(&mut tx, d, "draft", &path, "imported", crate::actor(who))
                    .await?;
                audit::record(&mut tx, who, "import", "warning", id, None::<&()>, Some(d)).await?;
                (Outcome::Drafted, Some(id))
            }
            (_, None, None, _) => (Outcome::Unrelated, None),
        };
        if wstore::insert_message(
            &mut tx,
            warning_id,
            &got.sender,
            &got.identifier,
            &got.sent,
            got.msg_type.as_str(),
            xml,
            true,
        )
        .await?
        .is_none()
        {
            // Another process held it a moment ago.
            return Ok(Imported::of(Outcome::AlreadyHeld, None, &got));
        }
        if let Some(id) = warning_id {
            self.tell_office(&mut tx, id, outcome, alert, via).await?;
        }
        tx.commit().await?;
        tracing::info!(
            sender = %got.sender, identifier = %got.identifier, via,
            "CAP message received: {outcome:?}"
        );
        Ok(Imported::of(outcome, warning_id, &got))
    }

    /// The region a received draft covers (its regions were matched within the reader's scope).
    async fn draft_path(&self, tx: &mut Tx, d: &WarningDraft) -> Result<String> {
        let mut paths = Vec::new();
        for id in &d.region_ids {
            if let Some(r) = regions::get(&mut *tx, *id).await? {
                paths.push(r.path);
            }
        }
        Ok(crate::warnings::common_path(&paths))
    }

    async fn received_move(
        &self,
        tx: &mut Tx,
        who: &Principal,
        w: &wstore::WarningRow,
        to: Status,
        action: Action,
    ) -> Result<()> {
        let from = Status::parse(&w.status).ok_or_else(|| Error::Internal(w.status.clone()))?;
        if safegrid_domain::warning::next(from, action) != Some(to) {
            return Err(Invalid::one("status", "warning.wrong_state").into());
        }
        wstore::set_status(
            tx,
            w.id,
            &[w.status.as_str()],
            to.as_str(),
            None,
            Utc::now(),
        )
        .await?;
        let after = wstore::get(&mut *tx, w.id).await?;
        audit::record(tx, who, "import", "warning", w.id, Some(w), after.as_ref()).await?;
        Ok(())
    }

    /// The office and leaders over the warning's region hear of what came in, in their inbox.
    async fn tell_office(
        &self,
        tx: &mut Tx,
        warning_id: i64,
        outcome: Outcome,
        alert: &cap::Alert,
        via: &str,
    ) -> Result<()> {
        let Some(w) = wstore::get(&mut *tx, warning_id).await? else {
            return Ok(());
        };
        let from = alert
            .infos
            .iter()
            .find_map(|i| i.sender_name.clone())
            .unwrap_or_else(|| alert.sender.clone());
        let title = match outcome {
            Outcome::Drafted => format!("收到{from}预警，待审核发布：{}", w.headline),
            Outcome::Revised => format!("{from}更新了预警，草稿已改：{}", w.headline),
            Outcome::Cancelled => format!("{from}解除了预警，草稿已取消：{}", w.headline),
            _ => format!("{from}发来预警的新消息，请核对本镇预警：{}", w.headline),
        };
        let body = format!(
            "{from}（{via}）{}，本镇预警“{}”。",
            match alert.msg_type {
                cap::MsgType::Update => "更新",
                cap::MsgType::Cancel => "解除",
                _ => "发布",
            },
            w.headline
        );
        let link = format!("/warnings/{warning_id}");
        for u in crate::office_and_leaders(tx, &w.region_path).await? {
            jobs::send(tx, u, &title, &body, Some(&link), None).await?;
        }
        Ok(())
    }
}
