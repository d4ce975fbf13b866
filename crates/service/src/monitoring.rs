//! Monitored objects and who answers for them, gateways, sensors, alarm rules, and the handling
//! of alarms by people (acknowledge, resolve). Readings come in through [`crate::ingest`].

use crate::auth::token_hash;
use crate::registry::referenced_region;
use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::alarm::Level;
use safegrid_domain::alarm::{self, Condition};
use safegrid_domain::monitoring::{
    DutyRole, HouseholdInput, ObjectInput, ObjectKind, SensorInput, check_households,
};
use safegrid_domain::telemetry::Metric;
use safegrid_store::monitoring::{self as store, AlarmRow, DutyRow, ObjectRow, RuleRow, SensorRow};
use safegrid_store::readings as rstore;
use safegrid_store::{Src, people};
use serde::Serialize;
use std::collections::HashMap;

/// An object with its duties and sensors, as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectDetail {
    pub object: ObjectRow,
    pub duties: Vec<DutyRow>,
    /// Required duties nobody holds.
    pub missing_roles: Vec<String>,
    pub sensors: Vec<SensorRow>,
    pub rules: Vec<RuleRow>,
    /// The households registered as threatened here, whom its warnings reach.
    pub households: Vec<store::HouseholdRow>,
}

/// A new gateway and its token, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewGateway {
    pub id: i64,
    pub name: String,
    pub token: String,
}

/// An object on the monitoring board: its worst unresolved alarm and its latest values.
#[derive(Debug, Clone, Serialize)]
pub struct BoardTile {
    pub object: ObjectRow,
    /// The highest level among its unresolved alarms.
    pub level: Option<String>,
    pub open_alarms: usize,
    /// (sensor code, metric, value, time in ms).
    pub latest: Vec<(String, Metric, f64, i64)>,
}

/// One bucket of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    /// Bucket start, ms since the epoch.
    pub t: i64,
    pub n: i64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Sum of the bucket (rainfall is charted as the amount fallen per bucket).
    pub total: f64,
}

/// A chart of one sensor's metric with the threshold lines of the object's rules.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub sensor_id: i64,
    pub metric: Metric,
    pub unit: &'static str,
    /// Bucket length in seconds.
    pub span: i64,
    pub from: i64,
    pub to: i64,
    pub points: Vec<SeriesPoint>,
    pub thresholds: Vec<(Level, f64)>,
}

/// The ranges a chart offers: (name, length in ms, bucket span in s).
pub const RANGES: [(&str, i64, i64); 3] = [
    ("24h", 86_400_000, 600),
    ("7d", 7 * 86_400_000, 3600),
    ("30d", 30 * 86_400_000, 3600),
];

