//! Warnings (预警): drafted by hand or from an alarm, approved by whom the level needs, issued
//! with their CAP 1.2 message and the people they reach resolved from the area, updated and
//! cancelled with messages that refer back, ended by their expiry; and the town's Atom feed of
//! its messages for other towns to read.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use safegrid_cap as cap;
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::alarm::Level;
use safegrid_domain::local_time;
use safegrid_domain::monitoring::{DutyRole, ObjectKind};
use safegrid_domain::region::is_within;
use safegrid_domain::registry::{KeyUnitKind, PersonRole};
use safegrid_domain::telemetry::Metric;
use safegrid_domain::warning::{
    self, Action, ActionRules, CapSource, Issuer, Policy, Reached, RequiredAction, Status,
    WarningDraft, WarningInput, WarningKind,
};
use safegrid_store::Tx;
use safegrid_store::monitoring as mstore;
use safegrid_store::regions;
use safegrid_store::warnings::{
    self as wstore, CapMessageRow, NewRecipient, RecipientRow, WarningRow,
};
use serde::Serialize;
use std::collections::BTreeMap;

const POLICY_KEY: &str = "warning_policy";
const ISSUER_KEY: &str = "cap_issuer";
const ACTIONS_KEY: &str = "required_actions";

/// The registry roles a warning over a region reaches (besides the duties at its objects).
const REACHED_ROLES: &[&str] = &["village_head", "village_cadre", "grid_member", "monitor"];

/// A warning with its areas, messages and recipients, and the count of answers.
#[derive(Debug, Clone, Serialize)]
pub struct WarningDetail {
    pub warning: WarningRow,
    /// (region id, object id, name).
    pub areas: Vec<(Option<i64>, Option<i64>, String)>,
    pub messages: Vec<CapMessageRow>,
    pub recipients: Vec<RecipientRow>,
    pub tally: Tally,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub recipients: usize,
    pub answered: usize,
    /// Not answered and past their answer window.
    pub overdue: usize,
}

impl Tally {
    pub(crate) fn of(rs: &[RecipientRow], now: DateTime<Utc>) -> Tally {
        Tally {
            recipients: rs.len(),
            answered: rs.iter().filter(|r| r.answered_at.is_some()).count(),
            overdue: rs
                .iter()
                .filter(|r| r.answered_at.is_none() && r.due_at <= now)
                .count(),
        }
    }
}

fn reached_of(r: &wstore::Reachable) -> Option<Reached> {
    match r.source.as_str() {
        "duty" => DutyRole::parse(&r.role).map(Reached::Duty),
        // A person with several roles is reached by the one that asks the most of them.
        "person" => r
            .role
            .split(',')
            .filter_map(PersonRole::parse)
            .find(|p| REACHED_ROLES.contains(&p.as_str()))
            .map(Reached::Person),
        "key_unit" => KeyUnitKind::parse(&r.role).map(Reached::KeyUnit),
        "enterprise" => Some(Reached::Enterprise {
            high_risk: r.role == "high_risk",
        }),
        "household" => Some(Reached::Household),
        _ => None,
    }
}

/// The longest region path that holds every one of `paths`.
pub(crate) fn common_path(paths: &[String]) -> String {
    let Some(first) = paths.first() else {
        return "/".into();
    };
    let mut best = first.clone();
    for p in &paths[1..] {
        while !is_within(p, &best) {
            // Drop the last segment: "/1/12/" → "/1/".
            let trimmed = best.trim_end_matches('/');
            best = match trimmed.rfind('/') {
                Some(i) => trimmed[..=i].to_string(),
                None => "/".into(),
            };
            if best == "/" {
                break;
            }
        }
    }
    best
}

pub(crate) fn reply_code() -> String {
    let mut b = [0u8; 4];
    OsRng.fill_bytes(&mut b);
    format!("{:06}", u32::from_le_bytes(b) % 1_000_000)
}

impl Service {
    pub async fn warning_policy(&self) -> Result<Policy> {
        self.config(POLICY_KEY).await
    }

    pub async fn set_warning_policy(&self, who: &Principal, policy: &Policy) -> Result<()> {
        ensure(who.can_configure())?;
        policy.validate()?;
        self.put_config(who, POLICY_KEY, policy).await
    }

    /// What warnings ask of each kind of recipient.
    pub async fn action_rules(&self) -> Result<ActionRules> {
        self.config(ACTIONS_KEY).await
    }

