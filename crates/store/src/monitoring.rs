//! Monitored objects and their duties, gateways, sensors, alarm rules and alarms.

use crate::{
    Filter, Param, Result, Src, Store, Tx, bind_params, on_read, on_src, on_tx, path_upper,
};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Scope;
use safegrid_domain::monitoring::ObjectDraft;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ObjectRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub code: Option<String>,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub hazard_type: Option<String>,
    pub scale: Option<String>,
    pub households: i64,
    pub residents: i64,
    pub evacuation_route: Option<String>,
    pub shelter: Option<String>,
    pub reservoir_class: Option<String>,
    pub flood_limit_level: Option<f64>,
    pub warning_level: Option<f64>,
    pub guaranteed_level: Option<f64>,
    pub forest_hectares: Option<f64>,
    pub note: Option<String>,
}

const SELECT_OBJECT: &str = "SELECT o.id, o.kind, o.name, o.code, o.region_id, r.name AS region_name, o.region_path,
    o.latitude, o.longitude, o.hazard_type, o.scale, o.households, o.residents, o.evacuation_route, o.shelter,
    o.reservoir_class, o.flood_limit_level, o.warning_level, o.guaranteed_level, o.forest_hectares, o.note
    FROM monitored_objects o JOIN regions r ON r.id = o.region_id";

pub async fn insert_object(tx: &mut Tx, d: &ObjectDraft) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO monitored_objects (kind, name, code, region_id, region_path, latitude, longitude, hazard_type, scale,
            households, residents, evacuation_route, shelter, reservoir_class, flood_limit_level, warning_level,
            guaranteed_level, forest_hectares, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, (SELECT path FROM regions WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
            $15, $16, $17, $18, $19, $19) RETURNING id")
        .bind(d.kind.as_str()).bind(d.name.clone()).bind(d.code.clone()).bind(d.region_id)
        .bind(d.latitude).bind(d.longitude).bind(d.hazard_type.map(|v| v.as_str()))
        .bind(d.scale.map(|v| v.as_str())).bind(d.households).bind(d.residents)
        .bind(d.evacuation_route.clone()).bind(d.shelter.clone()).bind(d.reservoir_class.map(|v| v.as_str()))
        .bind(d.flood_limit_level).bind(d.warning_level).bind(d.guaranteed_level).bind(d.forest_hectares)
        .bind(d.note.clone()).bind(now)
        .fetch_one(c).await?))
}

pub async fn update_object(tx: &mut Tx, id: i64, d: &ObjectDraft) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE monitored_objects SET kind = $1, name = $2, code = $3, region_id = $4,
            region_path = (SELECT path FROM regions WHERE id = $4), latitude = $5, longitude = $6, hazard_type = $7,
            scale = $8, households = $9, residents = $10, evacuation_route = $11, shelter = $12, reservoir_class = $13,
            flood_limit_level = $14, warning_level = $15, guaranteed_level = $16, forest_hectares = $17, note = $18,
            updated_at = $19 WHERE id = $20")
        .bind(d.kind.as_str()).bind(d.name.clone()).bind(d.code.clone()).bind(d.region_id)
        .bind(d.latitude).bind(d.longitude).bind(d.hazard_type.map(|v| v.as_str()))
        .bind(d.scale.map(|v| v.as_str())).bind(d.households).bind(d.residents)
        .bind(d.evacuation_route.clone()).bind(d.shelter.clone()).bind(d.reservoir_class.map(|v| v.as_str()))
        .bind(d.flood_limit_level).bind(d.warning_level).bind(d.guaranteed_level).bind(d.forest_hectares)
        .bind(d.note.clone()).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn object(src: impl Into<Src<'_>>, id: i64) -> Result<Option<ObjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_OBJECT} WHERE o.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, ObjectRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub(crate) fn scope_filter(scope: &Scope, col: &str) -> Filter {
    let mut w = Filter::default();
    if scope.region_path != "/" {
        w.push2(
            &format!("{col} >= ? AND {col} < ?"),
            Param::Text(scope.region_path.clone()),
            Param::Text(path_upper(&scope.region_path)),
        );
    }
    w
}

