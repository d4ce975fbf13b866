//! Tip-offs with rewards: taken from anyone without an account (floods from one address
//! contained), followed by the reporter with a tracking code, moved along by staff to the hazard
//! or case they led to, and rewarded by the configured rule. Who reported is read only by the
//! office, and each look is written to the audit chain.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::local_time;
use safegrid_domain::tipoff::{
    HandleInput, PaymentInput, TipOffInput, TipOffRules, TipStatus, tracking_code,
};
use safegrid_store::files::{self, AttachmentRow};
use safegrid_store::tipoffs::{self as store, NewTipOff, TipOffRow};
use safegrid_store::{enforcement, hazards, organisations, regions};
use serde::Serialize;
use sha2::{Digest, Sha256};

const RULES_KEY: &str = "tipoff_rules";
/// The secret mixed into address hashes, made on first use: the hash cannot be turned back into
/// an address by trying them all.
const SALT_KEY: &str = "tipoff_salt";

/// A photo as it came with the form.
pub struct Photo {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the reporter sees with the tracking code: no staff notes, nobody's name.
#[derive(Debug, Clone, Serialize)]
pub struct TipOffProgress {
    pub code: String,
    pub status: TipStatus,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reply: Option<String>,
    pub reward_fen: Option<i64>,
    pub reward_paid_on: Option<String>,
}

/// A tip-off with what the caller may do to it.
#[derive(Debug, Clone, Serialize)]
pub struct TipOffView {
    pub tipoff: TipOffRow,
    pub status: TipStatus,
    pub photos: Vec<AttachmentRow>,
    pub can_handle: bool,
    pub can_reward: bool,
    pub can_see_reporter: bool,
    /// The fine of the case it led to, and the reward the rule suggests and allows.
    pub fine_fen: Option<i64>,
    pub suggested_fen: i64,
    pub cap_fen: i64,
}

fn status_of(t: &TipOffRow) -> TipStatus {
    TipStatus::parse(&t.status).unwrap_or(TipStatus::Received)
}

fn today() -> NaiveDate {
    local_time::day_of(Utc::now())
}

impl Service {
    pub async fn tipoff_rules(&self) -> Result<TipOffRules> {
        self.config(RULES_KEY).await
    }

    pub async fn set_tipoff_rules(&self, who: &Principal, r: &TipOffRules) -> Result<()> {
        ensure(who.can_configure())?;
        r.validate()?;
        self.put_config(who, RULES_KEY, r).await
    }

    async fn address_hash(&self, address: &str) -> Result<String> {
        let mut salt: String = self.config(SALT_KEY).await?;
        if salt.is_empty() {
            let mut b = [0u8; 32];
            OsRng.fill_bytes(&mut b);
            salt = hex::encode(b);
            self.put_config(&crate::system(), SALT_KEY, &salt).await?;
        }
        Ok(hex::encode(Sha256::digest(format!("{salt}|{address}"))))
    }

    /// Takes a tip-off from the public form; its tracking code. `address` is where the request
    /// came from: more than the rules allow from one address in an hour or a day is refused
    /// with [`Error::Throttled`]. The tip-off and its photos are stored together or not at all.
    pub async fn submit_tipoff(
        &self,
        input: &TipOffInput,
        photos: &[Photo],
        address: &str,
    ) -> Result<String> {
        let rules = self.tipoff_rules().await?;
        let d = input.validate()?;
        if photos.len() > rules.max_photos as usize {
            return Err(Invalid::one("photos", "tipoff.too_many_photos").into());
        }
        if photos
            .iter()
            .any(|p| p.bytes.len() as u64 > rules.max_photo_bytes)
        {
            return Err(Invalid::one("photos", "tipoff.photo_too_large").into());
        }
        let top = self.public_region().await?;
        let (region_id, region_path) = match d.region_id {
            Some(id) => {
                let r = regions::get(&self.store, id)
                    .await?
                    .filter(|r| r.path.starts_with(&top))
                    .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
                (Some(r.id), r.path)
            }
            None => (None, self.tipoff_home(&top).await?),
        };
        let hash = self.address_hash(address).await?;
        let now = Utc::now();
        let mut tx = self.store.begin().await?;
        if store::count_from(&mut tx, &hash, now - Duration::hours(1)).await?
            >= i64::from(rules.per_address_hour)
            || store::count_from(&mut tx, &hash, now - Duration::days(1)).await?
                >= i64::from(rules.per_address_day)
        {
            return Err(Error::Throttled);
        }
        let mut b = [0u8; 12];
        OsRng.fill_bytes(&mut b);
        let code = tracking_code(b);
        let id = store::insert(
            &mut tx,
            &NewTipOff {
                code: &code,
                region_id,
                region_path: &region_path,
                draft: &d,
                address_hash: &hash,
            },
        )
        .await?;
        let sys = crate::system();
        for p in photos {
            self.attach_in(&mut tx, &sys, "tipoff", id, None, &p.name, &p.bytes)
                .await
                .map_err(|e| match e {
                    Error::Invalid(i) => Error::Invalid(Invalid {
                        errors: i
                            .errors
                            .into_iter()
                            .map(|e| safegrid_domain::FieldError::new("photos", e.code))
                            .collect(),
                    }),
                    e => e,
                })?;
        }
        audit::record(
            &mut tx,
            &sys,
            "receive",
            "tipoff",
            id,
            None::<&()>,
            Some(&code),
        )
        .await?;
        let title = "收到新的举报".to_string();
        let body = format!(
            "{}：{}",
            d.place,
            d.text.chars().take(60).collect::<String>()
        );
        let link = format!("/tipoffs/{id}");
        for u in crate::office_and_leaders(&mut tx, &region_path).await? {
            safegrid_store::jobs::send(&mut tx, u, &title, &body, Some(&link), None).await?;
        }
        tx.commit().await?;
        Ok(code)
    }

