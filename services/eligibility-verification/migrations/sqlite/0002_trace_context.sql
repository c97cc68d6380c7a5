-- W3C trace contexts (`traceparent`, and `tracestate` if any: one
-- `name: value` line each), so that work taken up later by another task
-- continues the trace of the call that caused it. NULL on rows written before
-- these columns: that work starts a new trace.

-- The OpenCase call that opened the case: its evaluations (and their
-- registry queries) and a lapse of its hearing belong to that trace.
ALTER TABLE cases ADD COLUMN trace_context TEXT;

-- The call or evaluation that wrote the message: its delivery continues it.
ALTER TABLE outbox ADD COLUMN trace_context TEXT;
