-- After an incident: the grade set by hand with its reason, the on-site commander, linked
-- warnings and hazards, the disaster statistics per
-- village with their two ledgers (the dead and missing; collapsed and damaged houses, each
-- tracked to its rebuilding), the affected households with their 五有, and the investigation
-- (PostgreSQL).

ALTER TABLE incidents ADD COLUMN grade_reason TEXT;
-- The on-site commander (现场指挥官) named for the incident.
ALTER TABLE incidents ADD COLUMN commander_id BIGINT REFERENCES people(id);

-- Warnings and hazards linked to an incident by hand (those over its area are found by place).
CREATE TABLE incident_links (
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    -- 'warning' or 'hazard'.
    kind        TEXT NOT NULL,
    target_id   BIGINT NOT NULL,
    linked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, kind, target_id)
);

CREATE TABLE disaster_stats (
    incident_id          BIGINT NOT NULL REFERENCES incidents(id),
    region_id            BIGINT NOT NULL REFERENCES regions(id),
    region_path          TEXT NOT NULL,
    affected             BIGINT NOT NULL,
    deaths               BIGINT NOT NULL,
    missing              BIGINT NOT NULL,
    relocated            BIGINT NOT NULL,
    urgent_aid           BIGINT NOT NULL,
    crop_affected_m2     BIGINT NOT NULL,
    crop_damaged_m2      BIGINT NOT NULL,
    crop_lost_m2         BIGINT NOT NULL,
    collapsed_households BIGINT NOT NULL,
    collapsed_rooms      BIGINT NOT NULL,
    severe_households    BIGINT NOT NULL,
    severe_rooms         BIGINT NOT NULL,
    general_households   BIGINT NOT NULL,
    general_rooms        BIGINT NOT NULL,
    direct_loss_fen      BIGINT NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, region_id)
);

CREATE TABLE disaster_casualties (
    id            BIGSERIAL PRIMARY KEY,
    incident_id   BIGINT NOT NULL REFERENCES incidents(id),
    region_id     BIGINT NOT NULL REFERENCES regions(id),
    name          TEXT NOT NULL,
    -- 'dead' or 'missing'.
    status        TEXT NOT NULL,
    gender        TEXT,
    age           BIGINT,
    address       TEXT,
    circumstances TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX disaster_casualties_incident ON disaster_casualties(incident_id, region_id);

CREATE TABLE disaster_houses (
    id           BIGSERIAL PRIMARY KEY,
    incident_id  BIGINT NOT NULL REFERENCES incidents(id),
    region_id    BIGINT NOT NULL REFERENCES regions(id),
    head         TEXT NOT NULL,
    address      TEXT,
    -- 'collapsed', 'severe' or 'general'.
    damage       TEXT NOT NULL,
    rooms        BIGINT NOT NULL,
    -- 'pending', 'underway' or 'completed'; only ever moves forward.
    rebuild      TEXT NOT NULL,
    completed_on TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX disaster_houses_incident ON disaster_houses(incident_id, region_id);

CREATE TABLE relief_households (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    head        TEXT NOT NULL,
    address     TEXT,
    people      BIGINT NOT NULL,
    food        BOOLEAN NOT NULL,
    clothing    BOOLEAN NOT NULL,
    water       BOOLEAN NOT NULL,
    shelter     BOOLEAN NOT NULL,
    medical     BOOLEAN NOT NULL,
    note        TEXT,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (incident_id, region_id, head)
);

CREATE TABLE investigations (
    id                 BIGSERIAL PRIMARY KEY,
    incident_id        BIGINT NOT NULL UNIQUE REFERENCES incidents(id),
    -- 'dual' (一案双查) or 'assessment' (调查评估).
    kind               TEXT NOT NULL,
    -- 'open', 'reported' or 'decided'.
    status             TEXT NOT NULL,
    opened_on          TEXT NOT NULL,
    extended_days      BIGINT,
    extension_reason   TEXT,
    reported_on        TEXT,
    findings           TEXT,
    regulator_findings TEXT,
    decided_on         TEXT,
    accountability     TEXT,
    updated_at         TIMESTAMPTZ NOT NULL
);