    pub async fn set_action_rules(&self, who: &Principal, rules: &ActionRules) -> Result<()> {
        ensure(who.can_configure())?;
        rules.validate()?;
        self.put_config(who, ACTIONS_KEY, rules).await
    }

    pub async fn cap_issuer(&self) -> Result<Issuer> {
        self.config(ISSUER_KEY).await
    }

    pub async fn set_cap_issuer(&self, who: &Principal, issuer: &Issuer) -> Result<()> {
        ensure(who.can_configure())?;
        issuer.validate()?;
        self.put_config(who, ISSUER_KEY, issuer).await
    }

    /// The region a draft's areas lie in, checking each area exists and is the caller's.
    async fn area_path(&self, tx: &mut Tx, who: &Principal, d: &WarningDraft) -> Result<String> {
        let mut errs = Invalid::default();
        let mut paths = Vec::new();
        for id in &d.region_ids {
            match regions::get(&mut *tx, *id).await? {
                Some(r) if who.can_read_region(&r.path) => paths.push(r.path),
                _ => errs.push("region_ids", "not_a_reference"),
            }
        }
        for id in &d.object_ids {
            match mstore::object(&mut *tx, *id).await? {
                Some(o) if who.can_read_monitoring(&o.region_path) => paths.push(o.region_path),
                _ => errs.push("object_ids", "not_a_reference"),
            }
        }
        if let Some(a) = d.alarm_id
            && mstore::alarm(&mut *tx, a)
                .await?
                .is_none_or(|x| !who.can_read_monitoring(&x.region_path))
        {
            errs.push("alarm_id", "not_a_reference");
        }
        errs.into_result()?;
        // A polygon alone is the caller's whole region.
        if paths.is_empty() {
            paths.push(who.region_path.clone());
        }
        Ok(common_path(&paths))
    }

    /// Drafts a warning (the office, leaders and admins).
    pub async fn create_warning(
        &self,
        who: &Principal,
        input: &WarningInput,
    ) -> Result<WarningRow> {
        ensure(who.can_write_warnings())?;
        let d = input.validate(Utc::now())?;
        let mut tx = self.store.begin().await?;
        let path = self.area_path(&mut tx, who, &d).await?;
        let id = wstore::insert(
            &mut tx,
            &d,
            Status::Draft.as_str(),
            &path,
            "local",
            Some(who.user_id),
        )
        .await?;
        audit::record(&mut tx, who, "create", "warning", id, None::<&()>, Some(&d)).await?;
        let row = wstore::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// A warning prefilled from an alarm: its object, level and kind, standing twelve hours.
    pub async fn warning_from_alarm(&self, who: &Principal, alarm_id: i64) -> Result<WarningInput> {
        let (a, _) = self.alarm(who, alarm_id).await?;
        Ok(warning::input_from_alarm(
            &warning::AlarmFacts {
                id: a.id,
                object_id: a.object_id,
                object_name: &a.object_name,
                object_kind: ObjectKind::parse(&a.object_kind),
                rainfall: a.metric.as_deref() == Some(Metric::Rainfall.as_str()),
                level: Level::parse(&a.level).unwrap_or(Level::Yellow),
            },
            Utc::now(),
        ))
    }

    pub async fn warnings(&self, who: &Principal, live: bool) -> Result<Vec<WarningRow>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        Ok(wstore::list(&self.store, &who.region_path, live).await?)
    }

    pub async fn warning(&self, who: &Principal, id: i64) -> Result<WarningDetail> {
        let w = wstore::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_warning(&w.region_path) {
            return Err(Error::NotFound);
        }
        let recipients = wstore::recipients(&self.store, id).await?;
        Ok(WarningDetail {
            areas: wstore::areas(&self.store, id).await?,
            messages: wstore::messages_of(&self.store, id).await?,
            tally: Tally::of(&recipients, Utc::now()),
            recipients,
            warning: w,
        })
    }

    /// Loads a warning the caller may act on and checks the action is allowed in its state.
    async fn acting(
        &self,
        tx: &mut Tx,
        who: &Principal,
        id: i64,
        action: Action,
    ) -> Result<(WarningRow, Status)> {
        let w = wstore::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_warning(&w.region_path) {
            return Err(Error::NotFound);
        }
        ensure(who.can_write_warnings())?;
        let from = Status::parse(&w.status).ok_or_else(|| Error::Internal(w.status.clone()))?;
        let to = warning::next(from, action)
            .ok_or_else(|| Invalid::one("status", "warning.wrong_state"))?;
        Ok((w, to))
    }

