-- Deliveries of warnings: one row per message to one recipient (or one group robot) by one
-- channel, with its state; the inbound SMS replies, matched or not; the link from an account to
-- the person of the registry it belongs to, and e-mail addresses of people (SQLite).

ALTER TABLE people ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);
CREATE INDEX users_person ON users(person_id);

CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    -- `warning:recipient:channel:purpose` (or `warning:endpoint:…` for a group robot): the job
    -- that sends it carries the same key, so queueing twice queues once.
    key          TEXT NOT NULL UNIQUE,
    warning_id   INTEGER NOT NULL REFERENCES warnings(id),
    -- The person messaged; NULL for a group robot or an account of the office.
    recipient_id INTEGER REFERENCES warning_recipients(id),
    -- The silent recipient an escalation is about.
    about_id     INTEGER REFERENCES warning_recipients(id),
    channel      TEXT NOT NULL,
    -- A mobile number, an e-mail address, a webhook's name or an account id.
    address      TEXT NOT NULL,
    -- notice, repeat, escalation.
    purpose      TEXT NOT NULL,
    -- queued, sent, failed, delivered.
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    error        TEXT,
    -- The channel's own id for the message (an SMS gateway's message id).
    external_id  TEXT,
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    delivered_at TEXT,
    failed_at    TEXT
);
CREATE INDEX deliveries_warning ON deliveries(warning_id, status);
CREATE INDEX deliveries_recipient ON deliveries(recipient_id);
CREATE INDEX deliveries_external ON deliveries(channel, external_id);

CREATE TABLE inbound_replies (
    id           INTEGER PRIMARY KEY,
    channel      TEXT NOT NULL,
    sender       TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    recipient_id INTEGER REFERENCES warning_recipients(id),
    -- answered, updated, unknown_sender, no_live_warning, bad_code.
    outcome      TEXT NOT NULL
);
CREATE INDEX inbound_replies_received ON inbound_replies(received_at);

CREATE INDEX warning_recipients_mobile ON warning_recipients(mobile);
