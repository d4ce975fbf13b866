-- Settings that are configuration (risk bands…), and risk points with their grading (PostgreSQL).

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE risk_points (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT REFERENCES enterprises(id),
    region_id     BIGINT NOT NULL REFERENCES regions(id),
    region_path   TEXT COLLATE "C" NOT NULL,
    post          TEXT,
    name          TEXT NOT NULL,
    hazard_factor TEXT NOT NULL,
    accident_type TEXT,
    controls      TEXT NOT NULL,
    -- The assessment as JSON ({"method":"lec","l":30,"e":60,"c":40}), its score and the grading it gave.
    assessment    TEXT NOT NULL,
    score         BIGINT NOT NULL,
    level         TEXT NOT NULL,
    tier          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_points_region_path ON risk_points(region_path);
CREATE INDEX risk_points_enterprise ON risk_points(enterprise_id);
