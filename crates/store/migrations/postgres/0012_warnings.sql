-- Warnings (预警) with their areas, every CAP message sent or received, and the people a warning
-- reaches with their answers (叫应) (PostgreSQL).

CREATE TABLE warnings (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT NOT NULL,
    level          TEXT NOT NULL,
    level_rank     BIGINT NOT NULL,
    status         TEXT NOT NULL,
    headline       TEXT NOT NULL,
    description    TEXT,
    instruction    TEXT,
    headline_en    TEXT,
    description_en TEXT,
    instruction_en TEXT,
    onset          TIMESTAMPTZ NOT NULL,
    expires        TIMESTAMPTZ NOT NULL,
    polygon        TEXT,
    alarm_id       BIGINT REFERENCES alarms(id),
    -- The narrowest region holding every area of the warning: who sees it.
    region_path    TEXT COLLATE "C" NOT NULL,
    -- 'local' (written here) or 'imported' (read from another sender's CAP).
    origin         TEXT NOT NULL,
    version        BIGINT NOT NULL,
    created_by     BIGINT REFERENCES users(id),
    created_at     TIMESTAMPTZ NOT NULL,
    approved_by    BIGINT REFERENCES users(id),
    approved_at    TIMESTAMPTZ,
    issued_by      BIGINT REFERENCES users(id),
    issued_at      TIMESTAMPTZ,
    ended_at       TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX warnings_region ON warnings(region_path, status);

CREATE TABLE warning_areas (
    id         BIGSERIAL PRIMARY KEY,
    warning_id BIGINT NOT NULL REFERENCES warnings(id),
    region_id  BIGINT REFERENCES regions(id),
    object_id  BIGINT REFERENCES monitored_objects(id)
);
CREATE INDEX warning_areas_warning ON warning_areas(warning_id);

CREATE TABLE cap_messages (
    id         BIGSERIAL PRIMARY KEY,
    warning_id BIGINT REFERENCES warnings(id),
    sender     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    sent       TEXT NOT NULL,
    msg_type   TEXT NOT NULL,
    xml        TEXT NOT NULL,
    -- FALSE for the town's own messages, TRUE for those read from elsewhere.
    received   BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (sender, identifier)
);
CREATE INDEX cap_messages_warning ON cap_messages(warning_id, id);

CREATE TABLE warning_recipients (
    id          BIGSERIAL PRIMARY KEY,
    warning_id  BIGINT NOT NULL REFERENCES warnings(id),
    -- Who is reached: a person of the registry, or the contact of a key unit or an enterprise.
    person_id     BIGINT REFERENCES people(id),
    key_unit_id   BIGINT REFERENCES key_units(id),
    enterprise_id BIGINT REFERENCES enterprises(id),
    name        TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    -- Why this person is reached: `role@object:id`, `village_cadre@region:id`…, comma-separated.
    reasons     TEXT NOT NULL,
    region_path TEXT COLLATE "C" NOT NULL,
    -- Required actions (codes), comma-separated.
    actions     TEXT NOT NULL,
    -- SHA-256 of the personal answer link's token, set when the first message goes out; the
    -- token itself is only ever sent.
    token_hash  TEXT UNIQUE,
    reply_code  TEXT NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    answered_by TEXT,
    answer_note TEXT,
    actions_done TEXT,
    evacuated   BIGINT,
    escalated_at TIMESTAMPTZ,
    -- The recipient whose silence brought this one in.
    escalated_from BIGINT REFERENCES warning_recipients(id),
    created_at  TIMESTAMPTZ NOT NULL,
    -- One line per mobile number: a person in several roles is reached once.
    UNIQUE (warning_id, mobile)
);
CREATE INDEX warning_recipients_due ON warning_recipients(warning_id, answered_at, due_at);
