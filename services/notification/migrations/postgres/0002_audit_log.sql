-- The audit trail (housing_storage::audit): every read or change of a
-- person's data, hash-chained, append-only.
CREATE TABLE audit_log (
    sequence BIGINT PRIMARY KEY,
    recorded_at_micros BIGINT NOT NULL,
    caller_role TEXT NOT NULL,
    caller_id TEXT NOT NULL,
    -- A citizen caller's IIN; '' for staff and systems.
    caller_iin TEXT NOT NULL,
    -- The full gRPC method.
    rpc TEXT NOT NULL,
    -- 'READ' or 'CHANGE'.
    action TEXT NOT NULL,
    -- The IINs of the persons concerned, space-separated, with a space at each end.
    persons TEXT NOT NULL,
    -- The resource the access was about.
    case_name TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);

CREATE INDEX audit_log_by_case ON audit_log (case_name, sequence);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
