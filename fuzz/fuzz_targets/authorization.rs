//! housing-platform: the authentication layer on any `authorization` header
//! (a staff token, a citizen's or a member of staff's EDS sign-in).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    housing_platform::fuzzing::authorization(data);
});