/// Objects in scope, optionally of one kind, by region and name.
pub async fn objects(store: &Store, scope: &Scope, kind: Option<&str>) -> Result<Vec<ObjectRow>> {
    let mut w = scope_filter(scope, "o.region_path");
    if let Some(k) = kind.filter(|k| !k.is_empty()) {
        w.push("o.kind = ?", Param::Text(k.into()));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_OBJECT}{} ORDER BY o.region_path, o.kind, o.name, o.id",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, ObjectRow>(sql), &w.params).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DutyRow {
    pub object_id: i64,
    pub role: String,
    pub person_id: i64,
    pub name: String,
    pub mobile: String,
}

pub async fn duties(src: impl Into<Src<'_>>, object_id: i64) -> Result<Vec<DutyRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, DutyRow>(
        "SELECT d.object_id, d.role, d.person_id, p.name, p.mobile FROM object_duties d JOIN people p ON p.id = d.person_id
         WHERE d.object_id = $1 ORDER BY d.role, p.name")
        .bind(object_id).fetch_all(c).await?))
}

/// Replaces the people holding one duty at an object.
pub async fn set_duty(tx: &mut Tx, object_id: i64, role: &str, people: &[i64]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM object_duties WHERE object_id = $1 AND role = $2")
        .bind(object_id).bind(role.to_string()).execute(&mut *c).await?.rows_affected());
    for p in people {
        on_tx!(tx, c => sqlx::query("INSERT INTO object_duties (object_id, role, person_id) VALUES ($1, $2, $3)")
            .bind(object_id).bind(role.to_string()).bind(*p).execute(c).await?.rows_affected());
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub object_id: i64,
    pub head_name: String,
    pub mobile: String,
    pub people: i64,
    pub note: Option<String>,
}

pub async fn households(src: impl Into<Src<'_>>, object_id: i64) -> Result<Vec<HouseholdRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, HouseholdRow>(
        "SELECT id, object_id, head_name, mobile, people, note FROM threatened_households WHERE object_id = $1 ORDER BY id")
        .bind(object_id).fetch_all(c).await?))
}

/// Replaces the households registered at an object.
pub async fn set_households(
    tx: &mut Tx,
    object_id: i64,
    rows: &[safegrid_domain::monitoring::Household],
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM threatened_households WHERE object_id = $1")
        .bind(object_id).execute(c).await?.rows_affected());
    let now = Utc::now();
    for h in rows {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO threatened_households (object_id, head_name, mobile, people, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(object_id).bind(h.head_name.clone()).bind(h.mobile.clone()).bind(h.people).bind(h.note.clone()).bind(now)
            .execute(c).await?.rows_affected());
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GatewayRow {
    pub id: i64,
    pub name: String,
    pub disabled: bool,
}

pub async fn insert_gateway(tx: &mut Tx, name: &str, token_hash: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO gateways (name, token_hash, created_at, disabled) VALUES ($1, $2, $3, FALSE) RETURNING id")
        .bind(name.to_string()).bind(token_hash.to_string()).bind(Utc::now()).fetch_one(c).await?))
}

/// Gives a gateway a new token (the old one stops working); false when there is no such gateway.
pub async fn set_gateway_token(tx: &mut Tx, name: &str, token_hash: &str) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query("UPDATE gateways SET token_hash = $1 WHERE name = $2")
        .bind(token_hash.to_string()).bind(name.to_string()).execute(c).await?.rows_affected());
    Ok(n > 0)
}

pub async fn gateway_by_token(store: &Store, token_hash: &str) -> Result<Option<GatewayRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, GatewayRow>(
        "SELECT id, name, disabled FROM gateways WHERE token_hash = $1").bind(token_hash.to_string()).fetch_optional(c).await?))
}

pub async fn gateways(store: &Store) -> Result<Vec<GatewayRow>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, GatewayRow>("SELECT id, name, disabled FROM gateways ORDER BY name").fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SensorRow {
    pub id: i64,
    pub code: String,
    pub object_id: i64,
    pub gateway_id: Option<i64>,
    pub metric: i16,
    pub min_value: f64,
    pub max_value: f64,
}

