//! Warnings, their areas, CAP messages, and the recipients with their answers (叫应).

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx};
use chrono::{DateTime, Utc};
use safegrid_domain::monitoring::ObjectKind;
use safegrid_domain::warning::WarningDraft;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct WarningRow {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub status: String,
    pub headline: String,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub headline_en: Option<String>,
    pub description_en: Option<String>,
    pub instruction_en: Option<String>,
    pub onset: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub polygon: Option<String>,
    pub alarm_id: Option<i64>,
    pub region_path: String,
    pub origin: String,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT id, kind, level, status, headline, description, instruction, headline_en, description_en,
    instruction_en, onset, expires, polygon, alarm_id, region_path, origin, version, created_by, created_at, approved_by,
    approved_at, issued_at, ended_at FROM warnings";

/// Stores a new warning (a draft, or an imported one as issued); returns its id.
pub async fn insert(
    tx: &mut Tx,
    d: &WarningDraft,
    status: &str,
    region_path: &str,
    origin: &str,
    by: Option<i64>,
) -> Result<i64> {
    let now = Utc::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO warnings (kind, level, level_rank, status, headline, description, instruction, headline_en,
            description_en, instruction_en, onset, expires, polygon, alarm_id, region_path, origin, version, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $18, $18) RETURNING id")
        .bind(d.kind.as_str()).bind(d.level.as_str()).bind(i64::from(d.level.rank())).bind(status.to_string())
        .bind(d.headline.clone()).bind(d.description.clone()).bind(d.instruction.clone()).bind(d.headline_en.clone())
        .bind(d.description_en.clone()).bind(d.instruction_en.clone()).bind(d.onset).bind(d.expires)
        .bind(d.polygon.clone()).bind(d.alarm_id).bind(region_path.to_string()).bind(origin.to_string()).bind(by).bind(now)
        .fetch_one(c).await?);
    set_areas(tx, id, &d.region_ids, &d.object_ids).await?;
    Ok(id)
}

/// Rewrites a warning's content (an edit of a draft, or an update of an issued one, which also
/// counts a version).
pub async fn rewrite(
    tx: &mut Tx,
    id: i64,
    d: &WarningDraft,
    region_path: &str,
    new_version: bool,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE warnings SET kind = $1, level = $2, level_rank = $3, headline = $4, description = $5, instruction = $6,
            headline_en = $7, description_en = $8, instruction_en = $9, onset = $10, expires = $11, polygon = $12,
            region_path = $13, version = version + $14, updated_at = $15 WHERE id = $16")
        .bind(d.kind.as_str()).bind(d.level.as_str()).bind(i64::from(d.level.rank())).bind(d.headline.clone())
        .bind(d.description.clone()).bind(d.instruction.clone()).bind(d.headline_en.clone())
        .bind(d.description_en.clone()).bind(d.instruction_en.clone()).bind(d.onset).bind(d.expires)
        .bind(d.polygon.clone()).bind(region_path.to_string()).bind(i64::from(new_version)).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    set_areas(tx, id, &d.region_ids, &d.object_ids).await
}

async fn set_areas(tx: &mut Tx, id: i64, regions: &[i64], objects: &[i64]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM warning_areas WHERE warning_id = $1").bind(id).execute(c).await?.rows_affected());
    for r in regions {
        on_tx!(tx, c => sqlx::query("INSERT INTO warning_areas (warning_id, region_id) VALUES ($1, $2)")
            .bind(id).bind(*r).execute(c).await?.rows_affected());
    }
    for o in objects {
        on_tx!(tx, c => sqlx::query("INSERT INTO warning_areas (warning_id, object_id) VALUES ($1, $2)")
            .bind(id).bind(*o).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Moves a warning from one of `from` to `to`, stamping who and when for approval, issue and the
/// end; false when it was not in `from` (someone else moved it first).
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: &[&str],
    to: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let stamp = match to {
        "approved" => ", approved_by = $3, approved_at = $2",
        "issued" => ", issued_by = $3, issued_at = $2",
        "cancelled" | "expired" => ", ended_at = $2",
        _ => "",
    };
    let placeholders = (0..from.len())
        .map(|i| format!("${}", i + 5))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE warnings SET status = $1, updated_at = $2{stamp} WHERE id = $4 AND status IN ({placeholders})"
    ));
    let n = on_tx!(tx, c => {
        let mut q = sqlx::query(sql).bind(to.to_string()).bind(at).bind(by).bind(id);
        for f in from {
            q = q.bind(f.to_string());
        }
        q.execute(c).await?.rows_affected()
    });
    Ok(n > 0)
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<WarningRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, WarningRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Warnings whose area meets `region_path` (inside it, or a wider area holding it), newest
/// first; only those standing when `live`.
pub async fn list(store: &Store, region_path: &str, live: bool) -> Result<Vec<WarningRow>> {
    let live_sql = if live {
        " AND status IN ('issued', 'updated')"
    } else {
        ""
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE ((region_path >= $1 AND region_path < $2) OR $3 LIKE region_path || '%'){live_sql}
         ORDER BY COALESCE(issued_at, created_at) DESC, id DESC LIMIT 500"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, WarningRow>(sql).bind(region_path.to_string())
        .bind(crate::path_upper(region_path)).bind(region_path.to_string()).fetch_all(c).await?),
    )
}

