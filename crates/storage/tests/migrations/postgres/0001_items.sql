CREATE TABLE items (
    id BIGINT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    payload BYTEA NOT NULL,
    flag BIGINT NOT NULL,
    created_at_micros BIGINT NOT NULL
);
