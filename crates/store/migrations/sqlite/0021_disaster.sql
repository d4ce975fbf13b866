-- After an incident: the grade set by hand with its reason, the on-site commander, linked
-- warnings and hazards, the disaster statistics per
-- village with their two ledgers (the dead and missing; collapsed and damaged houses, each
-- tracked to its rebuilding), the affected households with their 五有, and the investigation
-- (SQLite).

ALTER TABLE incidents ADD COLUMN grade_reason TEXT;
-- The on-site commander (现场指挥官) named for the incident.
ALTER TABLE incidents ADD COLUMN commander_id INTEGER REFERENCES people(id);

-- Warnings and hazards linked to an incident by hand (those over its area are found by place).
CREATE TABLE incident_links (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    -- 'warning' or 'hazard'.
    kind        TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (incident_id, kind, target_id)
);

CREATE TABLE disaster_stats (
    incident_id          INTEGER NOT NULL REFERENCES incidents(id),
    region_id            INTEGER NOT NULL REFERENCES regions(id),
    region_path          TEXT NOT NULL,
    affected             INTEGER NOT NULL,
    deaths               INTEGER NOT NULL,
    missing              INTEGER NOT NULL,
    relocated            INTEGER NOT NULL,
    urgent_aid           INTEGER NOT NULL,
    crop_affected_m2     INTEGER NOT NULL,
    crop_damaged_m2      INTEGER NOT NULL,
    crop_lost_m2         INTEGER NOT NULL,
    collapsed_households INTEGER NOT NULL,
    collapsed_rooms      INTEGER NOT NULL,
    severe_households    INTEGER NOT NULL,
    severe_rooms         INTEGER NOT NULL,
    general_households   INTEGER NOT NULL,
    general_rooms        INTEGER NOT NULL,
    direct_loss_fen      INTEGER NOT NULL,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (incident_id, region_id)
);

CREATE TABLE disaster_casualties (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id),
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    name          TEXT NOT NULL,
    -- 'dead' or 'missing'.
    status        TEXT NOT NULL,
    gender        TEXT,
    age           INTEGER,
    address       TEXT,
    circumstances TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX disaster_casualties_incident ON disaster_casualties(incident_id, region_id);

CREATE TABLE disaster_houses (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    head         TEXT NOT NULL,
    address      TEXT,
    -- 'collapsed', 'severe' or 'general'.
    damage       TEXT NOT NULL,
    rooms        INTEGER NOT NULL,
    -- 'pending', 'underway' or 'completed'; only ever moves forward.
    rebuild      TEXT NOT NULL,
    completed_on TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX disaster_houses_incident ON disaster_houses(incident_id, region_id);

CREATE TABLE relief_households (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    region_id   INTEGER NOT NULL REFERENCES regions(id),
    head        TEXT NOT NULL,
    address     TEXT,
    people      INTEGER NOT NULL,
    food        BOOLEAN NOT NULL,
    clothing    BOOLEAN NOT NULL,
    water       BOOLEAN NOT NULL,
    shelter     BOOLEAN NOT NULL,
    medical     BOOLEAN NOT NULL,
    note        TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (incident_id, region_id, head)
);

CREATE TABLE investigations (
    id                 INTEGER PRIMARY KEY,
    incident_id        INTEGER NOT NULL UNIQUE REFERENCES incidents(id),
    -- 'dual' (一案双查) or 'assessment' (调查评估).
    kind               TEXT NOT NULL,
    -- 'open', 'reported' or 'decided'.
    status             TEXT NOT NULL,
    opened_on          TEXT NOT NULL,
    extended_days      INTEGER,
    extension_reason   TEXT,
    reported_on        TEXT,
    findings           TEXT,
    regulator_findings TEXT,
    decided_on         TEXT,
    accountability     TEXT,
    updated_at         TEXT NOT NULL
);
