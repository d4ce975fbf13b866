-- Special rectification campaigns (专项整治, 五个一批, 三年行动) and their targets (SQLite).

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region_id   INTEGER NOT NULL REFERENCES regions(id),
    region_path TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    description TEXT,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX campaigns_region ON campaigns(region_path);

CREATE TABLE campaign_targets (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    kind          TEXT NOT NULL,
    -- A plate, a site's name, or the enterprise's name when it is one.
    label         TEXT NOT NULL,
    enterprise_id INTEGER REFERENCES enterprises(id),
    region_id     INTEGER REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    -- 五个一批: close, relocate, renovate, eliminate, listed_supervision.
    treatment     TEXT,
    status        TEXT NOT NULL,
    note          TEXT,
    cleared_on    TEXT,
    updated_by    INTEGER REFERENCES users(id),
    updated_at    TEXT NOT NULL
);
CREATE INDEX campaign_targets_campaign ON campaign_targets(campaign_id, status);
