-- The town registry, users and sessions, and the audit chain (SQLite).
-- Times are stored as text written by sqlx from chrono::DateTime<Utc>, which sorts correctly.

CREATE TABLE regions (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES regions(id),
    level       TEXT NOT NULL,
    kind        TEXT,
    name        TEXT NOT NULL,
    code        TEXT,
    path        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX regions_path ON regions(path);
CREATE INDEX regions_parent ON regions(parent_id);

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES regions(id),
    name        TEXT NOT NULL,
    duties      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE department_industries (
    department_id INTEGER NOT NULL REFERENCES departments(id),
    industry_code TEXT NOT NULL,
    PRIMARY KEY (department_id, industry_code)
);
CREATE INDEX department_industries_code ON department_industries(industry_code);

CREATE TABLE enterprises (
    id                          INTEGER PRIMARY KEY,
    uscc                        TEXT NOT NULL UNIQUE,
    name                        TEXT NOT NULL,
    region_id                   INTEGER NOT NULL REFERENCES regions(id),
    -- The region's path, copied so that scope filters and counts need no join (kept in step by
    -- every write of the enterprise and every move of a region).
    region_path                 TEXT NOT NULL,
    industry_code               TEXT NOT NULL,
    scale                       TEXT NOT NULL,
    high_risk                   BOOLEAN NOT NULL,
    address                     TEXT,
    legal_representative        TEXT NOT NULL,
    legal_representative_mobile TEXT,
    actual_controller           TEXT,
    safety_director             TEXT,
    safety_director_mobile      TEXT,
    chief_engineer              TEXT,
    standard_grade              TEXT NOT NULL,
    fringe_treatment            TEXT NOT NULL,
    employees                   INTEGER NOT NULL,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises(region_id);
-- Counts of a list are read from these alone (each covers the scope column too).
CREATE INDEX enterprises_region_path ON enterprises(region_path);
CREATE INDEX enterprises_high_risk ON enterprises(high_risk, region_path);
CREATE INDEX enterprises_industry ON enterprises(industry_code, region_path);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    mobile       TEXT NOT NULL,
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    organisation TEXT,
    title        TEXT,
    roles        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX people_region ON people(region_id);
CREATE INDEX people_mobile ON people(mobile);

CREATE TABLE key_units (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    region_id      INTEGER NOT NULL REFERENCES regions(id),
    address        TEXT,
    contact_name   TEXT,
    contact_mobile TEXT,
    occupants      INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX key_units_region ON key_units(region_id);

CREATE TABLE liaison_groups (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL UNIQUE REFERENCES enterprises(id),
    leader_id     INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE liaison_members (
    group_id  INTEGER NOT NULL REFERENCES liaison_groups(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (group_id, person_id)
);

CREATE TABLE committees (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    region_id   INTEGER NOT NULL REFERENCES regions(id),
    name        TEXT NOT NULL,
    director_id INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    UNIQUE (region_id, kind)
);

CREATE TABLE committee_offices (
    id           INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    head_id      INTEGER NOT NULL REFERENCES people(id)
);

CREATE TABLE committee_members (
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    position     TEXT NOT NULL,
    PRIMARY KEY (committee_id, person_id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    region_id     INTEGER REFERENCES regions(id),
    department_id INTEGER REFERENCES departments(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    disabled      BOOLEAN NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, seq);

-- The head of the chain: one row, locked by every appender so that entries get gapless sequence
-- numbers and each links to the one before, whatever number of processes write.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
