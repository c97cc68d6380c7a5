-- The W3C trace context (`traceparent`, and `tracestate` if any: one
-- `name: value` line each) of the call that wrote an outbox message, so that
-- its delivery continues that call's trace. NULL on messages written before
-- this column: their delivery starts a new trace.
ALTER TABLE complaints_outbox ADD COLUMN trace_context TEXT;
