-- Inspection plans (日周月), inspections and their results per checklist item (SQLite).

CREATE TABLE inspection_plans (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    template      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    cadence       TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX inspection_plans_enterprise ON inspection_plans(enterprise_id);

CREATE TABLE inspections (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER REFERENCES inspection_plans(id),
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    region_path    TEXT NOT NULL,
    template       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    done_on        TEXT NOT NULL,
    inspector_id   INTEGER NOT NULL,
    inspector_name TEXT NOT NULL,
    failed         INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX inspections_region_path ON inspections(region_path, done_on);
CREATE INDEX inspections_plan ON inspections(plan_id, done_on);
CREATE INDEX inspections_enterprise ON inspections(enterprise_id, done_on);

CREATE TABLE inspection_results (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    item          TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    note          TEXT,
    hazard_id     INTEGER REFERENCES hazards(id),
    PRIMARY KEY (inspection_id, item)
);
