-- The town registry, users and sessions, and the audit chain (PostgreSQL).
-- Times are TIMESTAMPTZ; the audit chain keeps its time as text because the hash covers it.

CREATE TABLE regions (
    id          BIGSERIAL PRIMARY KEY,
    parent_id   BIGINT REFERENCES regions(id),
    level       TEXT NOT NULL,
    kind        TEXT,
    name        TEXT NOT NULL,
    code        TEXT,
    path        TEXT COLLATE "C" NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX regions_path ON regions(path);
CREATE INDEX regions_parent ON regions(parent_id);

CREATE TABLE departments (
    id          BIGSERIAL PRIMARY KEY,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    name        TEXT NOT NULL,
    duties      TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE department_industries (
    department_id BIGINT NOT NULL REFERENCES departments(id),
    industry_code TEXT NOT NULL,
    PRIMARY KEY (department_id, industry_code)
);
CREATE INDEX department_industries_code ON department_industries(industry_code);

CREATE TABLE enterprises (
    id                          BIGSERIAL PRIMARY KEY,
    uscc                        TEXT NOT NULL UNIQUE,
    name                        TEXT NOT NULL,
    region_id                   BIGINT NOT NULL REFERENCES regions(id),
    -- The region's path, copied so that scope filters and counts need no join (kept in step by
    -- every write of the enterprise and every move of a region).
    region_path                 TEXT COLLATE "C" NOT NULL,
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
    employees                   BIGINT NOT NULL,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprises_region ON enterprises(region_id);
-- Counts of a list are read from these alone (each covers the scope column too).
CREATE INDEX enterprises_region_path ON enterprises(region_path);
CREATE INDEX enterprises_high_risk ON enterprises(high_risk, region_path);
CREATE INDEX enterprises_industry ON enterprises(industry_code, region_path);

CREATE TABLE people (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    mobile       TEXT NOT NULL,
    region_id    BIGINT NOT NULL REFERENCES regions(id),
    organisation TEXT,
    title        TEXT,
    roles        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX people_region ON people(region_id);
CREATE INDEX people_mobile ON people(mobile);

CREATE TABLE key_units (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    region_id      BIGINT NOT NULL REFERENCES regions(id),
    address        TEXT,
    contact_name   TEXT,
    contact_mobile TEXT,
    occupants      BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX key_units_region ON key_units(region_id);

CREATE TABLE liaison_groups (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL UNIQUE REFERENCES enterprises(id),
    leader_id     BIGINT NOT NULL REFERENCES people(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE liaison_members (
    group_id  BIGINT NOT NULL REFERENCES liaison_groups(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (group_id, person_id)
);

CREATE TABLE committees (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    name        TEXT NOT NULL,
    director_id BIGINT NOT NULL REFERENCES people(id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (region_id, kind)
);

CREATE TABLE committee_offices (
    id           BIGSERIAL PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    head_id      BIGINT NOT NULL REFERENCES people(id)
);

CREATE TABLE committee_members (
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    person_id    BIGINT NOT NULL REFERENCES people(id),
    position     TEXT NOT NULL,
    PRIMARY KEY (committee_id, person_id)
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    region_id     BIGINT REFERENCES regions(id),
    department_id BIGINT REFERENCES departments(id),
    enterprise_id BIGINT REFERENCES enterprises(id),
    disabled      BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE login_failures (
    id       BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
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
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
