-- Tip-offs from the public (有奖举报), their handling and their rewards (SQLite).

CREATE TABLE tip_offs (
    id                INTEGER PRIMARY KEY,
    -- What the reporter types back to follow it: XXXX-XXXX-XXXX.
    code              TEXT NOT NULL UNIQUE,
    region_id         INTEGER REFERENCES regions(id),
    region_path       TEXT NOT NULL,
    place             TEXT NOT NULL,
    text              TEXT NOT NULL,
    subject           TEXT,
    -- The reporter; both empty when anonymous. Read only through an audited use case.
    reporter_name     TEXT,
    reporter_phone    TEXT,
    -- A keyed hash of the sender's address, to contain floods; the address itself is not kept.
    address_hash      TEXT NOT NULL,
    status            TEXT NOT NULL,
    department_id     INTEGER REFERENCES departments(id),
    enterprise_id     INTEGER REFERENCES enterprises(id),
    hazard_id         INTEGER REFERENCES hazards(id),
    case_id           INTEGER REFERENCES enforcement_cases(id),
    reply             TEXT,
    note              TEXT,
    reward_fen        INTEGER,
    reward_decided_on TEXT,
    reward_paid_on    TEXT,
    reward_voucher    TEXT,
    received_at       TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX tip_offs_address ON tip_offs(address_hash, received_at);
CREATE INDEX tip_offs_region ON tip_offs(region_path);
CREATE INDEX tip_offs_department ON tip_offs(department_id);
