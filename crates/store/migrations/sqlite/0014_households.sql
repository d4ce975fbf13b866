-- Threatened households (受威胁户) registered at a monitored site, reached by its warnings (SQLite).

CREATE TABLE threatened_households (
    id         INTEGER PRIMARY KEY,
    object_id  INTEGER NOT NULL REFERENCES monitored_objects(id),
    head_name  TEXT NOT NULL,
    mobile     TEXT NOT NULL,
    people     INTEGER NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (object_id, mobile)
);
