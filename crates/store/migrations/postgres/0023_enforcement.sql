-- Enforcement cases (行政处罚) with every step's record, the hazards they came from, and the
-- public notice of their decisions (PostgreSQL).

CREATE TABLE enforcement_cases (
    id                   BIGSERIAL PRIMARY KEY,
    -- 案号, unique in the town: 马武应急罚〔2026〕3号.
    number               TEXT NOT NULL UNIQUE,
    region_id            BIGINT NOT NULL REFERENCES regions(id),
    region_path          TEXT NOT NULL,
    department_id        BIGINT REFERENCES departments(id),
    enterprise_id        BIGINT REFERENCES enterprises(id),
    party_kind           TEXT NOT NULL,
    party_name           TEXT NOT NULL,
    -- A person's ID number or an organisation's credit code; masked on the public page.
    party_id_number      TEXT,
    cause                TEXT NOT NULL,
    basis                TEXT,
    -- The inspection it came from (检查诊断 → 行政处罚 → 整改复查).
    inspection_id        BIGINT REFERENCES inspections(id),
    step                 TEXT NOT NULL,
    filed_on             TEXT NOT NULL,
    -- The officers, as person ids separated by commas.
    officer_ids          TEXT NOT NULL,
    -- Penalties as JSON ({"fine_fen":200000,"confiscation_fen":null,"measures":[]}).
    proposed             TEXT,
    noticed_on           TEXT,
    hearing_requested_on TEXT,
    hearing_held_on      TEXT,
    decided              TEXT,
    decided_on           TEXT,
    served_on            TEXT,
    paid_fen             BIGINT,
    closed_on            TEXT,
    created_by           BIGINT REFERENCES users(id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX enforcement_cases_region ON enforcement_cases(region_path, filed_on);

CREATE TABLE case_hazards (
    case_id   BIGINT NOT NULL REFERENCES enforcement_cases(id),
    hazard_id BIGINT NOT NULL REFERENCES hazards(id),
    PRIMARY KEY (case_id, hazard_id)
);

-- Every step taken, with its day and its written record (全过程记录).
CREATE TABLE case_steps (
    id         BIGSERIAL PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES enforcement_cases(id),
    step       TEXT NOT NULL,
    on_day     TEXT NOT NULL,
    record     TEXT,
    taken_by   BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_steps_case ON case_steps(case_id, id);
