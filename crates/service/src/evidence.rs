//! Evidence: photos and documents attached to hazards, patrols, plans, inspections and
//! enforcement cases, stored by content hash and recorded in
//! the audit chain with that hash, so a later change to a file is detectable. Files are served
//! only to those who may see the record.

use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::access::Principal;
use safegrid_domain::evidence::{check, clean_name};
use safegrid_store::files::{self, AttachmentRow};
use sha2::{Digest, Sha256};

impl Service {
    /// Attaches a file to a hazard; the caller must be able to act on the hazard.
    pub async fn attach_to_hazard(
        &self,
        who: &Principal,
        hazard_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentRow> {
        let h = self.hazard(who, hazard_id).await?;
        ensure(crate::hazards::side_of(who, &h).is_some())?;
        self.attach(who, "hazard", hazard_id, None, name, bytes)
            .await
    }

    /// Attaches a file to an emergency plan (its signed text, annexes, contact sheets); the
    /// caller must be able to revise the plan.
    pub async fn attach_to_plan(
        &self,
        who: &Principal,
        plan_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentRow> {
        let plan = self.visible_plan(who, plan_id).await?;
        ensure(who.can_record_incident(&plan.region_path))?;
        self.attach(who, "plan", plan_id, None, name, bytes).await
    }

    pub async fn plan_attachments(
        &self,
        who: &Principal,
        plan_id: i64,
    ) -> Result<Vec<AttachmentRow>> {
        self.visible_plan(who, plan_id).await?;
        Ok(files::of(&self.store, "plan", plan_id).await?)
    }

    async fn visible_plan(
        &self,
        who: &Principal,
        plan_id: i64,
    ) -> Result<safegrid_store::plans::PlanRow> {
        safegrid_store::plans::plan(&self.store, plan_id)
            .await?
            .filter(|p| who.can_read_incident(&p.region_path))
            .ok_or(Error::NotFound)
    }

    /// Checks a file's type from its content and size, stores it once by its hash, attaches it
    /// and records the hash in the audit chain, all in one transaction.
    pub(crate) async fn attach(
        &self,
        who: &Principal,
        entity_type: &str,
        entity_id: i64,
        part: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentRow> {
        let mut tx = self.store.begin().await?;
        let id = self
            .attach_in(&mut tx, who, entity_type, entity_id, part, name, bytes)
            .await?;
        tx.commit().await?;
        files::get(&self.store, id).await?.ok_or(Error::NotFound)
    }

    /// [`Service::attach`] inside the caller's transaction, for a record stored with its files
    /// (a tip-off and its photos): the attachment's id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn attach_in(
        &self,
        tx: &mut safegrid_store::Tx,
        who: &Principal,
        entity_type: &str,
        entity_id: i64,
        part: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<i64> {
        let kind = check(bytes, self.settings.upload_max_bytes)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let name = clean_name(name);
        let id = files::attach(
            tx,
            &files::NewAttachment {
                sha256: &sha256,
                mime: kind.mime(),
                content: bytes,
                entity_type,
                entity_id,
                part,
                name: &name,
                by: who.user_id,
            },
        )
        .await?;
        let after = serde_json::json!({ "attachment": id, "name": name, "sha256": sha256, "mime": kind.mime(), "size": bytes.len() });
        audit::record(
            tx,
            who,
            "attach",
            entity_type,
            entity_id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        Ok(id)
    }

    pub async fn hazard_attachments(
        &self,
        who: &Principal,
        hazard_id: i64,
    ) -> Result<Vec<AttachmentRow>> {
        self.hazard(who, hazard_id).await?;
        Ok(files::of(&self.store, "hazard", hazard_id).await?)
    }

    /// An attachment and its bytes, for someone who may see the record it belongs to.
    pub async fn attachment(&self, who: &Principal, id: i64) -> Result<(AttachmentRow, Vec<u8>)> {
        let a = files::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        let visible = match a.entity_type.as_str() {
            "hazard" => self.hazard(who, a.entity_id).await.is_ok(),
            "patrol" => self.patrol(who, a.entity_id).await.is_ok(),
            "plan" => self.visible_plan(who, a.entity_id).await.is_ok(),
            "inspection" => self.inspection(who, a.entity_id).await.is_ok(),
            "case" => self.case(who, a.entity_id).await.is_ok(),
            "tipoff" => self.tipoff(who, a.entity_id).await.is_ok(),
            "plan_report" => self.plan_report_visible(who, a.entity_id).await,
            _ => false,
        };
        if !visible {
            return Err(Error::NotFound);
        }
        let bytes = files::content(&self.store, &a.sha256)
            .await?
            .ok_or(Error::NotFound)?;
        Ok((a, bytes))
    }
}
