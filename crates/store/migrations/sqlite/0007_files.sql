-- Evidence files, stored once by content hash, and what they are attached to (SQLite).
-- Files live in the database so that every process serving it sees them.

CREATE TABLE files (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    sha256      TEXT NOT NULL REFERENCES files(sha256),
    name        TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX attachments_entity ON attachments(entity_type, entity_id);
