-- Hazard counts kept up to date by every write, so progress tables over a city read thousands
-- of summary rows instead of a million hazards (PostgreSQL).

ALTER TABLE hazards ADD COLUMN village_path TEXT COLLATE "C" NOT NULL DEFAULT '';
-- The GB/T 4754 section of the enterprise's industry ('-' for places outside enterprises).
ALTER TABLE hazards ADD COLUMN section TEXT NOT NULL DEFAULT '-';
-- No deployment held hazards before this version; new rows get both columns on insert.
-- Open hazards past a deadline are counted from this index alone.
CREATE INDEX hazards_open_deadline ON hazards(status, deadline, village_path, section, grade, listed);
CREATE INDEX hazards_listed ON hazards(listed, deadline);
-- The open ones in deadline order: the overdue list reads its first page from here.
CREATE INDEX hazards_open_by_deadline ON hazards(deadline, id) WHERE status <> 'closed';

-- One row per key at every level above a hazard: its village, its town and its district, so a
-- town's or the whole city's table reads a few hundred rows.
CREATE TABLE hazard_summary (
    village_path TEXT COLLATE "C" NOT NULL,
    depth        BIGINT NOT NULL,
    section      TEXT NOT NULL,
    grade        TEXT NOT NULL,
    status       TEXT NOT NULL,
    listed       BOOLEAN NOT NULL,
    n            BIGINT NOT NULL,
    -- Sum of days from found to closed, over the closed ones.
    closed_days  BIGINT NOT NULL,
    PRIMARY KEY (village_path, section, grade, status, listed)
);
CREATE INDEX hazard_summary_depth ON hazard_summary(depth, village_path);
