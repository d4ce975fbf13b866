//! Evidence: photos and documents attached to hazards, stored by content hash and recorded in
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
        let kind = check(bytes, self.settings.upload_max_bytes)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let name = clean_name(name);
        let mut tx = self.store.begin().await?;
        let id = files::attach(
            &mut tx,
            &sha256,
            kind.mime(),
            bytes,
            "hazard",
            hazard_id,
            &name,
            who.user_id,
        )
        .await?;
        let after = serde_json::json!({ "attachment": id, "name": name, "sha256": sha256, "mime": kind.mime(), "size": bytes.len() });
        audit::record(
            &mut tx,
            who,
            "attach",
            "hazard",
            hazard_id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        files::get(&self.store, id).await?.ok_or(Error::NotFound)
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
