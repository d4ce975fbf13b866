-- Threatened households (受威胁户) registered at a monitored site, reached by its warnings
-- (PostgreSQL).

CREATE TABLE threatened_households (
    id         BIGSERIAL PRIMARY KEY,
    object_id  BIGINT NOT NULL REFERENCES monitored_objects(id),
    head_name  TEXT NOT NULL,
    mobile     TEXT NOT NULL,
    people     BIGINT NOT NULL,
    note       TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (object_id, mobile)
);
