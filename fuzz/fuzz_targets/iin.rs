//! housing-domain: `Iin::parse` on arbitrary text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    housing_domain::fuzzing::iin(data);
});
