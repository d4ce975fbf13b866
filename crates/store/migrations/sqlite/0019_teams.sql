-- Rescue teams, their members, and the incidents they are sent to (SQLite).

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    specialty     TEXT,
    leader        TEXT NOT NULL,
    leader_mobile TEXT NOT NULL,
    call_out      TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE team_members (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    name       TEXT NOT NULL,
    mobile     TEXT NOT NULL,
    skills     TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (team_id, mobile)
);

CREATE TABLE incident_teams (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    sent_at     TEXT NOT NULL,
    sent_by     INTEGER REFERENCES users(id),
    PRIMARY KEY (incident_id, team_id)
);
