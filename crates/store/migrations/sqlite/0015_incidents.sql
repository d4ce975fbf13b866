-- Incidents (accidents, fires, forest fires, geological events, natural disasters) with the
-- figures their grade is computed from, the reports the town made upward, and the timeline
-- (SQLite).

CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    occurred_at      TEXT NOT NULL,
    known_at         TEXT NOT NULL,
    region_id        INTEGER NOT NULL REFERENCES regions(id),
    region_path      TEXT NOT NULL,
    place            TEXT,
    description      TEXT,
    -- NULL for a natural disaster (graded by its response level, not by these figures).
    grade            TEXT,
    deaths           INTEGER NOT NULL,
    missing          INTEGER NOT NULL,
    serious_injuries INTEGER NOT NULL,
    direct_loss_fen  INTEGER NOT NULL,
    burned_m2        INTEGER NOT NULL,
    -- 'open' or 'ended'.
    status           TEXT NOT NULL,
    ended_at         TEXT,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX incidents_region ON incidents(region_path, occurred_at);

CREATE TABLE incident_reports (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    stage       TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    summary     TEXT NOT NULL,
    reported_by INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX incident_reports_incident ON incident_reports(incident_id, reported_at);

CREATE TABLE incident_log (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          TEXT NOT NULL,
    entry       TEXT NOT NULL,
    written_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX incident_log_incident ON incident_log(incident_id, at);
