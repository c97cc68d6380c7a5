-- registry-gateway: the national certification centre's test PKI
-- (src/pki/, docs/test-pki.md).

-- The root CA, generated at the first start and kept: every certificate
-- issued since chains to it, so it must survive restarts. Exactly one row.
-- The private key is stored as is: this is a test PKI whose keys protect
-- nothing real.
CREATE TABLE certification_centre_root (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    certificate_der BYTEA NOT NULL,
    private_key_pkcs8_der BYTEA NOT NULL,
    created_at_micros BIGINT NOT NULL
);

-- Every certificate issued, by serial number (lowercase hex). The holder's
-- private key is handed out once and never stored.
CREATE TABLE certification_centre_certificates (
    serial_number TEXT PRIMARY KEY,
    holder_iin TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('SIGNING', 'AUTHENTICATION')),
    not_before_micros BIGINT NOT NULL,
    not_after_micros BIGINT NOT NULL,
    certificate_der BYTEA NOT NULL,
    issued_at_micros BIGINT NOT NULL
);

-- Revocations: at most one per certificate, and the first one stands.
-- A certificate is revoked at every moment from revoked_at_micros on.
CREATE TABLE certification_centre_revocations (
    serial_number TEXT PRIMARY KEY REFERENCES certification_centre_certificates (serial_number),
    revoked_at_micros BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at_micros BIGINT NOT NULL
);
