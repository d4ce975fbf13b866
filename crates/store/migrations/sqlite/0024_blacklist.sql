-- Enterprises on the blacklist (失信惩戒), each listing with its period and, once lifted, why
-- (SQLite).

CREATE TABLE blacklist (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    region_path   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    basis         TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    delisted_on   TEXT,
    delist_reason TEXT,
    listed_by     INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX blacklist_enterprise ON blacklist(enterprise_id);
CREATE INDEX blacklist_region ON blacklist(region_path);