/// An object the caller may change, read inside the transaction that changes it.
async fn managed_object(
    tx: &mut safegrid_store::Tx,
    who: &Principal,
    id: i64,
) -> Result<ObjectRow> {
    let object = store::object(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    ensure(who.can_manage_monitoring(&object.region_path))?;
    Ok(object)
}

impl Service {
    pub async fn create_object(&self, who: &Principal, input: &ObjectInput) -> Result<ObjectRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_manage_monitoring(&region.path))?;
        let id = store::insert_object(&mut tx, &draft).await?;
        let row = store::object(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "monitored_object",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_object(
        &self,
        who: &Principal,
        id: i64,
        input: &ObjectInput,
    ) -> Result<ObjectRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let before = store::object(&mut tx, id).await?.ok_or(Error::NotFound)?;
        ensure(who.can_manage_monitoring(&before.region_path))?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_manage_monitoring(&region.path))?;
        store::update_object(&mut tx, id, &draft).await?;
        let row = store::object(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "update",
            "monitored_object",
            id,
            Some(&before),
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn objects(&self, who: &Principal, kind: Option<&str>) -> Result<Vec<ObjectRow>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        Ok(store::objects(&self.store, &who.scope(), kind).await?)
    }

    /// One object with everything about it, for a caller who may see it.
    /// An object the caller may see (readings, alarms, patrols and the like hang off it).
    pub(crate) async fn readable_object(&self, who: &Principal, id: i64) -> Result<ObjectRow> {
        let object = store::object(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_read_monitoring(&object.region_path))?;
        Ok(object)
    }

    pub async fn object_detail(&self, who: &Principal, id: i64) -> Result<ObjectDetail> {
        let object = self.readable_object(who, id).await?;
        let duties = store::duties(&self.store, id).await?;
        let missing_roles = ObjectKind::parse(&object.kind)
            .map(|k| k.required_roles())
            .unwrap_or_default()
            .iter()
            .filter(|r| !duties.iter().any(|d| d.role == r.as_str()))
            .map(|r| r.as_str().to_string())
            .collect();
        Ok(ObjectDetail {
            sensors: store::object_sensors(&self.store, id).await?,
            rules: store::rules(&self.store, Some(id)).await?,
            households: store::households(&self.store, id).await?,
            object,
            duties,
            missing_roles,
        })
    }

    /// Registers the households threatened at an object (replacing the list before), checked
    /// whole: one bad row refuses the list.
    pub async fn set_households(
        &self,
        who: &Principal,
        object_id: i64,
        rows: &[HouseholdInput],
    ) -> Result<ObjectDetail> {
        let list = check_households(rows)?;
        let mut tx = self.store.begin().await?;
        managed_object(&mut tx, who, object_id).await?;
        let before = store::households(&mut tx, object_id).await?;
        store::set_households(&mut tx, object_id, &list).await?;
        let after = store::households(&mut tx, object_id).await?;
        audit::record(
            &mut tx,
            who,
            "set_households",
            "monitored_object",
            object_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.object_detail(who, object_id).await
    }

    /// Names the people holding one duty at an object (replacing those before). Each person
    /// must be in the caller's region.
    pub async fn set_duty(
        &self,
        who: &Principal,
        object_id: i64,
        role: &str,
        people_ids: &[i64],
    ) -> Result<ObjectDetail> {
        let Some(role) = DutyRole::parse(role) else {
            return Err(Invalid::one("role", "choice").into());
        };
        let mut tx = self.store.begin().await?;
        managed_object(&mut tx, who, object_id).await?;
        let before = store::duties(&mut tx, object_id).await?;
        for (i, pid) in people_ids.iter().enumerate() {
            let person = people::get(&mut tx, *pid).await?;
            if !person.is_some_and(|p| who.can_read_region(&p.region_path)) {
                return Err(Invalid::one(format!("people.{i}"), "not_a_reference").into());
            }
        }
        store::set_duty(&mut tx, object_id, role.as_str(), people_ids).await?;
        let after = store::duties(&mut tx, object_id).await?;
        audit::record(
            &mut tx,
            who,
            "set_duty",
            "monitored_object",
            object_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.object_detail(who, object_id).await
    }

    /// Registers a gateway; its token is returned once and stored only as a hash.
    pub async fn create_gateway(&self, who: &Principal, name: &str) -> Result<NewGateway> {
        ensure(who.can_manage_monitoring(&who.region_path))?;
        let mut errs = Invalid::default();
        let name = safegrid_domain::error::required_text(&mut errs, "name", name, 60);
        errs.into_result()?;
        let token = crate::auth::random_token();
        let mut tx = self.store.begin().await?;
        let id = store::insert_gateway(&mut tx, &name, &token_hash(&token))
            .await
            .map_err(crate::duplicate_as("name", "duplicate"))?;
        audit::record(
            &mut tx,
            who,
            "create",
            "gateway",
            id,
            None::<&()>,
            Some(&name),
        )
        .await?;
        tx.commit().await?;
        Ok(NewGateway { id, name, token })
    }

    /// A fresh token for the gateway `name`, registering it when new (the old token stops
    /// working). For the CLI, which cannot read a token back.
    pub async fn gateway_token(&self, who: &Principal, name: &str) -> Result<NewGateway> {
        ensure(who.can_manage_monitoring(&who.region_path))?;
        let token = crate::auth::random_token();
        let mut tx = self.store.begin().await?;
        if !store::set_gateway_token(&mut tx, name, &token_hash(&token)).await? {
            drop(tx);
            return self.create_gateway(who, name).await;
        }
        audit::record(
            &mut tx,
            who,
            "new_token",
            "gateway",
            0,
            None::<&()>,
            Some(&name),
        )
        .await?;
        tx.commit().await?;
        let id = store::gateways(&self.store)
            .await?
            .into_iter()
            .find(|g| g.name == name)
            .map(|g| g.id)
            .unwrap_or_default();
        Ok(NewGateway {
            id,
            name: name.to_string(),
            token,
        })
    }

    pub async fn gateways(&self, who: &Principal) -> Result<Vec<store::GatewayRow>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        Ok(store::gateways(&self.store).await?)
    }

    pub async fn create_sensor(
        &self,
        who: &Principal,
        input: &SensorInput,
    ) -> Result<Vec<SensorRow>> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let object = store::object(&mut tx, d.object_id)
            .await?
            .ok_or_else(|| Error::Invalid(Invalid::one("object_id", "not_a_reference")))?;
        ensure(who.can_manage_monitoring(&object.region_path))?;
        let metrics: Vec<(i16, f64, f64)> = d
            .metrics
            .iter()
            .map(|(m, r)| (m.code(), r.min, r.max))
            .collect();
        let id = store::insert_sensor(&mut tx, &d.code, d.object_id, d.gateway_id, &metrics)
            .await
            .map_err(|e| match e {
                safegrid_store::StoreError::Duplicate => {
                    Error::Invalid(Invalid::one("code", "duplicate"))
                }
                safegrid_store::StoreError::Reference => {
                    Error::Invalid(Invalid::one("gateway_id", "not_a_reference"))
                }
                e => e.into(),
            })?;
        let rows: Vec<SensorRow> = store::object_sensors(&mut tx, d.object_id)
            .await?
            .into_iter()
            .filter(|s| s.id == id)
            .collect();
        audit::record(
            &mut tx,
            who,
            "create",
            "sensor",
            id,
            None::<&()>,
            Some(&rows),
        )
        .await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Adds an alarm rule to an object. Sensors a condition names must belong to the object.
    pub async fn create_rule(
        &self,
        who: &Principal,
        object_id: i64,
        name: &str,
        conditions: &[Condition],
    ) -> Result<RuleRow> {
        let mut errs = Invalid::default();
        let name = safegrid_domain::error::required_text(&mut errs, "name", name, 100);
        if let Err(e) = alarm::validate(conditions) {
            errs.errors.extend(e.errors);
        }
        errs.into_result()?;
        let mut tx = self.store.begin().await?;
        managed_object(&mut tx, who, object_id).await?;
        let sensors = store::object_sensors(&mut tx, object_id).await?;
        let mut errs = Invalid::default();
        for (i, c) in conditions.iter().enumerate() {
            if let Some(s) = c.sensor()
                && !sensors.iter().any(|r| r.id == s)
            {
                errs.push(format!("conditions.{i}.sensor_id"), "not_a_reference");
            }
        }
        errs.into_result()?;
        let json = serde_json::to_string(conditions).map_err(|e| Error::Internal(e.to_string()))?;
        let id = store::insert_rule(&mut tx, object_id, &name, &json).await?;
        let row = store::rule(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "alarm_rule",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn alarms(
        &self,
        who: &Principal,
        object_id: Option<i64>,
        unresolved: bool,
    ) -> Result<Vec<AlarmRow>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        Ok(store::alarms(&self.store, &who.scope(), object_id, unresolved).await?)
    }

    pub async fn alarm(
        &self,
        who: &Principal,
        id: i64,
    ) -> Result<(AlarmRow, Vec<store::AlarmEventRow>)> {
        let a = store::alarm(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_read_monitoring(&a.region_path))?;
        let events = store::alarm_events(&self.store, id).await?;
        Ok((a, events))
    }

    /// "Seen, on it": open → acknowledged.
    pub async fn acknowledge_alarm(&self, who: &Principal, id: i64) -> Result<AlarmRow> {
        self.move_alarm(who, id, &["open", "open"], "acknowledged", None)
            .await
    }

    /// Closes an alarm for good (open or acknowledged → resolved) with a note of what was done.
    pub async fn resolve_alarm(&self, who: &Principal, id: i64, note: &str) -> Result<AlarmRow> {
        let mut errs = Invalid::default();
        let note = safegrid_domain::error::required_text(&mut errs, "note", note, 500);
        errs.into_result()?;
        self.move_alarm(who, id, &["open", "acknowledged"], "resolved", Some(&note))
            .await
    }

    async fn move_alarm(
        &self,
        who: &Principal,
        id: i64,
        from: &[&str],
        to: &str,
        note: Option<&str>,
    ) -> Result<AlarmRow> {
        let mut tx = self.store.begin().await?;
        let before = store::alarm(&mut tx, id).await?.ok_or(Error::NotFound)?;
        ensure(who.can_read_monitoring(&before.region_path))?;
        ensure(if to == "resolved" {
            who.can_resolve_alarm(&before.region_path)
        } else {
            who.can_acknowledge_alarm(&before.region_path)
        })?;
        if !store::set_alarm_status(&mut tx, id, from, to, who.user_id, note).await? {
            return Err(Invalid::one("status", "alarm.wrong_state").into());
        }
        let after = store::alarm(Src::Tx(&mut tx), id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(&mut tx, who, to, "alarm", id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The chart of one sensor's metric: read from the rollups only, never from the readings.
    pub async fn series(
        &self,
        who: &Principal,
        object_id: i64,
        sensor_id: i64,
        metric: Metric,
        range: &str,
        now_ms: i64,
    ) -> Result<Series> {
        let Some(&(_, len, span)) = RANGES.iter().find(|r| r.0 == range) else {
            return Err(Invalid::one("range", "choice").into());
        };
        self.readable_object(who, object_id).await?;
        let sensors = store::object_sensors(&self.store, object_id).await?;
        if !sensors
            .iter()
            .any(|s| s.id == sensor_id && s.metric == metric.code())
        {
            return Err(Error::NotFound);
        }
        let to = safegrid_domain::telemetry::bucket(now_ms, span * 1000) + span * 1000;
        let from = to - len;
        // Stored buckets are 10 minutes long; longer charts add them up into their own span.
        let points = rstore::points(&self.store, sensor_id, metric.code(), from, to, span * 1000)
            .await?
            .into_iter()
            .map(|p| SeriesPoint {
                t: p.t,
                n: p.n,
                min: p.min_value,
                max: p.max_value,
                mean: p.total / p.n.max(1) as f64,
                total: p.total,
            })
            .collect();
        let mut thresholds = Vec::new();
        for rule in store::rules(&self.store, Some(object_id))
            .await?
            .into_iter()
            .filter(|r| r.enabled)
        {
            let conditions: Vec<Condition> =
                serde_json::from_str(&rule.conditions).unwrap_or_default();
            for c in conditions {
                if let Condition::Threshold {
                    metric: m,
                    sensor_id: s,
                    bands,
                    ..
                } = c
                    && m == metric
                    && s.is_none_or(|s| s == sensor_id)
                {
                    for (i, b) in bands.iter().enumerate() {
                        if let Some(b) = b {
                            let level = Level::from_index(i);
                            if !thresholds.contains(&(level, *b)) {
                                thresholds.push((level, *b));
                            }
                        }
                    }
                }
            }
        }
        Ok(Series {
            sensor_id,
            metric,
            unit: metric.unit(),
            span,
            from,
            to,
            points,
            thresholds,
        })
    }

    /// Refused readings lately and the counts of the last week, for the operator.
    pub async fn ingest_report(
        &self,
        who: &Principal,
    ) -> Result<(Vec<rstore::RejectRow>, Vec<(String, String, String, i64)>)> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        Ok((
            rstore::recent_rejects(&self.store, 100).await?,
            rstore::counts(&self.store, 7).await?,
        ))
    }

    /// The latest value of each sensor metric of one object.
    pub async fn latest_of_object(
        &self,
        who: &Principal,
        object_id: i64,
    ) -> Result<Vec<(String, Metric, f64, i64)>> {
        self.readable_object(who, object_id).await?;
        let sensors = store::object_sensors(&self.store, object_id).await?;
        let latest = rstore::latest_of_object(&self.store, object_id).await?;
        Ok(latest_values(&sensors, &latest)
            .remove(&object_id)
            .unwrap_or_default())
    }

    /// Every object of the caller's region with its alarm level and latest values.
    pub async fn board(&self, who: &Principal) -> Result<Vec<BoardTile>> {
        ensure(who.can_read_monitoring(&who.region_path))?;
        let objects = store::objects(&self.store, &who.scope(), None).await?;
        let alarms = store::alarms(&self.store, &who.scope(), None, true).await?;
        let sensors = store::all_sensor_metrics(&self.store).await?;
        let latest = rstore::latest_all(&self.store).await?;
        let mut latest = latest_values(&sensors, &latest);
        let mut alarms_of: HashMap<i64, Vec<&AlarmRow>> = HashMap::new();
        for a in &alarms {
            alarms_of.entry(a.object_id).or_default().push(a);
        }
        Ok(objects
            .into_iter()
            .map(|object| {
                let mine = alarms_of.remove(&object.id).unwrap_or_default();
                BoardTile {
                    level: mine
                        .iter()
                        .filter_map(|a| Level::parse(&a.level))
                        .max()
                        .map(|l| l.as_str().to_string()),
                    open_alarms: mine.len(),
                    latest: latest.remove(&object.id).unwrap_or_default(),
                    object,
                }
            })
            .collect())
    }
}

/// Latest values by object: (sensor code, metric, value, time) for each sensor metric that has one.
fn latest_values(
    sensors: &[SensorRow],
    latest: &[rstore::Row],
) -> HashMap<i64, Vec<(String, Metric, f64, i64)>> {
    let by_key: HashMap<(i64, i16), &rstore::Row> = latest
        .iter()
        .map(|l| ((l.sensor_id, l.metric), l))
        .collect();
    let mut out: HashMap<i64, Vec<_>> = HashMap::new();
    for s in sensors {
        if let (Some(l), Some(m)) = (by_key.get(&(s.id, s.metric)), Metric::from_code(s.metric)) {
            out.entry(s.object_id)
                .or_default()
                .push((s.code.clone(), m, l.value, l.ts));
        }
    }
    out
}
