-- What the safety rating of every enterprise reads: each enterprise carries the count of its
-- open hazards and of the major ones among them, kept with every hazard's change as the hazard
-- summary is, so that rating a city does not count a third of a million open hazards on each
-- ask; the overdue ones are read by deadline (covering, open ones only; status is a column so
-- that SQLite reads the index alone); the day each enterprise was last inspected, kept as its
-- inspections are recorded; penalties by enterprise (PostgreSQL).

ALTER TABLE enterprises ADD COLUMN open_hazards BIGINT NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN open_major_hazards BIGINT NOT NULL DEFAULT 0;
UPDATE enterprises SET
    open_hazards = (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = enterprises.id AND h.status <> 'closed'),
    open_major_hazards = (SELECT COUNT(*) FROM hazards h
        WHERE h.enterprise_id = enterprises.id AND h.status <> 'closed' AND h.grade = 'major');
ALTER TABLE enterprises ADD COLUMN last_inspected_on TEXT;
UPDATE enterprises SET last_inspected_on =
    (SELECT CAST(MAX(i.done_on) AS TEXT) FROM inspections i WHERE i.enterprise_id = enterprises.id);
CREATE INDEX hazards_open_deadline_enterprise ON hazards(deadline, enterprise_id, status)
    WHERE status <> 'closed';
CREATE INDEX enforcement_cases_enterprise ON enforcement_cases(enterprise_id, decided_on);
