-- Inspection plans (日周月), inspections and their results per checklist item (PostgreSQL).

CREATE TABLE inspection_plans (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    template      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    cadence       TEXT NOT NULL,
    starts_on     DATE NOT NULL,
    active        BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspection_plans_enterprise ON inspection_plans(enterprise_id);

CREATE TABLE inspections (
    id             BIGSERIAL PRIMARY KEY,
    plan_id        BIGINT REFERENCES inspection_plans(id),
    enterprise_id  BIGINT NOT NULL REFERENCES enterprises(id),
    region_path    TEXT COLLATE "C" NOT NULL,
    template       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    done_on        DATE NOT NULL,
    inspector_id   BIGINT NOT NULL,
    inspector_name TEXT NOT NULL,
    failed         BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspections_region_path ON inspections(region_path, done_on);
CREATE INDEX inspections_plan ON inspections(plan_id, done_on);
CREATE INDEX inspections_enterprise ON inspections(enterprise_id, done_on);

CREATE TABLE inspection_results (
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    item          TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    note          TEXT,
    hazard_id     BIGINT REFERENCES hazards(id),
    PRIMARY KEY (inspection_id, item)
);
