//! Town-wide configuration kept in the settings table as JSON (risk bands, the patrol policy, the
//! warning policy, the CAP issuer): read with its defaults until set, and every change audited
//! with what it was before.

use crate::{Error, Result, Service, audit};
use safegrid_domain::access::Principal;
use safegrid_store::risks::{put_setting, setting};
use serde::Serialize;
use serde::de::DeserializeOwned;

impl Service {
    /// The configuration stored under `key`, or its default.
    pub(crate) async fn config<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T> {
        Ok(match setting(&self.store, key).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| Error::Internal(format!("stored {key}: {e}")))?,
            None => T::default(),
        })
    }

    /// Stores `value` under `key`, audited as `set_<key>`. The caller has checked who may and
    /// that the value is valid.
    pub(crate) async fn put_config<T: Serialize + DeserializeOwned + Default>(
        &self,
        who: &Principal,
        key: &str,
        value: &T,
    ) -> Result<()> {
        let before: T = self.config(key).await?;
        let json = serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        put_setting(&mut tx, key, &json).await?;
        audit::record(
            &mut tx,
            who,
            &format!("set_{key}"),
            "setting",
            0,
            Some(&before),
            Some(value),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
