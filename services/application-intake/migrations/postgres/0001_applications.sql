-- application-intake: applications, their status history and the outbox that
-- hands them to eligibility-verification. Times are microseconds since the
-- epoch (housing-storage conventions); states are the proto enum's names
-- without the STATE_ prefix.

CREATE TABLE applications (
    -- The {application} segment of `applications/{application}`.
    id TEXT PRIMARY KEY,
    -- AIP-155 idempotency key of the SubmitApplication call that created it.
    request_id TEXT NOT NULL UNIQUE,
    applicant_iin TEXT NOT NULL,
    representative_iin TEXT,
    locality_kato TEXT NOT NULL,
    -- "One active application per applicant and locality": set while the
    -- application is active, NULL from its first final state on. Several NULLs
    -- never collide, so the unique constraint covers active applications only.
    active_key TEXT UNIQUE,
    state TEXT NOT NULL,
    -- The exact signed bytes and the detached CMS signature over them.
    form_content BYTEA NOT NULL,
    cms_signature BYTEA NOT NULL,
    signer_iin TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    signing_time_micros BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    submit_time_micros BIGINT NOT NULL,
    -- YYYY-MM-DD, Asia/Almaty.
    acceptance_date TEXT NOT NULL,
    processing_deadline_micros BIGINT NOT NULL,
    latest_decision TEXT,
    register_entry TEXT,
    withdrawal_reason TEXT,
    update_time_micros BIGINT NOT NULL,
    -- Bumped by every change; the etag and the sequence of the event it records.
    revision BIGINT NOT NULL
);

CREATE INDEX applications_by_applicant ON applications (applicant_iin, submit_time_micros);
CREATE INDEX applications_by_representative ON applications (representative_iin, submit_time_micros);
CREATE INDEX applications_by_submit_time ON applications (submit_time_micros, id);

CREATE TABLE application_events (
    application_id TEXT NOT NULL REFERENCES applications (id),
    -- The application's revision the event produced: orders the history.
    sequence BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    state TEXT NOT NULL,
    event_time_micros BIGINT NOT NULL,
    decision TEXT,
    register_entry TEXT,
    processing_deadline_micros BIGINT,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    -- Comma-separated rule codes.
    rule_codes TEXT NOT NULL,
    recorded_at_micros BIGINT NOT NULL,
    PRIMARY KEY (application_id, sequence),
    UNIQUE (application_id, event_id)
);

CREATE TABLE intake_outbox (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    -- The application's revision when the message was written: messages of one
    -- application are delivered in this order.
    position BIGINT NOT NULL,
    -- 'OPEN_CASE' or 'WITHDRAW_CASE'.
    kind TEXT NOT NULL,
    -- The encoded eligibility request.
    payload BYTEA NOT NULL,
    created_at_micros BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_micros BIGINT NOT NULL,
    delivered_at_micros BIGINT,
    last_error TEXT,
    UNIQUE (application_id, position)
);

CREATE INDEX intake_outbox_pending ON intake_outbox (next_attempt_micros) WHERE delivered_at_micros IS NULL;

-- Who read what: every read of a person's applications is attributable to a
-- caller. The caller's IIN is kept here, never in a log line.
CREATE TABLE access_log (
    id TEXT PRIMARY KEY,
    read_at_micros BIGINT NOT NULL,
    caller_role TEXT NOT NULL,
    caller_id TEXT NOT NULL,
    caller_iin TEXT,
    -- The RPC, e.g. 'GetApplication'.
    action TEXT NOT NULL,
    -- The resource names read, space-separated.
    resources TEXT NOT NULL
);

CREATE INDEX access_log_by_time ON access_log (read_at_micros);
