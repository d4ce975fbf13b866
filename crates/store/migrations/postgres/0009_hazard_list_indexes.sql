-- Hazard lists are read one page at a time in deadline order. A status filter over the whole
-- city ("all rectified, page 3") reads its page straight from (status, deadline, id); a place
-- filter is served by the region path index, so status no longer pairs with the path.
DROP INDEX hazards_status;
CREATE INDEX hazards_status ON hazards(status, deadline, id);
-- Listed hazards are filtered by grade as often as not ("major and listed"); with the grade in
-- the index both the count and the deadline-ordered page are read from it alone.
DROP INDEX hazards_listed;
CREATE INDEX hazards_listed ON hazards(listed, grade, deadline);
