CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    payload BLOB NOT NULL,
    flag INTEGER NOT NULL,
    created_at_micros INTEGER NOT NULL
);
