-- Incidents (accidents, fires, forest fires, geological events, natural disasters) with the
-- figures their grade is computed from, the reports the town made upward, and the timeline
-- (PostgreSQL).

CREATE TABLE incidents (
    id               BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    known_at         TIMESTAMPTZ NOT NULL,
    region_id        BIGINT NOT NULL REFERENCES regions(id),
    region_path      TEXT NOT NULL,
    place            TEXT,
    description      TEXT,
    -- NULL for a natural disaster (graded by its response level, not by these figures).
    grade            TEXT,
    deaths           BIGINT NOT NULL,
    missing          BIGINT NOT NULL,
    serious_injuries BIGINT NOT NULL,
    direct_loss_fen  BIGINT NOT NULL,
    burned_m2        BIGINT NOT NULL,
    -- 'open' or 'ended'.
    status           TEXT NOT NULL,
    ended_at         TIMESTAMPTZ,
    created_by       BIGINT REFERENCES users(id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_region ON incidents(region_path, occurred_at);

CREATE TABLE incident_reports (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    stage       TEXT NOT NULL,
    reported_at TIMESTAMPTZ NOT NULL,
    summary     TEXT NOT NULL,
    reported_by BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_reports_incident ON incident_reports(incident_id, reported_at);

CREATE TABLE incident_log (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    at          TIMESTAMPTZ NOT NULL,
    entry       TEXT NOT NULL,
    written_by  BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_log_incident ON incident_log(incident_id, at);
