-- Hazards (事故隐患) and their lifecycle (SQLite). Dates are YYYY-MM-DD text.

CREATE TABLE hazards (
    id                 INTEGER PRIMARY KEY,
    enterprise_id      INTEGER REFERENCES enterprises(id),
    region_id          INTEGER NOT NULL REFERENCES regions(id),
    -- The region's path, copied as for enterprises so that scope filters need no join.
    region_path        TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT,
    location           TEXT,
    source             TEXT NOT NULL,
    found_on           TEXT NOT NULL,
    criterion          TEXT,
    status             TEXT NOT NULL,
    grade              TEXT,
    listed             BOOLEAN NOT NULL,
    listing_body       TEXT,
    listing_deadline   TEXT,
    responsible        TEXT,
    measures           TEXT,
    funds_fen          INTEGER,
    deadline           TEXT,
    contingency        TEXT,
    requested_deadline TEXT,
    rectified_by       INTEGER,
    closed_on          TEXT,
    reported_by        INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX hazards_region_path ON hazards(region_path);
CREATE INDEX hazards_enterprise ON hazards(enterprise_id);
CREATE INDEX hazards_status ON hazards(status, region_path);
