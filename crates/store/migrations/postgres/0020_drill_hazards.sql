-- Which problem of a drill became which hazard: each problem becomes one hazard (PostgreSQL).

CREATE TABLE drill_hazards (
    drill_id      BIGINT NOT NULL REFERENCES drills(id),
    problem_index BIGINT NOT NULL,
    hazard_id     BIGINT NOT NULL REFERENCES hazards(id),
    PRIMARY KEY (drill_id, problem_index)
);