    /// Where a tip-off with no village goes: down from the top while the tree has one branch,
    /// so that in a one-town installation the town's office gets it, and in a city the city's.
    async fn tipoff_home(&self, top: &str) -> Result<String> {
        let all = regions::within(&self.store, top).await?;
        let mut here = all.iter().find(|r| r.path == top);
        while let Some(r) = here {
            let mut children = all.iter().filter(|c| c.parent_id == Some(r.id));
            match (children.next(), children.next()) {
                (Some(only), None) => here = Some(only),
                _ => return Ok(r.path.clone()),
            }
        }
        Ok(top.to_string())
    }

    /// The villages a reporter may pick on the public form: (id, name), town by town.
    pub async fn tipoff_places(&self) -> Result<Vec<(i64, String)>> {
        let top = self.public_region().await?;
        Ok(regions::at_level(&self.store, &top, "village")
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect())
    }

    /// Where a tip-off stands, for whoever holds its code.
    pub async fn tipoff_progress(&self, typed_code: &str) -> Result<TipOffProgress> {
        let code = safegrid_domain::tipoff::normalise_code(typed_code)
            .ok_or_else(|| Invalid::one("tracking_code", "tipoff.code"))?;
        let t = store::by_code(&self.store, &code)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(TipOffProgress {
            status: status_of(&t),
            code: t.code,
            received_at: t.received_at,
            updated_at: t.updated_at,
            reply: t.reply,
            reward_fen: t.reward_fen,
            reward_paid_on: t.reward_paid_on,
        })
    }

    /// The tip-offs the caller may see, newest first.
    pub async fn tipoffs(&self, who: &Principal) -> Result<Vec<TipOffRow>> {
        use safegrid_domain::access::Role;
        let rows = match who.role {
            Role::Enterprise | Role::Monitor => return Err(Error::Forbidden),
            Role::Department => {
                store::within(&self.store, "", Some(who.department_id.unwrap_or(-1))).await?
            }
            _ => store::within(&self.store, &who.region_path, None).await?,
        };
        Ok(rows
            .into_iter()
            .filter(|t| who.can_read_tipoff(&t.region_path, t.department_id))
            .collect())
    }

    async fn visible_tipoff(&self, who: &Principal, id: i64) -> Result<TipOffRow> {
        store::get(&self.store, id)
            .await?
            .filter(|t| who.can_read_tipoff(&t.region_path, t.department_id))
            .ok_or(Error::NotFound)
    }

    /// The fine of the case a tip-off led to (none without a decided one) and the reward rule.
    async fn reward_rule_for(&self, t: &TipOffRow) -> Result<(Option<i64>, TipOffRules)> {
        let fine = match t.case_id {
            Some(c) => match enforcement::get(&self.store, c).await? {
                Some(case) => crate::enforcement::facts_of(&case)?
                    .decided
                    .and_then(|p| p.fine_fen),
                None => None,
            },
            None => None,
        };
        Ok((fine, self.tipoff_rules().await?))
    }

    pub async fn tipoff(&self, who: &Principal, id: i64) -> Result<TipOffView> {
        let t = self.visible_tipoff(who, id).await?;
        let (fine_fen, rules) = self.reward_rule_for(&t).await?;
        Ok(TipOffView {
            status: status_of(&t),
            photos: files::of(&self.store, "tipoff", id).await?,
            can_handle: who.can_handle_tipoff(&t.region_path, t.department_id),
            can_reward: who.can_reward(&t.region_path),
            can_see_reporter: who.can_see_reporter(&t.region_path),
            suggested_fen: rules.suggested(fine_fen),
            cap_fen: rules.cap(fine_fen),
            fine_fen,
            tipoff: t,
        })
    }