/// The live warnings past their expiry, for the clock that ends them.
pub async fn expired(store: &Store, now: DateTime<Utc>) -> Result<Vec<i64>> {
    Ok(on_read!(store, c => sqlx::query_scalar(
        "SELECT id FROM warnings WHERE status IN ('issued', 'updated') AND expires <= $1 ORDER BY id")
        .bind(now).fetch_all(c).await?))
}

/// (region id, object id, name) of a warning's areas.
pub async fn areas(
    src: impl Into<Src<'_>>,
    id: i64,
) -> Result<Vec<(Option<i64>, Option<i64>, String)>> {
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, (Option<i64>, Option<i64>, String)>(
        "SELECT a.region_id, a.object_id, COALESCE(r.name, o.name, '') FROM warning_areas a
         LEFT JOIN regions r ON r.id = a.region_id LEFT JOIN monitored_objects o ON o.id = a.object_id
         WHERE a.warning_id = $1 ORDER BY a.id").bind(id).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CapMessageRow {
    pub id: i64,
    pub warning_id: Option<i64>,
    pub sender: String,
    pub identifier: String,
    pub sent: String,
    pub msg_type: String,
    pub xml: String,
    pub received: bool,
}

/// Whether a sender's identifier is already used (identifiers are unique per sender).
pub async fn identifier_taken(
    src: impl Into<Src<'_>>,
    sender: &str,
    identifier: &str,
) -> Result<bool> {
    let n: i64 = on_src!(src.into(), c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM cap_messages WHERE sender = $1 AND identifier = $2")
        .bind(sender.to_string()).bind(identifier.to_string()).fetch_one(c).await?);
    Ok(n > 0)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_message(
    tx: &mut Tx,
    warning_id: Option<i64>,
    sender: &str,
    identifier: &str,
    sent: &str,
    msg_type: &str,
    xml: &str,
    received: bool,
) -> Result<Option<i64>> {
    // A message already held (read from two feeds, or by two processes at once) is held once.
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO cap_messages (warning_id, sender, identifier, sent, msg_type, xml, received, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sender, identifier) DO NOTHING RETURNING id")
        .bind(warning_id).bind(sender.to_string()).bind(identifier.to_string()).bind(sent.to_string())
        .bind(msg_type.to_string()).bind(xml.to_string()).bind(received).bind(Utc::now())
        .fetch_optional(c).await?))
}

/// The warning a held message with this identifier (from any sender) belongs to: CAP's
/// `<incidents>` names identifiers alone.
pub async fn warning_of_identifier(
    src: impl Into<Src<'_>>,
    identifier: &str,
) -> Result<Option<i64>> {
    let found: Option<Option<i64>> = on_src!(src.into(), c => sqlx::query_scalar(
        "SELECT warning_id FROM cap_messages WHERE identifier = $1 AND warning_id IS NOT NULL LIMIT 1")
        .bind(identifier.to_string()).fetch_optional(c).await?);
    Ok(found.flatten())
}

const SELECT_MESSAGE: &str =
    "SELECT id, warning_id, sender, identifier, sent, msg_type, xml, received FROM cap_messages";

