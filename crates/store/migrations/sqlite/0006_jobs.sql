-- Background jobs with leases, and each user's in-app inbox (SQLite).

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    -- What the job is about, unique, so that scheduling the same thing twice schedules it once.
    key          TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    done_at      TEXT
);
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE inbox (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT,
    -- The job that sent it; a job sends a user a message once.
    job_id     INTEGER REFERENCES jobs(id),
    created_at TEXT NOT NULL,
    read_at    TEXT,
    UNIQUE (job_id, user_id)
);
CREATE INDEX inbox_user ON inbox(user_id, read_at);