    async fn moved(
        &self,
        mut tx: Tx,
        who: &Principal,
        before: &WarningRow,
        to: Status,
        action: Action,
        at: DateTime<Utc>,
    ) -> Result<WarningRow> {
        if !wstore::set_status(
            &mut tx,
            before.id,
            &[before.status.as_str()],
            to.as_str(),
            Some(who.user_id),
            at,
        )
        .await?
        {
            return Err(Invalid::one("status", "warning.wrong_state").into());
        }
        let after = wstore::get(&mut tx, before.id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            action.as_str(),
            "warning",
            before.id,
            Some(before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Rewrites a draft (an approved one goes back to draft: it is approved as it will be sent).
    pub async fn edit_warning(
        &self,
        who: &Principal,
        id: i64,
        input: &WarningInput,
    ) -> Result<WarningRow> {
        let d = input.validate(Utc::now())?;
        let mut tx = self.store.begin().await?;
        let (before, to) = self.acting(&mut tx, who, id, Action::Edit).await?;
        let path = self.area_path(&mut tx, who, &d).await?;
        wstore::rewrite(&mut tx, id, &d, &path, false).await?;
        if before.status != to.as_str() {
            wstore::set_status(
                &mut tx,
                id,
                &[before.status.as_str()],
                to.as_str(),
                None,
                Utc::now(),
            )
            .await?;
        }
        let after = wstore::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "edit",
            "warning",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Approves a draft: the level decides who may (a red one needs a leader), and from the
    /// policy's level up the author may not approve their own.
    pub async fn approve_warning(&self, who: &Principal, id: i64) -> Result<WarningRow> {
        let policy = self.warning_policy().await?;
        let mut tx = self.store.begin().await?;
        let (w, to) = self.acting(&mut tx, who, id, Action::Approve).await?;
        let level = Level::parse(&w.level).unwrap_or(Level::Red);
        ensure(policy.may_approve(level, who.role, who.user_id, w.created_by.unwrap_or(0)))?;
        self.moved(tx, who, &w, to, Action::Approve, Utc::now())
            .await
    }

    /// Issues an approved warning: its CAP Alert, and everyone it reaches with their required
    /// actions and the time by which they must answer.
    pub async fn issue_warning(&self, who: &Principal, id: i64) -> Result<WarningDetail> {
        let policy = self.warning_policy().await?;
        self.answer_secret().await?;
        let mut tx = self.store.begin().await?;
        let (w, to) = self.acting(&mut tx, who, id, Action::Issue).await?;
        let now = Utc::now();
        let d = self.draft_of(&mut tx, &w).await?;
        self.write_cap(&mut tx, &w, &d, cap::MsgType::Alert, now)
            .await?;
        self.add_recipients(&mut tx, &w, &d, &policy, now).await?;
        let issued = WarningRow {
            status: to.as_str().into(),
            ..w.clone()
        };
        self.queue_notices(&mut tx, &issued).await?;
        self.moved(tx, who, &w, to, Action::Issue, now).await?;
        self.wake.both();
        self.warning(who, id).await
    }

    /// Changes an issued warning (a new level, time or area): a CAP Update referring to every
    /// message before it, and the people of any new area reached.
    pub async fn update_warning(
        &self,
        who: &Principal,
        id: i64,
        input: &WarningInput,
    ) -> Result<WarningDetail> {
        let policy = self.warning_policy().await?;
        let d = input.validate(Utc::now())?;
        self.answer_secret().await?;
        let mut tx = self.store.begin().await?;
        let (w, to) = self.acting(&mut tx, who, id, Action::Update).await?;
        // Raising a warning needs whom the new level needs.
        if d.level.as_str() != w.level {
            ensure(policy.may_approve(d.level, who.role, who.user_id, -1))?;
        }
        let path = self.area_path(&mut tx, who, &d).await?;
        wstore::rewrite(&mut tx, id, &d, &path, true).await?;
        let now = Utc::now();
        let w2 = wstore::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        self.write_cap(&mut tx, &w2, &d, cap::MsgType::Update, now)
            .await?;
        self.add_recipients(&mut tx, &w2, &d, &policy, now).await?;
        self.queue_notices(&mut tx, &w2).await?;
        self.moved(tx, who, &w, to, Action::Update, now).await?;
        self.wake.both();
        self.warning(who, id).await
    }

    /// Cancels a warning; an issued one says so in a CAP Cancel referring to its messages.
    pub async fn cancel_warning(&self, who: &Principal, id: i64) -> Result<WarningRow> {
        let mut tx = self.store.begin().await?;
        let (w, to) = self.acting(&mut tx, who, id, Action::Cancel).await?;
        if Status::parse(&w.status).is_some_and(Status::is_live) {
            let d = self.draft_of(&mut tx, &w).await?;
            self.write_cap(&mut tx, &w, &d, cap::MsgType::Cancel, Utc::now())
                .await?;
        }
        self.moved(tx, who, &w, to, Action::Cancel, Utc::now())
            .await
    }

    /// Ends the live warnings whose time is up; returns how many.
    pub async fn expire_warnings(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut n = 0;
        for id in wstore::expired(&self.store, now).await? {
            let mut tx = self.store.begin().await?;
            if wstore::set_status(
                &mut tx,
                id,
                &["issued", "updated"],
                Status::Expired.as_str(),
                None,
                now,
            )
            .await?
            {
                audit::record(
                    &mut tx,
                    &crate::system(),
                    "expire",
                    "warning",
                    id,
                    None::<&()>,
                    Some(&now),
                )
                .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// A stored warning back as the draft its CAP form is built from.
    async fn draft_of(&self, tx: &mut Tx, w: &WarningRow) -> Result<WarningDraft> {
        let areas = wstore::areas(&mut *tx, w.id).await?;
        Ok(WarningDraft {
            kind: WarningKind::parse(&w.kind).unwrap_or(WarningKind::Other),
            level: Level::parse(&w.level).unwrap_or(Level::Red),
            headline: w.headline.clone(),
            description: w.description.clone(),
            instruction: w.instruction.clone(),
            headline_en: w.headline_en.clone(),
            description_en: w.description_en.clone(),
            instruction_en: w.instruction_en.clone(),
            onset: w.onset,
            expires: w.expires,
            region_ids: areas.iter().filter_map(|a| a.0).collect(),
            object_ids: areas.iter().filter_map(|a| a.1).collect(),
            polygon: w.polygon.clone(),
            alarm_id: w.alarm_id,
        })
    }

    /// Writes the warning's next CAP message with a fresh identifier; Update and Cancel refer to
    /// every message sent before.
    async fn write_cap(
        &self,
        tx: &mut Tx,
        w: &WarningRow,
        d: &WarningDraft,
        msg_type: cap::MsgType,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let issuer = self.cap_issuer().await?;
        // The identifier's last digit tells apart messages sent in the same second.
        let mut free = None;
        for seq in 0..10u8 {
            let id = issuer.identifier(now, seq);
            if !wstore::identifier_taken(&mut *tx, &issuer.sender, &id).await? {
                free = Some(id);
                break;
            }
        }
        let identifier =
            free.ok_or_else(|| Error::Internal("ten CAP messages in one second".into()))?;
        let earlier = wstore::messages_of(&mut *tx, w.id).await?;
        // The town's own messages: those it received are not its to update.
        let references: Vec<String> = earlier
            .iter()
            .filter(|m| !m.received)
            .map(|m| cap::reference(&m.sender, &m.identifier, &m.sent))
            .collect();
        let areas = wstore::areas(&mut *tx, w.id).await?;
        let mut area_codes = Vec::new();
        for id in areas.iter().filter_map(|a| a.0) {
            if let Some(code) = regions::get(&mut *tx, id).await?.and_then(|r| r.code)
                && !code.is_empty()
            {
                area_codes.push(code);
            }
        }
        let src = CapSource {
            draft: d,
            area_names: areas.into_iter().map(|a| a.2).collect(),
            area_codes,
            web: None,
            exercise: false,
        };
        let mut alert = warning::to_cap(&src, &issuer, &identifier, now, msg_type, &references);
        // A warning passed down from another sender names their messages as the same incident,
        // so that the sender, reading this town's feed, does not take it for a new one.
        let incidents: Vec<&str> = earlier
            .iter()
            .filter(|m| m.received)
            .map(|m| m.identifier.as_str())
            .collect();
        if !incidents.is_empty() {
            alert.incidents = Some(incidents.join(" "));
        }
        let xml = alert.to_xml();
        // What is sent must read back as valid CAP.
        cap::parse(xml.as_bytes())
            .map_err(|e| Error::Internal(format!("CAP written invalid: {e}")))?;
        wstore::insert_message(
            &mut *tx,
            Some(w.id),
            &issuer.sender,
            &identifier,
            &alert.sent,
            msg_type.as_str(),
            &xml,
            false,
        )
        .await?
        .ok_or_else(|| Error::Internal(format!("CAP identifier {identifier} taken")))?;
        Ok(())
    }

    /// Resolves and stores everyone the warning reaches who is not reached yet.
    async fn add_recipients(
        &self,
        tx: &mut Tx,
        w: &WarningRow,
        d: &WarningDraft,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let hash = self.token_hasher().await?;
        let rules = self.action_rules().await?;
        let mut reach = Vec::new();
        // Objects named, and for each region named everything inside it.
        reach.extend(wstore::reachable(&self.store, None, &d.object_ids, REACHED_ROLES).await?);
        for id in &d.region_ids {
            if let Some(r) = regions::get(&mut *tx, *id).await? {
                reach.extend(
                    wstore::reachable(&self.store, Some(&r.path), &[], REACHED_ROLES).await?,
                );
            }
        }
        // One line per mobile number, with every reason and every action it carries.
        let mut by_mobile: BTreeMap<String, (NewRecipient, Vec<String>, Vec<RequiredAction>)> =
            BTreeMap::new();
        for r in reach {
            let Some(mobile) = r.mobile.clone().filter(|m| !m.trim().is_empty()) else {
                continue;
            };
            let Some(reached) = reached_of(&r) else {
                continue;
            };
            let reason = format!("{}:{}@{}", r.source, reached.code(), r.via);
            let (_, reasons, actions) = by_mobile.entry(mobile.clone()).or_insert_with(|| {
                let first = NewRecipient {
                    person_id: r.person_id,
                    key_unit_id: r.key_unit_id,
                    enterprise_id: r.enterprise_id,
                    name: r.name.clone(),
                    mobile,
                    reasons: String::new(),
                    region_path: r.region_path.clone(),
                    actions: String::new(),
                    reply_code: reply_code(),
                    token_hash: String::new(),
                    due_at: now + policy.answer_window(d.level),
                    escalated_from: None,
                };
                (first, Vec::new(), Vec::new())
            });
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
            warning::merge_actions(actions, &rules.actions_for(d.kind, d.level, reached));
        }
        let list: Vec<NewRecipient> = by_mobile
            .into_values()
            .map(|(mut r, reasons, actions)| {
                r.token_hash = hash(w.id, &r.mobile)?;
                r.reasons = reasons.join(",");
                r.actions = actions
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(",");
                Ok(r)
            })
            .collect::<Result<_>>()?;
        let n = wstore::insert_recipients(tx, w.id, &list).await?;
        self.schedule_escalations(tx, w.id).await?;
        Ok(n)
    }

    /// The town's own CAP messages as an Atom feed, newest first.
    pub async fn cap_feed(&self, base_url: &str) -> Result<String> {
        let rows = wstore::own_messages(&self.store, 100).await?;
        let mut alerts = Vec::new();
        for m in &rows {
            let (a, _) =
                cap::parse(m.xml.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
            alerts.push((a, format!("{base_url}/cap/{}.xml", m.id), m));
        }
        let titles: Vec<String> = alerts
            .iter()
            .map(|(a, _, _)| {
                a.infos
                    .first()
                    .and_then(|i| i.headline.clone())
                    .unwrap_or_default()
            })
            .collect();
        let entries: Vec<cap::feed::Published<'_>> = alerts
            .iter()
            .zip(&titles)
            .map(|((a, link, _), title)| cap::feed::Published {
                alert: a,
                link,
                title,
            })
            .collect();
        let issuer = self.cap_issuer().await?;
        let updated = alerts
            .first()
            .map(|(a, _, _)| a.sent.clone())
            .unwrap_or_else(|| local_time::cap(Utc::now()));
        Ok(cap::feed::write_atom(
            &format!("urn:safegrid:{}:warnings", issuer.sender),
            &format!("{} 预警信息", issuer.sender_name),
            &updated,
            &format!("{base_url}/cap/feed.atom"),
            &entries,
        ))
    }

    /// One of the town's CAP messages (public, as the feed is).
    pub async fn cap_message(&self, id: i64) -> Result<CapMessageRow> {
        wstore::message(&self.store, id)
            .await?
            .filter(|m| !m.received)
            .ok_or(Error::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::common_path;

    #[test]
    fn the_common_region_of_areas() {
        let p = |v: &[&str]| common_path(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["/1/12/40/"]), "/1/12/40/");
        assert_eq!(p(&["/1/12/40/", "/1/12/41/"]), "/1/12/");
        assert_eq!(p(&["/1/12/40/", "/1/12/"]), "/1/12/");
        assert_eq!(p(&["/1/12/40/", "/2/"]), "/");
        assert_eq!(p(&[]), "/");
    }
}
