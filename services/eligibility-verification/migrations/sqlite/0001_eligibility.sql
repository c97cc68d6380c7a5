-- eligibility-verification: cases, decisions, hearings, the register, the
-- idempotency keys and the outbox. Times are microseconds since the epoch and
-- dates YYYY-MM-DD (housing-storage conventions); states and kinds are the
-- contract's enum names without their prefix; booleans are 0 / 1.

CREATE TABLE cases (
    -- The {case} segment of `cases/{case}`: the application's id.
    id TEXT PRIMARY KEY,
    -- The idempotency key of the OpenCase call that opened it.
    request_id TEXT NOT NULL,
    -- The ApplicationForm exactly as intake accepted it (encoded protobuf).
    form BLOB NOT NULL,
    applicant_iin TEXT NOT NULL,
    representative_iin TEXT,
    locality_kato TEXT NOT NULL,
    track TEXT NOT NULL,
    submit_time BIGINT NOT NULL,
    acceptance_date TEXT NOT NULL,
    processing_deadline BIGINT NOT NULL,
    state TEXT NOT NULL,
    -- Decisions made so far; the latest is `cases/{id}/decisions/{decision_count}`.
    decision_count BIGINT NOT NULL,
    register_entry_active BIGINT NOT NULL,
    registry_attempts BIGINT NOT NULL,
    -- When the evaluation worker takes the case next (NULL: nothing to do).
    -- While a worker holds the case it is the end of the worker's lease.
    next_attempt_time BIGINT,
    operator_alert_time BIGINT,
    create_time BIGINT NOT NULL,
    update_time BIGINT NOT NULL,
    -- Bumped by every change: writers check it (optimistic concurrency).
    version BIGINT NOT NULL
);

CREATE INDEX cases_due ON cases (next_attempt_time) WHERE next_attempt_time IS NOT NULL;
CREATE INDEX cases_by_deadline ON cases (processing_deadline, id);
CREATE INDEX cases_by_state_and_deadline ON cases (state, processing_deadline, id);
CREATE INDEX cases_by_applicant ON cases (applicant_iin);
CREATE INDEX cases_by_representative ON cases (representative_iin);

CREATE TABLE decisions (
    case_id TEXT NOT NULL REFERENCES cases (id),
    number BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    rule_set_version TEXT NOT NULL,
    as_of_date TEXT NOT NULL,
    decided_by_id TEXT NOT NULL,
    decided_by_role TEXT NOT NULL,
    reasons TEXT NOT NULL,
    complaint TEXT,
    create_time BIGINT NOT NULL,
    -- housing_domain::eligibility::Decision as JSON: every rule, its outcome
    -- and the registry facts used. Never updated.
    evaluation TEXT NOT NULL,
    PRIMARY KEY (case_id, number)
);

CREATE INDEX decisions_by_outcome ON decisions (outcome, create_time);
CREATE INDEX decisions_by_trigger ON decisions (trigger_kind, create_time);
CREATE INDEX decisions_by_create_time ON decisions (create_time);

CREATE TABLE hearings (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    -- The number of the preliminary decision heard.
    preliminary_decision BIGINT NOT NULL,
    state TEXT NOT NULL,
    method TEXT NOT NULL,
    notice_time BIGINT NOT NULL,
    hearing_time BIGINT NOT NULL,
    position_deadline BIGINT NOT NULL,
    final_decision BIGINT,
    update_time BIGINT NOT NULL
);

CREATE INDEX hearings_by_time ON hearings (hearing_time, case_id);
CREATE INDEX hearings_by_state_and_time ON hearings (state, hearing_time, case_id);
CREATE INDEX hearings_open_by_deadline ON hearings (position_deadline) WHERE state = 'SCHEDULED';

CREATE TABLE positions (
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- The preliminary decision the position answers.
    preliminary_decision BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    -- The Position as stated (encoded protobuf, attachments included).
    position BLOB NOT NULL,
    state_time BIGINT NOT NULL,
    PRIMARY KEY (case_id, request_id)
);

CREATE TABLE register_entries (
    -- The published ordinal identifier: not a place in a queue.
    ordinal INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    locality_kato TEXT NOT NULL,
    -- The register the entry belongs to: the locality, every code of a city of
    -- national status counting as the city (docs/eligibility.md, Locality).
    register_locality TEXT NOT NULL,
    -- The region: the first two digits of the KATO code.
    region_prefix TEXT NOT NULL,
    category TEXT,
    submit_time BIGINT NOT NULL,
    registration_date TEXT NOT NULL,
    decision BIGINT NOT NULL,
    active BIGINT NOT NULL,
    -- The applicant agreed to publication (Articles 71 and 78 of the Law).
    publish BIGINT NOT NULL
);

CREATE INDEX register_entries_by_locality ON register_entries (register_locality, active, submit_time, ordinal);
CREATE INDEX register_entries_published ON register_entries (region_prefix, active, publish, submit_time, ordinal);

-- AIP-155 idempotency keys of the state-changing calls.
CREATE TABLE requests (
    method TEXT NOT NULL,
    request_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- The resource the call produced (a decision's name, a hearing's name).
    result TEXT NOT NULL,
    create_time BIGINT NOT NULL,
    PRIMARY KEY (method, request_id)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- 'INTAKE' (RecordApplicationEvent) or 'NOTIFICATION' (SendNotification).
    destination TEXT NOT NULL,
    -- The encoded request, idempotency key included.
    payload BLOB NOT NULL,
    create_time BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_time BIGINT NOT NULL,
    delivered_time BIGINT,
    abandoned_time BIGINT,
    last_error TEXT
);

CREATE INDEX outbox_pending ON outbox (next_attempt_time, id)
    WHERE delivered_time IS NULL AND abandoned_time IS NULL;
CREATE INDEX outbox_pending_by_case ON outbox (case_id, destination, id)
    WHERE delivered_time IS NULL AND abandoned_time IS NULL;
