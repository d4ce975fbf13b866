-- Stockpiles: warehouses, the items in each, and every movement of stock (PostgreSQL).

CREATE TABLE warehouses (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    region_id     BIGINT NOT NULL REFERENCES regions(id),
    region_path   TEXT NOT NULL,
    address       TEXT,
    keeper        TEXT,
    keeper_mobile TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE stock_items (
    id           BIGSERIAL PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    name         TEXT NOT NULL,
    category     TEXT NOT NULL,
    unit         TEXT NOT NULL,
    -- Never negative: every decrease is `quantity - n WHERE quantity >= n`.
    quantity     BIGINT NOT NULL CHECK (quantity >= 0),
    min_stock    BIGINT NOT NULL,
    expires_on   TEXT,
    updated_at   TIMESTAMPTZ NOT NULL
);
-- One line per thing and expiry in a warehouse (no expiry counts as one value).
CREATE UNIQUE INDEX stock_items_one ON stock_items(warehouse_id, name, unit, COALESCE(expires_on, ''));

CREATE TABLE stock_movements (
    id            BIGSERIAL PRIMARY KEY,
    item_id       BIGINT NOT NULL REFERENCES stock_items(id),
    kind          TEXT NOT NULL,
    quantity      BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    -- The item a transfer went into, in the other warehouse.
    to_item_id    BIGINT REFERENCES stock_items(id),
    incident_id   BIGINT REFERENCES incidents(id),
    reason        TEXT,
    moved_by      BIGINT REFERENCES users(id),
    moved_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_item ON stock_movements(item_id, moved_at);
CREATE INDEX stock_movements_incident ON stock_movements(incident_id);
