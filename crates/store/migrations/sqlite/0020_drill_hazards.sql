-- Which problem of a drill became which hazard: each problem becomes one hazard (SQLite).

CREATE TABLE drill_hazards (
    drill_id      INTEGER NOT NULL REFERENCES drills(id),
    problem_index INTEGER NOT NULL,
    hazard_id     INTEGER NOT NULL REFERENCES hazards(id),
    PRIMARY KEY (drill_id, problem_index)
);