pub async fn messages_of(src: impl Into<Src<'_>>, warning_id: i64) -> Result<Vec<CapMessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_MESSAGE} WHERE warning_id = $1 ORDER BY id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, CapMessageRow>(sql).bind(warning_id).fetch_all(c).await?),
    )
}

pub async fn message(store: &Store, id: i64) -> Result<Option<CapMessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_MESSAGE} WHERE id = $1"));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, CapMessageRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The town's own messages, newest first, for its Atom feed.
pub async fn own_messages(store: &Store, limit: i64) -> Result<Vec<CapMessageRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_MESSAGE} WHERE received = FALSE ORDER BY id DESC LIMIT {}",
        limit.clamp(1, 500)
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, CapMessageRow>(sql).fetch_all(c).await?))
}

/// The warning a held message (sent or received) belongs to, by its sender and identifier (for
/// an Update or Cancel read from a feed).
pub async fn warning_of_message(
    src: impl Into<Src<'_>>,
    sender: &str,
    identifier: &str,
) -> Result<Option<i64>> {
    Ok(
        on_src!(src.into(), c => sqlx::query_scalar::<_, Option<i64>>(
        "SELECT warning_id FROM cap_messages WHERE sender = $1 AND identifier = $2")
        .bind(sender.to_string()).bind(identifier.to_string()).fetch_optional(c).await?)
        .flatten(),
    )
}

/// A recipient as resolved from the area, before it is stored.
#[derive(Debug, Clone)]
pub struct NewRecipient {
    pub person_id: Option<i64>,
    pub key_unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub name: String,
    pub mobile: String,
    pub reasons: String,
    pub region_path: String,
    pub actions: String,
    pub reply_code: String,
    /// SHA-256 of the answer link's token (the token is only ever sent).
    pub token_hash: String,
    pub due_at: DateTime<Utc>,
    pub escalated_from: Option<i64>,
}

/// Stores the recipients of a warning, many per statement; one with a number already reached is
/// skipped (the unique key on warning and mobile decides). Returns how many were stored.
pub async fn insert_recipients(tx: &mut Tx, warning_id: i64, rs: &[NewRecipient]) -> Result<u64> {
    use crate::Param::{Int, OptInt, Text, Time};
    let now = Utc::now();
    let rows = rs
        .iter()
        .map(|r| {
            vec![
                Int(warning_id),
                OptInt(r.person_id),
                OptInt(r.key_unit_id),
                OptInt(r.enterprise_id),
                Text(r.name.clone()),
                Text(r.mobile.clone()),
                Text(r.reasons.clone()),
                Text(r.region_path.clone()),
                Text(r.actions.clone()),
                Text(r.reply_code.clone()),
                Text(r.token_hash.clone()),
                Time(r.due_at),
                OptInt(r.escalated_from),
                Time(now),
            ]
        })
        .collect();
    crate::bulk::insert_then(
        tx,
        "warning_recipients",
        &[
            "warning_id",
            "person_id",
            "key_unit_id",
            "enterprise_id",
            "name",
            "mobile",
            "reasons",
            "region_path",
            "actions",
            "reply_code",
            "token_hash",
            "due_at",
            "escalated_from",
            "created_at",
        ],
        rows,
        "ON CONFLICT (warning_id, mobile) DO NOTHING",
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct RecipientRow {
    pub id: i64,
    pub warning_id: i64,
    pub person_id: Option<i64>,
    pub key_unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub name: String,
    pub mobile: String,
    pub reasons: String,
    pub region_path: String,
    pub actions: String,
    pub reply_code: String,
    pub due_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub answer_note: Option<String>,
    pub actions_done: Option<String>,
    pub evacuated: Option<i64>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub escalated_from: Option<i64>,
}

const SELECT_RECIPIENT: &str = "SELECT id, warning_id, person_id, key_unit_id, enterprise_id, name, mobile, reasons,
    region_path, actions, reply_code, due_at, answered_at, answered_by, answer_note, actions_done, evacuated,
    escalated_at, escalated_from FROM warning_recipients";

pub async fn recipients(src: impl Into<Src<'_>>, warning_id: i64) -> Result<Vec<RecipientRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_RECIPIENT} WHERE warning_id = $1 ORDER BY region_path, id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RecipientRow>(sql).bind(warning_id).fetch_all(c).await?),
    )
}

pub async fn recipient_by_token(
    src: impl Into<Src<'_>>,
    token_hash: &str,
) -> Result<Option<RecipientRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_RECIPIENT} WHERE token_hash = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RecipientRow>(sql).bind(token_hash.to_string()).fetch_optional(c).await?),
    )
}

