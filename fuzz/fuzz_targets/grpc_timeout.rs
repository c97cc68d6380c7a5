//! housing-platform: the `grpc-timeout` header every server reads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    housing_platform::limits::fuzz_grpc_timeout(data);
});
