-- registry-gateway: the append-only, hash-chained query log (after X-Road's
-- message log). One row per query and its answer, refused ones included; the
-- request and answer are kept as SHA-256 digests only, never as personal data.
-- entry_hash = SHA-256(previous entry_hash || canonical encoding of the row),
-- see docs/registry-gateway.md.
CREATE TABLE registry_query_log (
    -- INTEGER PRIMARY KEY: the rowid itself, so appends and range scans need no second index.
    sequence INTEGER PRIMARY KEY,
    query_time_micros BIGINT NOT NULL,
    client_system TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    case_id TEXT NOT NULL,
    method TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    response_sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL,
    -- The registers touched, as comma-separated housing.common.v1.Register numbers.
    registers TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);

CREATE INDEX registry_query_log_by_case ON registry_query_log (case_id, sequence);

-- Append-only in the database too. The hash chain is what makes tampering
-- evident; these make it deliberate: whoever changes a row must first drop them.
CREATE TRIGGER registry_query_log_no_update
    BEFORE UPDATE ON registry_query_log
    BEGIN SELECT RAISE(ABORT, 'registry_query_log is append-only'); END;

CREATE TRIGGER registry_query_log_no_delete
    BEFORE DELETE ON registry_query_log
    BEGIN SELECT RAISE(ABORT, 'registry_query_log is append-only'); END;
