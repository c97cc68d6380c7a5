-- registry-gateway: faults injected per register (housing.common.v1.Register
-- number), kept so that a restart does not silently end a test campaign.
CREATE TABLE registry_fault_injections (
    register BIGINT PRIMARY KEY,
    added_latency_micros BIGINT NOT NULL,
    error_rate DOUBLE PRECISION NOT NULL,
    outage BIGINT NOT NULL,
    updated_at_micros BIGINT NOT NULL
);