pub async fn insert_sensor(
    tx: &mut Tx,
    code: &str,
    object_id: i64,
    gateway_id: Option<i64>,
    metrics: &[(i16, f64, f64)],
) -> Result<i64> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO sensors (code, object_id, gateway_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(code.to_string()).bind(object_id).bind(gateway_id).bind(Utc::now()).fetch_one(c).await?);
    for (m, min, max) in metrics {
        on_tx!(tx, c => sqlx::query("INSERT INTO sensor_metrics (sensor_id, metric, min_value, max_value) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(*m).bind(*min).bind(*max).execute(c).await?.rows_affected());
    }
    Ok(id)
}

const SELECT_SENSOR: &str =
    "SELECT s.id, s.code, s.object_id, s.gateway_id, m.metric, m.min_value, m.max_value
    FROM sensors s JOIN sensor_metrics m ON m.sensor_id = s.id";

/// Every sensor's metrics (one row per sensor and metric): the catalogue ingestion checks against.
pub async fn all_sensor_metrics(store: &Store) -> Result<Vec<SensorRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_SENSOR} ORDER BY s.id, m.metric"));
    Ok(on_read!(store, c => sqlx::query_as::<_, SensorRow>(sql).fetch_all(c).await?))
}

pub async fn object_sensors(src: impl Into<Src<'_>>, object_id: i64) -> Result<Vec<SensorRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_SENSOR} WHERE s.object_id = $1 ORDER BY s.code, m.metric"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, SensorRow>(sql).bind(object_id).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub object_id: i64,
    pub name: String,
    pub conditions: String,
    pub enabled: bool,
}

pub async fn insert_rule(tx: &mut Tx, object_id: i64, name: &str, conditions: &str) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO alarm_rules (object_id, name, conditions, enabled, created_at, updated_at) VALUES ($1, $2, $3, TRUE, $4, $4) RETURNING id")
        .bind(object_id).bind(name.to_string()).bind(conditions.to_string()).bind(now).fetch_one(c).await?))
}

pub async fn set_rule_enabled(tx: &mut Tx, id: i64, enabled: bool) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE alarm_rules SET enabled = $1, updated_at = $2 WHERE id = $3")
        .bind(enabled).bind(Utc::now()).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn rules(store: &Store, object_id: Option<i64>) -> Result<Vec<RuleRow>> {
    Ok(match object_id {
        Some(o) => on_read!(store, c => sqlx::query_as::<_, RuleRow>(
            "SELECT id, object_id, name, conditions, enabled FROM alarm_rules WHERE object_id = $1 ORDER BY id").bind(o).fetch_all(c).await?),
        None => on_read!(store, c => sqlx::query_as::<_, RuleRow>(
            "SELECT id, object_id, name, conditions, enabled FROM alarm_rules ORDER BY id").fetch_all(c).await?),
    })
}

pub async fn rule(src: impl Into<Src<'_>>, id: i64) -> Result<Option<RuleRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, RuleRow>(
        "SELECT id, object_id, name, conditions, enabled FROM alarm_rules WHERE id = $1").bind(id).fetch_optional(c).await?))
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AlarmRow {
    pub id: i64,
    pub rule_id: Option<i64>,
    pub rule_name: Option<String>,
    pub object_id: i64,
    pub object_name: String,
    pub object_kind: String,
    pub region_path: String,
    pub source: String,
    pub level: String,
    pub status: String,
    pub active: bool,
    pub sensor_id: Option<i64>,
    pub metric: Option<String>,
    pub figure: Option<f64>,
    pub window_h: Option<i64>,
    pub detail: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub raised_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolve_note: Option<String>,
}