    /// Who reported, for the office; each look is written to the audit chain.
    pub async fn tipoff_reporter(
        &self,
        who: &Principal,
        id: i64,
    ) -> Result<(Option<String>, Option<String>)> {
        let t = self.visible_tipoff(who, id).await?;
        ensure(who.can_see_reporter(&t.region_path))?;
        let mut tx = self.store.begin().await?;
        let r = store::reporter(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "view_reporter",
            "tipoff",
            id,
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Moves a tip-off along: to a department to check, to its outcome with the answer for the
    /// reporter, to the enterprise it is about and the hazard or case it led to.
    pub async fn handle_tipoff(
        &self,
        who: &Principal,
        id: i64,
        input: &HandleInput,
    ) -> Result<TipOffView> {
        use safegrid_domain::access::Role;
        let t = self.visible_tipoff(who, id).await?;
        ensure(who.can_handle_tipoff(&t.region_path, t.department_id))?;
        let now = status_of(&t);
        let d = input.validate(now, t.reward_fen.is_some())?;
        let mut tx = self.store.begin().await?;
        let mut next = t.clone();
        if let Some(s) = d.status {
            next.status = s.as_str().to_string();
        }
        if let Some(dep) = d.department_id {
            // A department checks what it was given; handing on is the office's.
            if who.role == Role::Department && Some(dep) != who.department_id {
                return Err(Error::Forbidden);
            }
            organisations::department(&mut tx, dep)
                .await?
                .ok_or_else(|| Invalid::one("department_id", "not_a_reference"))?;
            next.department_id = Some(dep);
        }
        if let Some(e) = d.enterprise_id {
            safegrid_store::enterprises::get(&mut tx, e)
                .await?
                .filter(|e| who.can_read_region(&e.region_path))
                .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
            next.enterprise_id = Some(e);
        }
        if let Some(h) = d.hazard_id {
            hazards::get(&mut tx, h)
                .await?
                .filter(|h| who.can_read_region(&h.region_path))
                .ok_or_else(|| Invalid::one("hazard_id", "not_a_reference"))?;
            next.hazard_id = Some(h);
        }
        if let Some(c) = d.case_id {
            enforcement::get(&mut tx, c)
                .await?
                .filter(|c| who.can_read_case(&c.region_path, c.enterprise_id))
                .ok_or_else(|| Invalid::one("case_id", "not_a_reference"))?;
            next.case_id = Some(c);
        }
        if d.reply.is_some() {
            next.reply = d.reply.clone();
        }
        if d.note.is_some() {
            next.note = d.note.clone();
        }
        if !store::handle(&mut tx, id, &t.status, &next).await? {
            return Err(Invalid::one("status", "tipoff.transition").into());
        }
        audit::record(&mut tx, who, "handle", "tipoff", id, Some(&t), Some(&d)).await?;
        tx.commit().await?;
        self.tipoff(who, id).await
    }

    /// Decides a substantiated tip-off's reward, within the rule's cap for the fine it led to.
    pub async fn decide_reward(&self, who: &Principal, id: i64, yuan: &str) -> Result<TipOffView> {
        let t = self.visible_tipoff(who, id).await?;
        ensure(who.can_reward(&t.region_path))?;
        if status_of(&t) != TipStatus::Substantiated {
            return Err(Invalid::one("reward_yuan", "tipoff.reward_unsubstantiated").into());
        }
        let (fine, rules) = self.reward_rule_for(&t).await?;
        let fen = rules.check_reward(yuan, fine)?;
        let mut tx = self.store.begin().await?;
        if !store::decide_reward(&mut tx, id, fen, today()).await? {
            return Err(Invalid::one("reward_yuan", "tipoff.reward_decided").into());
        }
        let after = serde_json::json!({ "reward_fen": fen, "fine_fen": fine });
        audit::record(
            &mut tx,
            who,
            "reward",
            "tipoff",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.tipoff(who, id).await
    }

    /// Records that a decided reward was paid.
    pub async fn pay_reward(
        &self,
        who: &Principal,
        id: i64,
        input: &PaymentInput,
    ) -> Result<TipOffView> {
        let t = self.visible_tipoff(who, id).await?;
        ensure(who.can_reward(&t.region_path))?;
        let decided = t
            .reward_decided_on
            .as_deref()
            .and_then(safegrid_domain::hazard::parse_date)
            .ok_or_else(|| Invalid::one("paid_on", "tipoff.reward_undecided"))?;
        let (on, voucher) = input.validate(decided, today())?;
        let mut tx = self.store.begin().await?;
        if !store::pay_reward(&mut tx, id, on, &voucher).await? {
            return Err(Invalid::one("paid_on", "tipoff.paid_already").into());
        }
        let after = serde_json::json!({ "paid_on": on, "voucher": voucher });
        audit::record(
            &mut tx,
            who,
            "pay_reward",
            "tipoff",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.tipoff(who, id).await
    }
}
