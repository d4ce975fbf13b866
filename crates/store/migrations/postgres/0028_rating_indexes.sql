-- What the safety rating of every enterprise reads in one pass each: open hazards by
-- enterprise (covering, open ones only; status is a column so that SQLite reads the index
-- alone), and the penalties decided against an enterprise (PostgreSQL).

CREATE INDEX hazards_open_enterprise ON hazards(enterprise_id, grade, deadline, status)
    WHERE status <> 'closed';
CREATE INDEX enforcement_cases_enterprise ON enforcement_cases(enterprise_id, decided_on);
