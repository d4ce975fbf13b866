-- Risk identification lists with a period: major events with their own risk points, and the
-- lists of key periods and major changes; and the part of its record an attachment shows (PostgreSQL).

CREATE TABLE risk_lists (
    id          BIGSERIAL PRIMARY KEY,
    -- 'major_event', 'key_period' or 'major_change'.
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_lists_region ON risk_lists(region_path, starts_on);

CREATE TABLE risk_list_points (
    list_id       BIGINT NOT NULL REFERENCES risk_lists(id),
    risk_point_id BIGINT NOT NULL REFERENCES risk_points(id),
    PRIMARY KEY (list_id, risk_point_id)
);

-- Which part of its record an attachment shows (an inspection's checklist item); NULL for the
-- record as a whole.
ALTER TABLE attachments ADD COLUMN part TEXT;
