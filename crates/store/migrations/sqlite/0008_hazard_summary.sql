-- Hazard counts kept up to date by every write, so progress tables over a city read thousands
-- of summary rows instead of a million hazards (SQLite).

ALTER TABLE hazards ADD COLUMN village_path TEXT NOT NULL DEFAULT '';
-- The GB/T 4754 section of the enterprise's industry ('-' for places outside enterprises).
ALTER TABLE hazards ADD COLUMN section TEXT NOT NULL DEFAULT '-';
-- No deployment held hazards before this version; new rows get both columns on insert.
CREATE INDEX hazards_open_deadline ON hazards(status, deadline, village_path);

CREATE TABLE hazard_summary (
    village_path TEXT NOT NULL,
    section      TEXT NOT NULL,
    grade        TEXT NOT NULL,
    status       TEXT NOT NULL,
    listed       BOOLEAN NOT NULL,
    n            INTEGER NOT NULL,
    -- Sum of days from found to closed, over the closed ones.
    closed_days  INTEGER NOT NULL,
    PRIMARY KEY (village_path, section, grade, status, listed)
);
