//! complaints: the signed content of FileComplaint, decoded and validated.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = complaints::fuzzing::complaint_form(data);
});
