-- The enterprise an accident happened at, for its safety rating and its history (SQLite).

ALTER TABLE incidents ADD COLUMN enterprise_id INTEGER REFERENCES enterprises(id);
CREATE INDEX incidents_enterprise ON incidents(enterprise_id, occurred_at);