/// Records an answer. The first answer sets the time and the channel it came by; a later one
/// (more people moved, another action done) updates what was done and keeps the first time.
/// Returns true for the first answer.
pub async fn answer(
    tx: &mut Tx,
    id: i64,
    by: &str,
    note: Option<&str>,
    actions_done: &str,
    evacuated: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let first = on_tx!(tx, c => sqlx::query(
        "UPDATE warning_recipients SET answered_at = $1, answered_by = $2, answer_note = $3, actions_done = $4,
            evacuated = $5 WHERE id = $6 AND answered_at IS NULL")
        .bind(at).bind(by.to_string()).bind(note.map(str::to_string)).bind(actions_done.to_string())
        .bind(evacuated).bind(id).execute(c).await?.rows_affected());
    if first > 0 {
        return Ok(true);
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE warning_recipients SET answer_note = COALESCE($1, answer_note), actions_done = $2,
            evacuated = COALESCE($3, evacuated) WHERE id = $4")
        .bind(note.map(str::to_string)).bind(actions_done.to_string()).bind(evacuated).bind(id)
        .execute(c).await?.rows_affected());
    Ok(false)
}

/// Whether any warning ever reached this number.
pub async fn any_recipient_with_mobile(src: impl Into<Src<'_>>, mobile: &str) -> Result<bool> {
    let n: i64 = on_src!(src.into(), c => sqlx::query_scalar("SELECT COUNT(*) FROM warning_recipients WHERE mobile = $1")
        .bind(mobile.to_string()).fetch_one(c).await?);
    Ok(n > 0)
}

/// Marks a recipient escalated; false when they were already (or have answered since).
pub async fn mark_escalated(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE warning_recipients SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND answered_at IS NULL")
        .bind(at).bind(id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Recipients by id (a claimed batch's), in one statement.
pub async fn recipients_by_ids(src: impl Into<Src<'_>>, ids: &[i64]) -> Result<Vec<RecipientRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::id_list(ids);
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_RECIPIENT} WHERE id IN ({list})"));
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, RecipientRow>(sql).fetch_all(c).await?))
}

/// The recipients of live warnings with this mobile number, newest warning first (to match an
/// SMS reply).
pub async fn live_recipients_by_mobile(
    src: impl Into<Src<'_>>,
    mobile: &str,
) -> Result<Vec<RecipientRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_RECIPIENT} WHERE mobile = $1
           AND warning_id IN (SELECT id FROM warnings WHERE status IN ('issued', 'updated'))
         ORDER BY warning_id DESC, id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RecipientRow>(sql).bind(mobile.to_string()).fetch_all(c).await?),
    )
}

/// Someone a warning over an area reaches, as the registry knows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Reachable {
    /// `duty`, `household`, `person`, `key_unit` or `enterprise`.
    pub source: String,
    /// The duty role, `threatened` for a household, the person's roles (comma-separated), the
    /// key unit's kind, or `high_risk` / `other` for an enterprise.
    pub role: String,
    pub person_id: Option<i64>,
    pub key_unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub name: String,
    pub mobile: Option<String>,
    pub region_path: String,
    /// The object (duty) or region the person is reached through, for the reason shown.
    pub via: String,
}

