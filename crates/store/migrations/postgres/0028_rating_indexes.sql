-- What the safety rating of every enterprise reads in one pass each: open hazards by
-- enterprise (covering, open ones only), and the penalties decided against an enterprise (PostgreSQL).

CREATE INDEX hazards_open_enterprise ON hazards(enterprise_id, grade, deadline, region_path)
    WHERE status <> 'closed';
CREATE INDEX enforcement_cases_enterprise ON enforcement_cases(enterprise_id, decided_on);
