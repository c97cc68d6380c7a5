-- registry-gateway: the registers' data.
--
-- A person's whole record in every register is one row: the
-- housing.registry.v1.PersonRecord message, protobuf-encoded, under the IIN.
-- "As of" a date is applied when a query is answered, so the row keeps the
-- whole history. Certified experts are keyed by their certificate number.
CREATE TABLE registry_persons (
    iin TEXT PRIMARY KEY,
    record BYTEA NOT NULL,
    updated_at_micros BIGINT NOT NULL
);

CREATE TABLE registry_certified_experts (
    certificate_number TEXT PRIMARY KEY,
    record BYTEA NOT NULL,
    updated_at_micros BIGINT NOT NULL
);

-- Fixtures already loaded into this database, by the SHA-256 of their content:
-- the same fixture is not loaded again at the next start, so changes made
-- through the administrative service survive a restart.
CREATE TABLE registry_fixture_loads (
    content_sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    persons BIGINT NOT NULL,
    certified_experts BIGINT NOT NULL,
    loaded_at_micros BIGINT NOT NULL
);