/// Everyone the registry reaches in an area: the people holding duties at `objects` and at the
/// walked objects inside `path`, and inside `path` the people of the given roles, the key units'
/// contacts and the enterprises' safety contacts.
pub async fn reachable(
    store: &Store,
    path: Option<&str>,
    objects: &[i64],
    person_roles: &[&str],
) -> Result<Vec<Reachable>> {
    let mut out = Vec::new();
    let ids = objects
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // Inside a region, the duties of the objects people walk (gauges have none that act).
    let walked = ObjectKind::ALL
        .iter()
        .filter(|k| k.is_patrolled())
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let (lo, hi) = match path {
        Some(p) => (p.to_string(), crate::path_upper(p)),
        // No region: nothing matches the path range.
        None => ("~".to_string(), "~".to_string()),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT 'duty' AS source, d.role, p.id AS person_id, CAST(NULL AS BIGINT) AS key_unit_id, CAST(NULL AS BIGINT) AS enterprise_id, p.name,
            p.mobile, o.region_path, o.name AS via
         FROM object_duties d JOIN people p ON p.id = d.person_id JOIN monitored_objects o ON o.id = d.object_id
         WHERE o.id IN ({}) OR (o.region_path >= $1 AND o.region_path < $2
               AND o.kind IN ({walked}))
         ORDER BY o.region_path, o.id, d.role",
        if ids.is_empty() { "NULL".to_string() } else { ids.clone() }
    ));
    out.extend(on_read!(store, c => sqlx::query_as::<_, Reachable>(sql).bind(lo.clone()).bind(hi.clone()).fetch_all(c).await?));
    // The households registered as threatened at the same objects.
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT 'household' AS source, 'threatened' AS role, CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS key_unit_id,
            CAST(NULL AS BIGINT) AS enterprise_id, h.head_name AS name, h.mobile, o.region_path, o.name AS via
         FROM threatened_households h JOIN monitored_objects o ON o.id = h.object_id
         WHERE o.id IN ({}) OR (o.region_path >= $1 AND o.region_path < $2 AND o.kind IN ({walked}))
         ORDER BY o.region_path, o.id, h.id",
        if ids.is_empty() { "NULL".to_string() } else { ids.clone() }
    ));
    out.extend(on_read!(store, c => sqlx::query_as::<_, Reachable>(sql).bind(lo.clone()).bind(hi.clone()).fetch_all(c).await?));
    if path.is_none() {
        return Ok(out);
    }
    let people: Vec<Reachable> = on_read!(store, c => sqlx::query_as::<_, Reachable>(
        "SELECT 'person' AS source, p.roles AS role, p.id AS person_id, CAST(NULL AS BIGINT) AS key_unit_id, CAST(NULL AS BIGINT) AS enterprise_id, p.name,
            p.mobile, r.path AS region_path, r.name AS via
         FROM people p JOIN regions r ON r.id = p.region_id
         WHERE r.path >= $1 AND r.path < $2 ORDER BY r.path, p.id").bind(lo.clone()).bind(hi.clone()).fetch_all(c).await?);
    out.extend(
        people
            .into_iter()
            .filter(|p| p.role.split(',').any(|r| person_roles.contains(&r))),
    );
    out.extend(on_read!(store, c => sqlx::query_as::<_, Reachable>(
        "SELECT 'key_unit' AS source, k.kind AS role, CAST(NULL AS BIGINT) AS person_id, k.id AS key_unit_id, CAST(NULL AS BIGINT) AS enterprise_id,
            COALESCE(k.contact_name, k.name) AS name, k.contact_mobile AS mobile, r.path AS region_path, k.name AS via
         FROM key_units k JOIN regions r ON r.id = k.region_id
         WHERE r.path >= $1 AND r.path < $2 ORDER BY r.path, k.id").bind(lo.clone()).bind(hi.clone()).fetch_all(c).await?));
    out.extend(on_read!(store, c => sqlx::query_as::<_, Reachable>(
        "SELECT 'enterprise' AS source, CASE WHEN e.high_risk THEN 'high_risk' ELSE 'other' END AS role,
            CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS key_unit_id, e.id AS enterprise_id,
            COALESCE(e.safety_director, e.legal_representative) AS name,
            COALESCE(e.safety_director_mobile, e.legal_representative_mobile) AS mobile, e.region_path, e.name AS via
         FROM enterprises e WHERE e.region_path >= $1 AND e.region_path < $2 ORDER BY e.region_path, e.id")
        .bind(lo).bind(hi).fetch_all(c).await?));
    Ok(out)
}

/// Whom to tell when someone in an area does not answer: the village heads of the area (or of a
/// region above it) and the backups at the objects inside it.
pub async fn escalation_targets(src: impl Into<Src<'_>>, path: &str) -> Result<Vec<Reachable>> {
    let (lo, hi) = (path.to_string(), crate::path_upper(path));
    let src = src.into();
    let sql = "SELECT 'person' AS source, p.roles AS role, p.id AS person_id, CAST(NULL AS BIGINT) AS key_unit_id,
            CAST(NULL AS BIGINT) AS enterprise_id, p.name, p.mobile, r.path AS region_path, r.name AS via
         FROM people p JOIN regions r ON r.id = p.region_id
         WHERE (r.path = substr($1, 1, length(r.path)) OR (r.path >= $1 AND r.path < $2))
           AND (',' || p.roles || ',') LIKE '%,village_head,%'
         UNION ALL
         SELECT 'duty' AS source, d.role, p.id AS person_id, CAST(NULL AS BIGINT) AS key_unit_id, CAST(NULL AS BIGINT) AS enterprise_id,
            p.name, p.mobile, o.region_path, o.name AS via
         FROM object_duties d JOIN people p ON p.id = d.person_id JOIN monitored_objects o ON o.id = d.object_id
         WHERE d.role = 'backup' AND o.region_path >= $1 AND o.region_path < $2
         ORDER BY 8, 3";
    Ok(
        on_src!(src, c => sqlx::query_as::<_, Reachable>(sql).bind(lo.clone()).bind(hi.clone()).fetch_all(c).await?),
    )
}

/// The people living under threat in a warning's area, by the region of each monitored object:
/// the objects named in it and those inside its regions. `(region path, residents)`.
pub async fn threatened(src: impl Into<Src<'_>>, warning_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(on_src!(src.into(), c => sqlx::query_as(
        "SELECT o.region_path, CAST(SUM(o.residents) AS BIGINT) FROM monitored_objects o
         WHERE o.id IN (SELECT object_id FROM warning_areas WHERE warning_id = $1 AND object_id IS NOT NULL)
            OR EXISTS (SELECT 1 FROM warning_areas a JOIN regions r ON r.id = a.region_id
                       WHERE a.warning_id = $1 AND substr(o.region_path, 1, length(r.path)) = r.path)
         GROUP BY o.region_path ORDER BY o.region_path")
        .bind(warning_id).fetch_all(c).await?))
}

/// The recipients of a warning escalated and still silent inside a region (`/` for all): the
/// first `limit` (name, mobile) by deadline, and how many there are.
pub async fn silent(
    src: impl Into<Src<'_>>,
    warning_id: i64,
    path: &str,
    limit: usize,
) -> Result<(Vec<(String, String)>, usize)> {
    let (lo, hi) = (path.to_string(), crate::path_upper(path));
    let rows: Vec<(String, String)> = on_src!(src.into(), c => sqlx::query_as(
        "SELECT name, mobile FROM warning_recipients
         WHERE warning_id = $1 AND escalated_at IS NOT NULL AND answered_at IS NULL AND escalated_from IS NULL
           AND region_path >= $2 AND region_path < $3 ORDER BY due_at, id")
        .bind(warning_id).bind(lo).bind(hi).fetch_all(c).await?);
    let total = rows.len();
    Ok((rows.into_iter().take(limit).collect(), total))
}

/// Schedules one escalation job per deadline of a warning's first-hand recipients not answered
/// yet (kind `kind`, key `escalate:<warning>:<deadline>`, payload `<warning>:<deadline>` in Unix
/// seconds), in one statement.
pub async fn schedule_escalations(tx: &mut Tx, warning_id: i64, kind: &str) -> Result<u64> {
    let deadlines: Vec<DateTime<Utc>> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT due_at FROM warning_recipients
         WHERE warning_id = $1 AND escalated_from IS NULL AND answered_at IS NULL AND escalated_at IS NULL")
        .bind(warning_id).fetch_all(c).await?);
    let items: Vec<(String, String, DateTime<Utc>)> = deadlines
        .into_iter()
        .map(|d| {
            let at = d.timestamp();
            (
                format!("escalate:{warning_id}:{at}"),
                format!("{warning_id}:{at}"),
                d,
            )
        })
        .collect();
    crate::jobs::schedule_many(tx, kind, &items).await
}

/// The first-hand recipients of a warning whose deadline is before `until`, silent and not
/// escalated yet.
pub async fn due_silent(
    tx: &mut Tx,
    warning_id: i64,
    until: DateTime<Utc>,
) -> Result<Vec<RecipientRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT_RECIPIENT} WHERE warning_id = $1 AND due_at < $2 AND answered_at IS NULL
           AND escalated_at IS NULL AND escalated_from IS NULL ORDER BY id"
    ));
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, RecipientRow>(sql).bind(warning_id).bind(until).fetch_all(c).await?),
    )
}
