-- The duty roster (值班表): a duty leader and a duty officer per region and duty day
-- (PostgreSQL).

CREATE TABLE duty_roster (
    id          BIGSERIAL PRIMARY KEY,
    region_id   BIGINT NOT NULL REFERENCES regions(id),
    region_path TEXT NOT NULL,
    -- The duty day, `2026-07-12`; it runs from 08:30 that day to 08:30 the next.
    day         TEXT NOT NULL,
    leader_id   BIGINT NOT NULL REFERENCES people(id),
    officer_id  BIGINT NOT NULL REFERENCES people(id),
    note        TEXT,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (region_id, day)
);
CREATE INDEX duty_roster_day ON duty_roster(day, region_path);
