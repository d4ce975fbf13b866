-- Posts (岗位) and their 两单两卡, kept as one JSON document per post (PostgreSQL).

CREATE TABLE posts (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    name          TEXT NOT NULL,
    cards         TEXT NOT NULL,
    -- Whether the duty list, operating card and emergency card all have their core entries.
    complete      BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (enterprise_id, name)
);
