-- Monitor patrols (群测群防巡查) of monitored sites: the check-in, precursors ticked, crack widths
-- at the marked points, position; the alarm a precursor raised (PostgreSQL).

CREATE TABLE patrols (
    id           BIGSERIAL PRIMARY KEY,
    object_id    BIGINT NOT NULL REFERENCES monitored_objects(id),
    region_path  TEXT COLLATE "C" NOT NULL,
    patrolled_at TIMESTAMPTZ NOT NULL,
    -- The Beijing day of the patrol: what the frequency policy counts.
    day          DATE NOT NULL,
    reported_by  BIGINT NOT NULL REFERENCES users(id),
    no_anomaly   BOOLEAN NOT NULL,
    -- Precursor codes, comma-separated (empty when none).
    precursors   TEXT NOT NULL,
    latitude     DOUBLE PRECISION,
    longitude    DOUBLE PRECISION,
    note         TEXT,
    alarm_id     BIGINT REFERENCES alarms(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX patrols_object ON patrols(object_id, day);
CREATE INDEX patrols_region ON patrols(region_path, patrolled_at);

CREATE TABLE patrol_cracks (
    patrol_id   BIGINT NOT NULL REFERENCES patrols(id),
    object_id   BIGINT NOT NULL REFERENCES monitored_objects(id),
    point       TEXT NOT NULL,
    width_mm    DOUBLE PRECISION NOT NULL,
    measured_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (patrol_id, point)
);
CREATE INDEX patrol_cracks_point ON patrol_cracks(object_id, point, measured_at);
