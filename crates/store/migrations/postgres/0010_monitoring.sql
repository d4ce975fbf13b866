-- Monitoring: monitored objects and who answers for them, gateways and sensors, readings with
-- their latest values and rollups, alarm rules and alarms (PostgreSQL).
--
-- Readings are keyed by time first (on PostgreSQL the heap appends anyway; the key keeps the
-- index appending too): new rows land at the right edge of one B-tree, so a commit
-- writes a few pages however many sensors report, where a sensor-first key would touch one page
-- per sensor. The key also makes (sensor, metric, time) unique, which is what makes a resend
-- harmless. Charts and boards read the rollups and the latest values, never this table.
-- Reading times are milliseconds since the epoch; the metric is a small number (see
-- safegrid_domain::telemetry::Metric::code).

CREATE TABLE monitored_objects (
    id                BIGSERIAL PRIMARY KEY,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    code              TEXT,
    region_id         BIGINT NOT NULL REFERENCES regions(id),
    region_path       TEXT COLLATE "C" NOT NULL,
    latitude          DOUBLE PRECISION,
    longitude         DOUBLE PRECISION,
    hazard_type       TEXT,
    scale             TEXT,
    households        BIGINT NOT NULL,
    residents         BIGINT NOT NULL,
    evacuation_route  TEXT,
    shelter           TEXT,
    reservoir_class   TEXT,
    flood_limit_level DOUBLE PRECISION,
    warning_level     DOUBLE PRECISION,
    guaranteed_level  DOUBLE PRECISION,
    forest_hectares   DOUBLE PRECISION,
    note              TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX monitored_objects_region ON monitored_objects(region_path, kind);

CREATE TABLE object_duties (
    object_id BIGINT NOT NULL REFERENCES monitored_objects(id),
    role      TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (object_id, role, person_id)
);
CREATE INDEX object_duties_person ON object_duties(person_id);

CREATE TABLE gateways (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    -- SHA-256 of the gateway's token; the token itself is shown once.
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sensors (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    object_id  BIGINT NOT NULL REFERENCES monitored_objects(id),
    gateway_id BIGINT REFERENCES gateways(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sensors_object ON sensors(object_id);

CREATE TABLE sensor_metrics (
    sensor_id BIGINT NOT NULL REFERENCES sensors(id),
    metric    SMALLINT NOT NULL,
    min_value DOUBLE PRECISION NOT NULL,
    max_value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sensor_id, metric)
);

-- No foreign key to sensors: every reading's sensor is checked against the catalogue in memory
-- before the batch is written, and a per-row lookup would halve the append rate.
CREATE TABLE readings (
    ts        BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    metric    SMALLINT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (ts, sensor_id, metric)
);

CREATE TABLE reading_latest (
    sensor_id BIGINT NOT NULL,
    metric    SMALLINT NOT NULL,
    ts        BIGINT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sensor_id, metric)
);

-- span is the bucket's length in seconds (600; longer charts add these up).
CREATE TABLE reading_rollups (
    sensor_id  BIGINT NOT NULL,
    metric     SMALLINT NOT NULL,
    span       BIGINT NOT NULL,
    bucket     BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    total      DOUBLE PRECISION NOT NULL,
    min_value  DOUBLE PRECISION NOT NULL,
    max_value  DOUBLE PRECISION NOT NULL,
    last_ts    BIGINT NOT NULL,
    last_value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sensor_id, metric, span, bucket)
);

-- Readings refused, kept for the operator to see (a bounded sample per request), and counts of
-- every reading by day, source and outcome (reason `accepted` for the stored ones).
CREATE TABLE ingest_rejects (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    source      TEXT NOT NULL,
    gateway_id  BIGINT,
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
    n      BIGINT NOT NULL,
    PRIMARY KEY (day, source, reason)
);

CREATE TABLE alarm_rules (
    id         BIGSERIAL PRIMARY KEY,
    object_id  BIGINT NOT NULL REFERENCES monitored_objects(id),
    name       TEXT NOT NULL,
    -- The conditions as JSON (safegrid_domain::alarm::Condition).
    conditions TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX alarm_rules_object ON alarm_rules(object_id);

-- An alarm opens once per rule: while one is not resolved, the rule raises that one.
-- Patrol alarms have no rule.
CREATE TABLE alarms (
    id              BIGSERIAL PRIMARY KEY,
    rule_id         BIGINT REFERENCES alarm_rules(id),
    object_id       BIGINT NOT NULL REFERENCES monitored_objects(id),
    region_path     TEXT COLLATE "C" NOT NULL,
    source          TEXT NOT NULL,
    level           TEXT NOT NULL,
    level_rank      BIGINT NOT NULL,
    status          TEXT NOT NULL,
    -- Whether the rule's condition still holds.
    active          BOOLEAN NOT NULL,
    sensor_id       BIGINT,
    metric          TEXT,
    figure          DOUBLE PRECISION,
    window_h        BIGINT,
    detail          TEXT,
    opened_at       TIMESTAMPTZ NOT NULL,
    raised_at       TIMESTAMPTZ NOT NULL,
    cleared_at      TIMESTAMPTZ,
    acknowledged_by BIGINT REFERENCES users(id),
    acknowledged_at TIMESTAMPTZ,
    resolved_by     BIGINT REFERENCES users(id),
    resolved_at     TIMESTAMPTZ,
    resolve_note    TEXT
);
CREATE UNIQUE INDEX alarms_one_per_rule ON alarms(rule_id) WHERE status <> 'resolved';
CREATE INDEX alarms_status ON alarms(status, region_path);
CREATE INDEX alarms_object ON alarms(object_id, opened_at);

CREATE TABLE alarm_events (
    id       BIGSERIAL PRIMARY KEY,
    alarm_id BIGINT NOT NULL REFERENCES alarms(id),
    at       TIMESTAMPTZ NOT NULL,
    kind     TEXT NOT NULL,
    level    TEXT,
    figure   DOUBLE PRECISION,
    user_id  BIGINT REFERENCES users(id),
    note     TEXT
);
CREATE INDEX alarm_events_alarm ON alarm_events(alarm_id);
