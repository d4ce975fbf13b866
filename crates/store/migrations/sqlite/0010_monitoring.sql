-- Monitoring: monitored objects and who answers for them, gateways and sensors, readings with
-- their latest values and rollups, alarm rules and alarms (SQLite).
--
-- Readings are keyed by time first: new rows land at the right edge of one B-tree, so a commit
-- writes a few pages however many sensors report, where a sensor-first key would touch one page
-- per sensor. The key also makes (sensor, metric, time) unique, which is what makes a resend
-- harmless. Charts and boards read the rollups and the latest values, never this table.
-- Reading times are milliseconds since the epoch; the metric is a small number (see
-- safegrid_domain::telemetry::Metric::code).

CREATE TABLE monitored_objects (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    code              TEXT,
    region_id         INTEGER NOT NULL REFERENCES regions(id),
    region_path       TEXT NOT NULL,
    latitude          REAL,
    longitude         REAL,
    hazard_type       TEXT,
    scale             TEXT,
    households        INTEGER NOT NULL,
    residents         INTEGER NOT NULL,
    evacuation_route  TEXT,
    shelter           TEXT,
    reservoir_class   TEXT,
    flood_limit_level REAL,
    warning_level     REAL,
    guaranteed_level  REAL,
    forest_hectares   REAL,
    note              TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX monitored_objects_region ON monitored_objects(region_path, kind);

CREATE TABLE object_duties (
    object_id INTEGER NOT NULL REFERENCES monitored_objects(id),
    role      TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (object_id, role, person_id)
);
CREATE INDEX object_duties_person ON object_duties(person_id);

CREATE TABLE gateways (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    -- SHA-256 of the gateway's token; the token itself is shown once.
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sensors (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    object_id  INTEGER NOT NULL REFERENCES monitored_objects(id),
    gateway_id INTEGER REFERENCES gateways(id),
    created_at TEXT NOT NULL
);
CREATE INDEX sensors_object ON sensors(object_id);

CREATE TABLE sensor_metrics (
    sensor_id INTEGER NOT NULL REFERENCES sensors(id),
    metric    INTEGER NOT NULL,
    min_value REAL NOT NULL,
    max_value REAL NOT NULL,
    PRIMARY KEY (sensor_id, metric)
);

-- No foreign key to sensors: every reading's sensor is checked against the catalogue in memory
-- before the batch is written, and a per-row lookup would halve the append rate.
CREATE TABLE readings (
    ts        INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    metric    INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (ts, sensor_id, metric)
) WITHOUT ROWID;

CREATE TABLE reading_latest (
    sensor_id INTEGER NOT NULL,
    metric    INTEGER NOT NULL,
    ts        INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (sensor_id, metric)
) WITHOUT ROWID;

-- span is the bucket's length in seconds (600; longer charts add these up).
CREATE TABLE reading_rollups (
    sensor_id  INTEGER NOT NULL,
    metric     INTEGER NOT NULL,
    span       INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    total      REAL NOT NULL,
    min_value  REAL NOT NULL,
    max_value  REAL NOT NULL,
    last_ts    INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (sensor_id, metric, span, bucket)
) WITHOUT ROWID;

-- Readings refused, kept for the operator to see (a bounded sample per request), and counts of
-- every reading by day, source and outcome (reason `accepted` for the stored ones).
CREATE TABLE ingest_rejects (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL,
    gateway_id  INTEGER,
    item        TEXT NOT NULL,
    sensor_code TEXT,
    reason      TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX ingest_rejects_at ON ingest_rejects(at);

CREATE TABLE ingest_counts (
    day    TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, source, reason)
);

CREATE TABLE alarm_rules (
    id         INTEGER PRIMARY KEY,
    object_id  INTEGER NOT NULL REFERENCES monitored_objects(id),
    name       TEXT NOT NULL,
    -- The conditions as JSON (safegrid_domain::alarm::Condition).
    conditions TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX alarm_rules_object ON alarm_rules(object_id);

-- An alarm opens once per rule: while one is not resolved, the rule raises that one.
-- Patrol alarms have no rule.
CREATE TABLE alarms (
    id              INTEGER PRIMARY KEY,
    rule_id         INTEGER REFERENCES alarm_rules(id),
    object_id       INTEGER NOT NULL REFERENCES monitored_objects(id),
    region_path     TEXT NOT NULL,
    source          TEXT NOT NULL,
    level           TEXT NOT NULL,
    level_rank      INTEGER NOT NULL,
    status          TEXT NOT NULL,
    -- Whether the rule's condition still holds.
    active          BOOLEAN NOT NULL,
    sensor_id       INTEGER,
    metric          TEXT,
    figure          REAL,
    window_h        INTEGER,
    detail          TEXT,
    opened_at       TEXT NOT NULL,
    raised_at       TEXT NOT NULL,
    cleared_at      TEXT,
    acknowledged_by INTEGER REFERENCES users(id),
    acknowledged_at TEXT,
    resolved_by     INTEGER REFERENCES users(id),
    resolved_at     TEXT,
    resolve_note    TEXT
);
CREATE UNIQUE INDEX alarms_one_per_rule ON alarms(rule_id) WHERE status <> 'resolved';
CREATE INDEX alarms_status ON alarms(status, region_path);
CREATE INDEX alarms_object ON alarms(object_id, opened_at);

CREATE TABLE alarm_events (
    id       INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL REFERENCES alarms(id),
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    level    TEXT,
    figure   REAL,
    user_id  INTEGER REFERENCES users(id),
    note     TEXT
);
CREATE INDEX alarm_events_alarm ON alarm_events(alarm_id);
