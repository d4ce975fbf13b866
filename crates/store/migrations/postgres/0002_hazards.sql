-- Hazards (事故隐患) and their lifecycle (PostgreSQL). Dates are DATE.

CREATE TABLE hazards (
    id                 BIGSERIAL PRIMARY KEY,
    enterprise_id      BIGINT REFERENCES enterprises(id),
    region_id          BIGINT NOT NULL REFERENCES regions(id),
    -- The region's path, copied as for enterprises so that scope filters need no join.
    region_path        TEXT COLLATE "C" NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT,
    location           TEXT,
    source             TEXT NOT NULL,
    found_on           DATE NOT NULL,
    criterion          TEXT,
    status             TEXT NOT NULL,
    grade              TEXT,
    listed             BOOLEAN NOT NULL,
    listing_body       TEXT,
    listing_deadline   DATE,
    responsible        TEXT,
    measures           TEXT,
    funds_fen          BIGINT,
    deadline           DATE,
    contingency        TEXT,
    requested_deadline DATE,
    rectified_by       BIGINT,
    closed_on          DATE,
    reported_by        BIGINT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX hazards_region_path ON hazards(region_path);
CREATE INDEX hazards_enterprise ON hazards(enterprise_id);
CREATE INDEX hazards_status ON hazards(status, region_path);
