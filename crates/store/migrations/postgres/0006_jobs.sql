-- Background jobs with leases, and each user's in-app inbox (PostgreSQL).

CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    -- What the job is about, unique, so that scheduling the same thing twice schedules it once.
    key          TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    run_at       TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    attempts     BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    done_at      TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE inbox (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT,
    -- The job that sent it; a job sends a user a message once.
    job_id     BIGINT REFERENCES jobs(id),
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    UNIQUE (job_id, user_id)
);
CREATE INDEX inbox_user ON inbox(user_id, read_at);
