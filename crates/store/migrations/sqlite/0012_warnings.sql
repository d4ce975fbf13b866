-- Warnings (预警) with their areas, every CAP message sent or received, and the people a warning
-- reaches with their answers (叫应) (SQLite).

CREATE TABLE warnings (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    level          TEXT NOT NULL,
    level_rank     INTEGER NOT NULL,
    status         TEXT NOT NULL,
    headline       TEXT NOT NULL,
    description    TEXT,
    instruction    TEXT,
    headline_en    TEXT,
    description_en TEXT,
    instruction_en TEXT,
    onset          TEXT NOT NULL,
    expires        TEXT NOT NULL,
    polygon        TEXT,
    alarm_id       INTEGER REFERENCES alarms(id),
    -- The narrowest region holding every area of the warning: who sees it.
    region_path    TEXT NOT NULL,
    -- 'local' (written here) or 'imported' (read from another sender's CAP).
    origin         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    approved_by    INTEGER REFERENCES users(id),
    approved_at    TEXT,
    issued_by      INTEGER REFERENCES users(id),
    issued_at      TEXT,
    ended_at       TEXT,
    updated_at     TEXT NOT NULL
);
CREATE INDEX warnings_region ON warnings(region_path, status);

CREATE TABLE warning_areas (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER NOT NULL REFERENCES warnings(id),
    region_id  INTEGER REFERENCES regions(id),
    object_id  INTEGER REFERENCES monitored_objects(id)
);
CREATE INDEX warning_areas_warning ON warning_areas(warning_id);

CREATE TABLE cap_messages (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER REFERENCES warnings(id),
    sender     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    sent       TEXT NOT NULL,
    msg_type   TEXT NOT NULL,
    xml        TEXT NOT NULL,
    -- FALSE for the town's own messages, TRUE for those read from elsewhere.
    received   BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (sender, identifier)
);
CREATE INDEX cap_messages_warning ON cap_messages(warning_id, id);

CREATE TABLE warning_recipients (
    id          INTEGER PRIMARY KEY,
    warning_id  INTEGER NOT NULL REFERENCES warnings(id),
    -- Who is reached: a person of the registry, or the contact of a key unit or an enterprise.
    person_id     INTEGER REFERENCES people(id),
    key_unit_id   INTEGER REFERENCES key_units(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    name        TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    -- Why this person is reached: `role@object:id`, `village_cadre@region:id`…, comma-separated.
    reasons     TEXT NOT NULL,
    region_path TEXT NOT NULL,
    -- Required actions (codes), comma-separated.
    actions     TEXT NOT NULL,
    -- SHA-256 of the personal answer link's token, set when the first message goes out; the
    -- token itself is only ever sent.
    token_hash  TEXT UNIQUE,
    reply_code  TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    answered_at TEXT,
    answered_by TEXT,
    answer_note TEXT,
    actions_done TEXT,
    evacuated   INTEGER,
    escalated_at TEXT,
    -- The recipient whose silence brought this one in.
    escalated_from INTEGER REFERENCES warning_recipients(id),
    created_at  TEXT NOT NULL,
    -- One line per mobile number: a person in several roles is reached once.
    UNIQUE (warning_id, mobile)
);
CREATE INDEX warning_recipients_due ON warning_recipients(warning_id, answered_at, due_at);
