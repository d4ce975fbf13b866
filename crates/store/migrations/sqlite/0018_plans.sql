-- Emergency plans with their revisions, and drills (SQLite).

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    level         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    department    TEXT,
    version       TEXT NOT NULL,
    -- `2025-03-01`: the last revision, and months until the next is due.
    revised_on    TEXT NOT NULL,
    period_months INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX plans_region ON plans(region_path);

CREATE TABLE plan_revisions (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans(id),
    version    TEXT NOT NULL,
    revised_on TEXT NOT NULL,
    note       TEXT,
    revised_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX plan_revisions_plan ON plan_revisions(plan_id, revised_on);

CREATE TABLE drills (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER REFERENCES plans(id),
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    region_path  TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    place        TEXT,
    scenario     TEXT NOT NULL,
    participants INTEGER NOT NULL,
    teams        TEXT,
    joint_with   TEXT,
    evaluation   TEXT,
    -- Problems found, one per line.
    problems     TEXT NOT NULL,
    recorded_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX drills_region ON drills(region_path, held_on);
