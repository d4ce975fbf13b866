-- Settings that are configuration (risk bands…), and risk points with their grading (SQLite).

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE risk_points (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER REFERENCES enterprises(id),
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    post          TEXT,
    name          TEXT NOT NULL,
    hazard_factor TEXT NOT NULL,
    accident_type TEXT,
    controls      TEXT NOT NULL,
    -- The assessment as JSON ({"method":"lec","l":30,"e":60,"c":40}), its score and the grading it gave.
    assessment    TEXT NOT NULL,
    score         INTEGER NOT NULL,
    level         TEXT NOT NULL,
    tier          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX risk_points_region_path ON risk_points(region_path);
CREATE INDEX risk_points_enterprise ON risk_points(enterprise_id);
