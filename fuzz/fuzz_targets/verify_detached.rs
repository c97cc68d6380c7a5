//! housing-eds: `verify_detached` on arbitrary CMS bytes, and on edits of a
//! valid signature.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = housing_eds::fuzzing::verify_detached_bytes(data);
});
