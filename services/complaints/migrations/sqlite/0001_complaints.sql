-- complaints: complaints against the provider's decisions, actions and
-- inaction (Chapter 3 of the Rules), their numbering, the outbox to
-- eligibility-verification and notification, and the access log. Times are
-- microseconds since the epoch (housing-storage conventions).

CREATE TABLE complaints (
    -- The {complaint} segment of `complaints/{complaint}`.
    id TEXT PRIMARY KEY,
    -- AIP-155 idempotency key of the FileComplaint call that created it.
    request_id TEXT NOT NULL UNIQUE,
    -- "HPC-C-2026-000042".
    number TEXT NOT NULL UNIQUE,
    complainant_iin TEXT NOT NULL,
    -- The parties of the application concerned, for access: the applicant and
    -- the representative, as application-intake holds them at filing.
    applicant_iin TEXT NOT NULL,
    representative_iin TEXT,
    -- `applications/{application}`; the decision complained of, if any.
    application TEXT NOT NULL,
    decision TEXT,
    -- 'PROVIDER_HEAD' or 'QUALITY_BODY'.
    route TEXT NOT NULL,
    -- The exact signed bytes and the detached CMS signature over them.
    form_content BLOB NOT NULL,
    cms_signature BLOB NOT NULL,
    signer_iin TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    signing_time_micros INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    -- Where the notices go: the application form's phone and e-mail.
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    registration_time_micros INTEGER NOT NULL,
    -- YYYY-MM-DD, Asia/Almaty (after-hours rule applied).
    registration_date TEXT NOT NULL,
    -- The route's answer term (5 or 15 working days).
    answer_deadline_micros INTEGER NOT NULL,
    -- The provider route's forwarding term (3 working days); NULL otherwise.
    forward_deadline_micros INTEGER,
    -- 'REGISTERED', 'FORWARDED' or 'DECIDED'.
    state TEXT NOT NULL,
    -- The term in force: the forwarding term while a provider-route complaint
    -- is registered, the receiving body's term once forwarded, the answer
    -- term otherwise. Kept when decided. Orders lists and finds the overdue.
    deadline_micros INTEGER NOT NULL,
    forward_request_id TEXT,
    forwarded_body TEXT,
    forward_time_micros INTEGER,
    forwarded_by_id TEXT,
    forwarded_by_role TEXT,
    forward_answer_deadline_micros INTEGER,
    -- The administrative case as forwarded: an encoded
    -- housing.complaints.v1.AdministrativeCase.
    case_file BLOB,
    decide_request_id TEXT,
    -- 'SATISFIED', 'PARTLY_SATISFIED' or 'REJECTED'.
    outcome TEXT,
    reasons TEXT,
    decided_by_id TEXT,
    decided_by_role TEXT,
    decide_time_micros INTEGER,
    -- 'REEVALUATE', 'REGISTER' or NULL.
    remedy TEXT,
    -- The eligibility decision the remedy produced, once it took effect.
    resulting_decision TEXT,
    update_time_micros INTEGER NOT NULL,
    -- Bumped by every change: concurrent changes lose on it and retry.
    revision INTEGER NOT NULL
);

CREATE INDEX complaints_by_complainant ON complaints (complainant_iin, deadline_micros, id);
CREATE INDEX complaints_by_applicant ON complaints (applicant_iin, deadline_micros, id);
CREATE INDEX complaints_by_representative ON complaints (representative_iin, deadline_micros, id);
CREATE INDEX complaints_by_deadline ON complaints (state, deadline_micros, id);
CREATE INDEX complaints_by_application ON complaints (application);

-- The last registration number given in each year.
CREATE TABLE complaint_numbers (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE complaints_outbox (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    -- 'NOTICE' (notification), 'REEVALUATE' or 'REGISTER' (eligibility).
    kind TEXT NOT NULL,
    -- The encoded request.
    payload BLOB NOT NULL,
    created_at_micros INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_micros INTEGER NOT NULL,
    delivered_at_micros INTEGER,
    -- 1 once abandoned: refused for good, or failing past the ceiling.
    abandoned INTEGER NOT NULL,
    last_error TEXT
);

CREATE INDEX complaints_outbox_pending ON complaints_outbox (next_attempt_micros) WHERE delivered_at_micros IS NULL AND abandoned = 0;

-- Who read what: every read of a person's complaints is attributable to a
-- caller. The caller's IIN is kept here, never in a log line.
CREATE TABLE access_log (
    id TEXT PRIMARY KEY,
    read_at_micros INTEGER NOT NULL,
    caller_role TEXT NOT NULL,
    caller_id TEXT NOT NULL,
    caller_iin TEXT,
    -- The RPC, e.g. 'GetComplaint'.
    action TEXT NOT NULL,
    -- The resource names read, space-separated.
    resources TEXT NOT NULL
);

CREATE INDEX access_log_by_time ON access_log (read_at_micros);