const SELECT_ALARM: &str = "SELECT a.id, a.rule_id, r.name AS rule_name, a.object_id, o.name AS object_name, o.kind AS object_kind,
    a.region_path, a.source, a.level, a.status, a.active, a.sensor_id, a.metric, a.figure, a.window_h, a.detail,
    a.opened_at, a.raised_at, a.cleared_at, a.acknowledged_by, a.acknowledged_at, a.resolved_by, a.resolved_at, a.resolve_note
    FROM alarms a JOIN monitored_objects o ON o.id = a.object_id LEFT JOIN alarm_rules r ON r.id = a.rule_id";

/// The alarm a rule holds open (not resolved), if any.
pub async fn open_alarm_of_rule(
    src: impl Into<Src<'_>>,
    rule_id: i64,
) -> Result<Option<(i64, String)>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, level FROM alarms WHERE rule_id = $1 AND status <> 'resolved'").bind(rule_id).fetch_optional(c).await?))
}

pub struct NewAlarm<'a> {
    pub rule_id: Option<i64>,
    pub object_id: i64,
    pub source: &'a str,
    pub level: &'a str,
    pub level_rank: i64,
    pub sensor_id: Option<i64>,
    pub metric: Option<&'a str>,
    pub figure: Option<f64>,
    pub window_h: Option<i64>,
    pub detail: Option<&'a str>,
    pub at: DateTime<Utc>,
}

pub async fn insert_alarm(tx: &mut Tx, a: &NewAlarm<'_>) -> Result<i64> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO alarms (rule_id, object_id, region_path, source, level, level_rank, status, active, sensor_id, metric,
            figure, window_h, detail, opened_at, raised_at)
         VALUES ($1, $2, (SELECT region_path FROM monitored_objects WHERE id = $2), $3, $4, $5, 'open', TRUE, $6, $7, $8, $9, $10, $11, $11)
         RETURNING id")
        .bind(a.rule_id).bind(a.object_id).bind(a.source.to_string()).bind(a.level.to_string()).bind(a.level_rank)
        .bind(a.sensor_id).bind(a.metric.map(str::to_string)).bind(a.figure).bind(a.window_h)
        .bind(a.detail.map(str::to_string)).bind(a.at)
        .fetch_one(c).await?);
    alarm_event(
        tx,
        id,
        a.at,
        "opened",
        Some(a.level),
        a.figure,
        None,
        a.detail,
    )
    .await?;
    Ok(id)
}

