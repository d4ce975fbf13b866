-- Monitor patrols (群测群防巡查) of monitored sites: the check-in, precursors ticked, crack widths
-- at the marked points, position; the alarm a precursor raised (SQLite).

CREATE TABLE patrols (
    id           INTEGER PRIMARY KEY,
    object_id    INTEGER NOT NULL REFERENCES monitored_objects(id),
    region_path  TEXT NOT NULL,
    patrolled_at TEXT NOT NULL,
    -- The Beijing day of the patrol: what the frequency policy counts.
    day          TEXT NOT NULL,
    reported_by  INTEGER NOT NULL REFERENCES users(id),
    no_anomaly   BOOLEAN NOT NULL,
    -- Precursor codes, comma-separated (empty when none).
    precursors   TEXT NOT NULL,
    latitude     REAL,
    longitude    REAL,
    note         TEXT,
    alarm_id     INTEGER REFERENCES alarms(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX patrols_object ON patrols(object_id, day);
CREATE INDEX patrols_region ON patrols(region_path, patrolled_at);

CREATE TABLE patrol_cracks (
    patrol_id   INTEGER NOT NULL REFERENCES patrols(id),
    object_id   INTEGER NOT NULL REFERENCES monitored_objects(id),
    point       TEXT NOT NULL,
    width_mm    REAL NOT NULL,
    measured_at TEXT NOT NULL,
    PRIMARY KEY (patrol_id, point)
);
CREATE INDEX patrol_cracks_point ON patrol_cracks(object_id, point, measured_at);
