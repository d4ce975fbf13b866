-- Special rectification campaigns (专项整治, 五个一批, 三年行动) and their targets (PostgreSQL).

CREATE TABLE campaigns (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    description TEXT,
    created_by  BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX campaigns_region ON campaigns(region_path);

CREATE TABLE campaign_targets (
    id            BIGSERIAL PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id),
    kind          TEXT NOT NULL,
    -- A plate, a site's name, or the enterprise's name when it is one.
    label         TEXT NOT NULL,
    enterprise_id BIGINT REFERENCES enterprises(id),
    region_id     BIGINT REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    -- 五个一批: close, relocate, renovate, eliminate, listed_supervision.
    treatment     TEXT,
    status        TEXT NOT NULL,
    note          TEXT,
    cleared_on    TEXT,
    updated_by    BIGINT REFERENCES users(id),
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX campaign_targets_campaign ON campaign_targets(campaign_id, status);
