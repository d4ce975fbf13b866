//! Monitor patrols (群测群防巡查): a monitor's report from a site — check-in, precursors, crack
//! widths, photos, position — the alarm a precursor raises, and the patrols the frequency policy
//! wanted and nobody made, per site, monitor and village.

use crate::ingest::AlarmNotice;
use crate::{Error, Result, Service, audit, ensure};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::alarm::Level;
use safegrid_domain::evidence::{check, clean_name};
use safegrid_domain::local_time::{day_of, midnight};
use safegrid_domain::monitoring::ObjectKind;
use safegrid_domain::patrol::{self, Missed, PatrolInput, Policy};
use safegrid_domain::region::is_within;
use safegrid_store::Src;
use safegrid_store::files::{self, AttachmentRow};
use safegrid_store::monitoring::{self as mstore, NewAlarm};
use safegrid_store::patrols::{self as pstore, CrackRow, PatrolRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const POLICY_KEY: &str = "patrol_policy";

/// Photos one report may carry.
pub const MAX_PHOTOS: usize = 6;

/// What a stored patrol gave: the record, the alarm it raised or raised again (for live pages),
/// and how each measured crack changed since its last measurement.
#[derive(Debug, Clone, Serialize)]
pub struct PatrolReceipt {
    pub patrol: PatrolRow,
    pub notice: Option<AlarmNotice>,
    pub widening: Vec<Widening>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Widening {
    pub point: String,
    pub before_mm: f64,
    pub now_mm: f64,
}

/// A patrol with its measurements (and how each changed) and photos.
#[derive(Debug, Clone, Serialize)]
pub struct PatrolDetail {
    pub patrol: PatrolRow,
    pub cracks: Vec<CrackRow>,
    pub widening: Vec<Widening>,
    pub photos: Vec<AttachmentRow>,
}

/// One site's patrols that were due and not made.
#[derive(Debug, Clone, Serialize)]
pub struct SiteMissed {
    pub object_id: i64,
    pub object_name: String,
    pub region_name: String,
    pub monitors: Vec<String>,
    pub done: u32,
    pub missed: Vec<Missed>,
}

/// A line of the per-monitor or per-village summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MissedTally {
    pub name: String,
    pub sites: u32,
    /// Sites with at least one stretch missed.
    pub sites_missing: u32,
    /// Stretches (weeks or warning days) missed.
    pub stretches: u32,
    pub patrols_missing: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissedReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub policy: Policy,
    /// Every hazard site in scope, those with missed stretches first.
    pub sites: Vec<SiteMissed>,
    pub by_monitor: Vec<MissedTally>,
    pub by_village: Vec<MissedTally>,
}

impl MissedReport {
    pub fn missing_total(&self) -> u32 {
        self.sites.iter().map(|s| s.missed.len() as u32).sum()
    }
}

/// How each point measured at `at` changed since its measurement before.
async fn widening(
    src: impl Into<Src<'_>>,
    object_id: i64,
    at: DateTime<Utc>,
    measured: &[(&str, f64)],
) -> Result<Vec<Widening>> {
    Ok(pstore::last_widths(src, object_id, at)
        .await?
        .into_iter()
        .filter_map(|(point, before_mm)| {
            let now_mm = measured.iter().find(|m| m.0 == point)?.1;
            Some(Widening {
                point,
                before_mm,
                now_mm,
            })
        })
        .collect())
}

impl Service {
    /// The patrol policy in force (the defaults until the office sets one).
    pub async fn patrol_policy(&self) -> Result<Policy> {
        self.config(POLICY_KEY).await
    }

    pub async fn set_patrol_policy(&self, who: &Principal, policy: &Policy) -> Result<()> {
        ensure(who.can_configure())?;
        policy.validate()?;
        self.put_config(who, POLICY_KEY, policy).await
    }

    /// Stores a patrol report whole — record, measurements, photos, the alarm its precursors
    /// raise — or nothing at all.
    pub async fn record_patrol(
        &self,
        who: &Principal,
        input: &PatrolInput,
        photos: &[(String, Vec<u8>)],
    ) -> Result<PatrolReceipt> {
        let now = Utc::now();
        let draft = input.validate(now)?;
        let object = mstore::object(&self.store, draft.object_id)
            .await?
            .ok_or(Error::NotFound)?;
        if !who.can_read_monitoring(&object.region_path) {
            return Err(Error::NotFound);
        }
        ensure(who.can_record_patrol(&object.region_path))?;
        if !ObjectKind::code_is_patrolled(&object.kind) {
            return Err(Invalid::one("object_id", "patrol.not_patrolled").into());
        }
        let mut errs = Invalid::default();
        if photos.len() > MAX_PHOTOS {
            errs.push("photos", "too_many");
        }
        let mut checked = Vec::new();
        for (name, bytes) in photos.iter().take(MAX_PHOTOS) {
            match check(bytes, self.settings.upload_max_bytes) {
                Ok(kind) => checked.push((clean_name(name), kind.mime(), bytes)),
                Err(e) => errs.errors.extend(e.errors.into_iter().map(|mut f| {
                    f.field = "photos".into();
                    f
                })),
            }
        }
        errs.into_result()?;
        let policy = self.patrol_policy().await?;
        let level = policy.alarm_level(&draft.precursors);
        let detail: Vec<&str> = draft.precursors.iter().map(|p| p.as_str()).collect();
        let detail = detail.join(",");

        let mut tx = self.store.begin().await?;
        let measured: Vec<(&str, f64)> = draft
            .cracks
            .iter()
            .map(|c| (c.point.as_str(), c.width_mm))
            .collect();
        let widening = widening(&mut tx, object.id, draft.patrolled_at, &measured).await?;
        let mut notice = None;
        let mut alarm_id = None;
        if let Some(level) = level {
            let a = NewAlarm {
                rule_id: None,
                object_id: object.id,
                source: "patrol",
                level: level.as_str(),
                level_rank: i64::from(level.rank()),
                sensor_id: None,
                metric: None,
                figure: Some(draft.precursors.len() as f64),
                window_h: None,
                detail: Some(&detail),
                at: draft.patrolled_at,
            };
            let (id, kind) =
                match mstore::open_alarm_of_source(&mut tx, object.id, "patrol").await? {
                    Some((id, stored)) => {
                        let higher = Level::parse(&stored).is_none_or(|s| level > s);
                        if higher {
                            mstore::raise_alarm(&mut tx, id, &a, true).await?;
                        } else {
                            // The same signs seen again: on the alarm's history, not a new alarm.
                            mstore::alarm_event(
                                &mut tx,
                                id,
                                draft.patrolled_at,
                                "reported",
                                Some(level.as_str()),
                                a.figure,
                                Some(who.user_id),
                                Some(&detail),
                            )
                            .await?;
                        }
                        (id, if higher { "raised" } else { "recurred" })
                    }
                    None => (mstore::insert_alarm(&mut tx, &a).await?, "opened"),
                };
            alarm_id = Some(id);
            notice = Some(AlarmNotice {
                alarm_id: id,
                object_id: object.id,
                region_path: object.region_path.clone(),
                level: Some(level),
                kind,
            });
        }
        let id = pstore::insert_patrol(
            &mut tx,
            &draft,
            day_of(draft.patrolled_at),
            who.user_id,
            alarm_id,
        )
        .await?;
        let mut stored_photos = Vec::new();
        for (name, mime, bytes) in &checked {
            let sha256 = hex::encode(Sha256::digest(bytes));
            files::attach(
                &mut tx,
                &files::NewAttachment {
                    sha256: &sha256,
                    mime,
                    content: bytes,
                    entity_type: "patrol",
                    entity_id: id,
                    part: None,
                    name,
                    by: who.user_id,
                },
            )
            .await?;
            stored_photos.push(serde_json::json!({ "name": name, "sha256": sha256 }));
        }
        let after =
            serde_json::json!({ "patrol": draft, "alarm_id": alarm_id, "photos": stored_photos });
        audit::record(
            &mut tx,
            who,
            "create",
            "patrol",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        let patrol = pstore::patrol(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(PatrolReceipt {
            patrol,
            notice,
            widening,
        })
    }

    /// Patrols in the caller's scope (of one object, or of all), newest first.
    pub async fn patrols(
        &self,
        who: &Principal,
        object_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<PatrolRow>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        if let Some(id) = object_id {
            self.readable_object(who, id).await?;
        }
        Ok(pstore::patrols(&self.store, &who.scope(), object_id, limit).await?)
    }

    pub async fn patrol(&self, who: &Principal, id: i64) -> Result<PatrolDetail> {
        let patrol = pstore::patrol(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !who.can_read_monitoring(&patrol.region_path) {
            return Err(Error::NotFound);
        }
        let cracks = pstore::cracks_of_patrol(&self.store, id).await?;
        let measured: Vec<(&str, f64)> = cracks
            .iter()
            .map(|c| (c.point.as_str(), c.width_mm))
            .collect();
        Ok(PatrolDetail {
            widening: widening(
                &self.store,
                patrol.object_id,
                patrol.patrolled_at,
                &measured,
            )
            .await?,
            photos: files::of(&self.store, "patrol", id).await?,
            cracks,
            patrol,
        })
    }

    /// Every crack measurement of an object, grouped by point in time order.
    pub async fn crack_history(
        &self,
        who: &Principal,
        object_id: i64,
    ) -> Result<Vec<(String, Vec<CrackRow>)>> {
        self.readable_object(who, object_id).await?;
        let mut by_point: BTreeMap<String, Vec<CrackRow>> = BTreeMap::new();
        for r in pstore::cracks_of_object(&self.store, object_id).await? {
            by_point.entry(r.point.clone()).or_default().push(r);
        }
        Ok(by_point.into_iter().collect())
    }

    /// The hazard sites' patrols that the policy wanted in `[from, to]` (Beijing days) and that
    /// were not made. A day counts as under a rain warning when a rainfall alarm stood over the
    /// site's area that day.
    pub async fn missed_patrols(
        &self,
        who: &Principal,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<MissedReport> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        patrol::check_period(from, to)?;
        let policy = self.patrol_policy().await?;
        let scope = who.scope();
        let sites =
            mstore::objects(&self.store, &scope, Some(ObjectKind::HazardSite.as_str())).await?;
        let mut done: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
        for (object, day) in pstore::patrol_days(&self.store, &scope, from, to).await? {
            done.entry(object).or_default().push(day);
        }
        let mut monitors: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (object, _, name) in pstore::monitors(&self.store, &scope).await? {
            monitors.entry(object).or_default().push(name);
        }
        let start = midnight(from);
        let end = midnight(to) + Duration::days(1);
        let spans = pstore::rain_alarm_spans(&self.store, start, end).await?;
        let today = crate::hazards::today();

        let mut out = Vec::new();
        for site in sites {
            let mut warnings: Vec<NaiveDate> = Vec::new();
            for (path, opened, ended) in &spans {
                if !is_within(&site.region_path, path) {
                    continue;
                }
                let mut d = day_of(*opened).max(from);
                let last = ended.map(day_of).unwrap_or(today).min(to);
                while d <= last {
                    if !warnings.contains(&d) {
                        warnings.push(d);
                    }
                    d += Duration::days(1);
                }
            }
            let days = done.remove(&site.id).unwrap_or_default();
            let missed = patrol::missed(&policy, from, to, &days, &warnings);
            out.push(SiteMissed {
                object_id: site.id,
                object_name: site.name,
                region_name: site.region_name,
                monitors: monitors.remove(&site.id).unwrap_or_default(),
                done: days.len() as u32,
                missed,
            });
        }
        out.sort_by(|a, b| {
            b.missed
                .len()
                .cmp(&a.missed.len())
                .then(a.region_name.cmp(&b.region_name))
                .then(a.object_name.cmp(&b.object_name))
        });
        let tally = |key: &dyn Fn(&SiteMissed) -> Vec<String>| {
            let mut m: BTreeMap<String, MissedTally> = BTreeMap::new();
            for s in &out {
                for k in key(s) {
                    let t = m.entry(k.clone()).or_insert_with(|| MissedTally {
                        name: k,
                        ..MissedTally::default()
                    });
                    t.sites += 1;
                    if !s.missed.is_empty() {
                        t.sites_missing += 1;
                    }
                    t.stretches += s.missed.len() as u32;
                    t.patrols_missing += s.missed.iter().map(|x| x.required - x.done).sum::<u32>();
                }
            }
            let mut v: Vec<MissedTally> = m.into_values().collect();
            v.sort_by(|a, b| {
                b.patrols_missing
                    .cmp(&a.patrols_missing)
                    .then(a.name.cmp(&b.name))
            });
            v
        };
        let by_monitor = tally(&|s: &SiteMissed| {
            if s.monitors.is_empty() {
                vec![String::new()]
            } else {
                s.monitors.clone()
            }
        });
        let by_village = tally(&|s: &SiteMissed| vec![s.region_name.clone()]);
        Ok(MissedReport {
            from,
            to,
            policy,
            sites: out,
            by_monitor,
            by_village,
        })
    }
}
