-- Notices, their deliveries (one per channel), and what the built-in
-- text-message and e-mail adapters accepted. Times are microseconds since the
-- epoch; states, channels and kinds are lowercase text codes.

CREATE TABLE notifications (
    -- Orders notices (newest first in lists) and keys the pages.
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The public id of `notifications/{notification_id}`.
    notification_id TEXT NOT NULL UNIQUE,
    -- The idempotency key: one notice per request_id.
    request_id TEXT NOT NULL UNIQUE,
    -- SHA-256 of the request's content, to tell a replay from a different request with the same key.
    request_fingerprint TEXT NOT NULL,
    recipient_iin TEXT NOT NULL,
    application TEXT NOT NULL,
    complaint TEXT NOT NULL,
    kind TEXT NOT NULL,
    template TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    subject_kk TEXT NOT NULL,
    body_kk TEXT NOT NULL,
    subject_ru TEXT NOT NULL,
    body_ru TEXT NOT NULL,
    -- The caller id that sent it; later gateway queries are made on its behalf.
    requested_by TEXT NOT NULL,
    create_time_micros BIGINT NOT NULL
);

CREATE INDEX notifications_by_recipient ON notifications (recipient_iin, sequence);
CREATE INDEX notifications_by_application ON notifications (application, sequence);

CREATE TABLE deliveries (
    delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_sequence BIGINT NOT NULL REFERENCES notifications (sequence),
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    -- Phone number or e-mail address; empty for the personal account and for
    -- a text message still waiting for the mobile citizens database.
    address TEXT NOT NULL,
    -- 1 while the text message waits for the mobile citizens database to answer.
    awaiting_mobile_citizen_check BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    -- When the worker may take it up; NULL once it needs no attempt.
    next_attempt_micros BIGINT,
    -- When it was taken up; NULL unless SENDING. The sweeper reads it.
    sending_since_micros BIGINT,
    update_time_micros BIGINT NOT NULL,
    failure_reason TEXT NOT NULL,
    provider_reference TEXT NOT NULL,
    UNIQUE (notification_sequence, channel)
);

-- The worker's and the sweeper's look-ups touch only the rows they want.
CREATE INDEX deliveries_due ON deliveries (next_attempt_micros)
    WHERE next_attempt_micros IS NOT NULL;
CREATE INDEX deliveries_sending ON deliveries (sending_since_micros)
    WHERE sending_since_micros IS NOT NULL;

CREATE TABLE outbox_messages (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The delivery's key: a resend after a crash is accepted once.
    message_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    notification TEXT NOT NULL,
    create_time_micros BIGINT NOT NULL
);

CREATE INDEX outbox_messages_by_notification ON outbox_messages (notification, sequence);
