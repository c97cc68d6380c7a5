//! application-intake: the signed content of SubmitApplication, decoded and
//! validated into the domain's application.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = application_intake::fuzzing::application_form(data);
});
