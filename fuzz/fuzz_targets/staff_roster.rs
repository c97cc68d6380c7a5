//! housing-platform: the staff roster file (`HOUSING_STAFF_ROSTER_FILE`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    housing_platform::fuzzing::staff_roster(data);
});
