-- The year's work: the annual work plan (工作要点) with its numbered tasks and the departments'
-- monthly progress reports; training records, the emergency office's staff and its
-- standardisation self-assessment, outreach activities; construction projects with their
-- safety review and 三同时 milestones (road guardrails among them); and the place an incident
-- happened at when it was a monitored disaster site (PostgreSQL).

CREATE TABLE work_plans (
    id          BIGSERIAL PRIMARY KEY,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT COLLATE "C" NOT NULL,
    year        BIGINT NOT NULL,
    title       TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (region_id, year)
);

CREATE TABLE plan_tasks (
    id                 BIGSERIAL PRIMARY KEY,
    plan_id            BIGINT NOT NULL REFERENCES work_plans(id),
    number             BIGINT NOT NULL,
    section            TEXT,
    title              TEXT NOT NULL,
    lead_department_id BIGINT NOT NULL REFERENCES departments(id),
    indicator          TEXT,
    deadline           TEXT NOT NULL,
    UNIQUE (plan_id, number)
);

-- The co-operating departments of a task.
CREATE TABLE plan_task_departments (
    task_id       BIGINT NOT NULL REFERENCES plan_tasks(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    PRIMARY KEY (task_id, department_id)
);

-- One report per task, department and month; a second report in the month replaces the first.
CREATE TABLE plan_reports (
    id            BIGSERIAL PRIMARY KEY,
    task_id       BIGINT NOT NULL REFERENCES plan_tasks(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    month         TEXT NOT NULL,
    -- 'not_started', 'underway', 'done' or 'blocked'.
    status        TEXT NOT NULL,
    progress      TEXT NOT NULL,
    reported_by   BIGINT REFERENCES users(id),
    reported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (task_id, department_id, month)
);

CREATE TABLE trainings (
    id            BIGSERIAL PRIMARY KEY,
    region_id     BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT COLLATE "C" NOT NULL,
    enterprise_id BIGINT REFERENCES enterprises(id),
    person_id     BIGINT REFERENCES people(id),
    trainee       TEXT NOT NULL,
    -- 'emergency_staff', 'leader', 'principal', 'safety_manager', 'new_employee', 'employee'.
    category      TEXT NOT NULL,
    -- 'initial', 'annual', 'entry', 'retraining'.
    kind          TEXT NOT NULL,
    course        TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    minutes       BIGINT NOT NULL,
    passed        BOOLEAN NOT NULL,
    created_by    BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX trainings_region ON trainings(region_path, starts_on);
CREATE INDEX trainings_enterprise ON trainings(enterprise_id);
CREATE INDEX trainings_person ON trainings(person_id);

-- The emergency office's staff: when each joined and what qualifies them.
CREATE TABLE emergency_staff (
    person_id     BIGINT PRIMARY KEY REFERENCES people(id),
    region_path TEXT COLLATE "C" NOT NULL,
    joined_on     TEXT NOT NULL,
    -- 'degree', 'experience', 'both' or 'none'.
    qualification TEXT NOT NULL,
    left_on       TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The office's standardisation self-assessment: one line per region, year and aspect.
CREATE TABLE standardisation (
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    year        BIGINT NOT NULL,
    aspect      TEXT NOT NULL,
    -- 'met', 'partly' or 'not_met'.
    rating      TEXT NOT NULL,
    note        TEXT,
    assessed_by BIGINT REFERENCES users(id),
    assessed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (region_id, year, aspect)
);

CREATE TABLE outreach (
    id           BIGSERIAL PRIMARY KEY,
    region_id    BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT COLLATE "C" NOT NULL,
    kind         TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    title        TEXT NOT NULL,
    participants BIGINT NOT NULL,
    note         TEXT,
    created_by   BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_region ON outreach(region_path, held_on);

CREATE TABLE construction_projects (
    id               BIGSERIAL PRIMARY KEY,
    region_id        BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT COLLATE "C" NOT NULL,
    enterprise_id    BIGINT REFERENCES enterprises(id),
    name             TEXT NOT NULL,
    -- 'production', 'public', 'road_guardrail', 'disaster_works'.
    category         TEXT NOT NULL,
    -- 'pending', 'passed' or 'rejected'.
    review           TEXT NOT NULL,
    reviewed_on      TEXT,
    review_note      TEXT,
    main_designed_on   TEXT,
    safety_designed_on TEXT,
    main_built_on      TEXT,
    safety_built_on    TEXT,
    main_in_use_on     TEXT,
    safety_in_use_on   TEXT,
    -- Length built, in metres (guardrails, embankments).
    length_m         BIGINT,
    completed_on     TEXT,
    created_by       BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX construction_projects_region ON construction_projects(region_path, category);

-- The monitored object (a disaster site, a reservoir) an incident happened at.
ALTER TABLE incidents ADD COLUMN object_id BIGINT REFERENCES monitored_objects(id);

-- The enterprises inspected in a period within a scope, counted from this index alone (the
-- inspection-completion target of a city).
CREATE INDEX enterprises_last_inspected ON enterprises(last_inspected_on, region_path);