/// A rule's alarm reached a higher level (or its condition holds again).
pub async fn raise_alarm(tx: &mut Tx, id: i64, a: &NewAlarm<'_>, higher: bool) -> Result<()> {
    if higher {
        on_tx!(tx, c => sqlx::query(
            "UPDATE alarms SET level = $1, level_rank = $2, active = TRUE, cleared_at = NULL, sensor_id = $3, metric = $4,
                figure = $5, window_h = $6, detail = $7, raised_at = $8 WHERE id = $9")
            .bind(a.level.to_string()).bind(a.level_rank).bind(a.sensor_id).bind(a.metric.map(str::to_string))
            .bind(a.figure).bind(a.window_h).bind(a.detail.map(str::to_string)).bind(a.at).bind(id)
            .execute(c).await?.rows_affected());
        alarm_event(
            tx,
            id,
            a.at,
            "raised",
            Some(a.level),
            a.figure,
            None,
            a.detail,
        )
        .await
    } else {
        let n = on_tx!(tx, c => sqlx::query("UPDATE alarms SET active = TRUE, cleared_at = NULL WHERE id = $1 AND active = FALSE")
            .bind(id).execute(c).await?.rows_affected());
        if n > 0 {
            alarm_event(
                tx,
                id,
                a.at,
                "recurred",
                Some(a.level),
                a.figure,
                None,
                a.detail,
            )
            .await?;
        }
        Ok(())
    }
}

/// The rule's condition stopped holding; the alarm stays until a person resolves it.
pub async fn clear_alarm(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let n = on_tx!(tx, c => sqlx::query("UPDATE alarms SET active = FALSE, cleared_at = $1 WHERE id = $2 AND active = TRUE")
        .bind(at).bind(id).execute(c).await?.rows_affected());
    if n > 0 {
        alarm_event(tx, id, at, "cleared", None, None, None, None).await?;
    }
    Ok(())
}

/// Moves an alarm to `acknowledged` or `resolved`; false when it was not in `from`.
pub async fn set_alarm_status(
    tx: &mut Tx,
    id: i64,
    from: &[&str],
    to: &str,
    user_id: i64,
    note: Option<&str>,
) -> Result<bool> {
    let now = Utc::now();
    let (a, b) = (
        from.first().copied().unwrap_or("").to_string(),
        from.get(1).copied().unwrap_or("").to_string(),
    );
    let n = if to == "acknowledged" {
        on_tx!(tx, c => sqlx::query(
            "UPDATE alarms SET status = $1, acknowledged_by = $2, acknowledged_at = $3 WHERE id = $4 AND status IN ($5, $6)")
            .bind(to.to_string()).bind(user_id).bind(now).bind(id).bind(a).bind(b).execute(c).await?.rows_affected())
    } else {
        on_tx!(tx, c => sqlx::query(
            "UPDATE alarms SET status = $1, resolved_by = $2, resolved_at = $3, resolve_note = $7 WHERE id = $4 AND status IN ($5, $6)")
            .bind(to.to_string()).bind(user_id).bind(now).bind(id).bind(a).bind(b).bind(note.map(str::to_string))
            .execute(c).await?.rows_affected())
    };
    if n > 0 {
        alarm_event(tx, id, now, to, None, None, Some(user_id), note).await?;
    }
    Ok(n > 0)
}

/// The unresolved alarm of an object from a source without rules (a patrol), if any.
pub async fn open_alarm_of_source(
    src: impl Into<Src<'_>>,
    object_id: i64,
    source: &str,
) -> Result<Option<(i64, String)>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, level FROM alarms WHERE object_id = $1 AND source = $2 AND rule_id IS NULL AND status <> 'resolved'
         ORDER BY id DESC LIMIT 1").bind(object_id).bind(source.to_string()).fetch_optional(c).await?))
}

/// Records something that happened to an alarm (opened, raised, reported again…).
#[allow(clippy::too_many_arguments)]
pub async fn alarm_event(
    tx: &mut Tx,
    alarm_id: i64,
    at: DateTime<Utc>,
    kind: &str,
    level: Option<&str>,
    figure: Option<f64>,
    user_id: Option<i64>,
    note: Option<&str>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO alarm_events (alarm_id, at, kind, level, figure, user_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(alarm_id).bind(at).bind(kind.to_string()).bind(level.map(str::to_string)).bind(figure).bind(user_id)
        .bind(note.map(str::to_string)).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn alarm(src: impl Into<Src<'_>>, id: i64) -> Result<Option<AlarmRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_ALARM} WHERE a.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, AlarmRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Alarms in scope: the unresolved ones (most severe first), or all of one object, newest first.
pub async fn alarms(
    store: &Store,
    scope: &Scope,
    object_id: Option<i64>,
    unresolved: bool,
) -> Result<Vec<AlarmRow>> {
    let mut w = scope_filter(scope, "a.region_path");
    if let Some(o) = object_id {
        w.push("a.object_id = ?", Param::Int(o));
    }
    if unresolved {
        w.push("a.status <> ?", Param::Text("resolved".into()));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_ALARM}{} ORDER BY CASE WHEN a.status = 'resolved' THEN 1 ELSE 0 END, a.level_rank DESC, a.raised_at DESC, a.id DESC LIMIT 500",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, AlarmRow>(sql), &w.params).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AlarmEventRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub level: Option<String>,
    pub figure: Option<f64>,
    pub username: Option<String>,
    pub note: Option<String>,
}

pub async fn alarm_events(store: &Store, alarm_id: i64) -> Result<Vec<AlarmEventRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, AlarmEventRow>(
        "SELECT e.at, e.kind, e.level, e.figure, u.username, e.note FROM alarm_events e LEFT JOIN users u ON u.id = e.user_id
         WHERE e.alarm_id = $1 ORDER BY e.id").bind(alarm_id).fetch_all(c).await?))
}
