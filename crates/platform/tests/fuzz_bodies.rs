//! The bodies of the `authorization` and `staff_roster` fuzz targets
//! (`fuzz/`) on stable, over random bytes and over plausible inputs, so that
//! they keep compiling and their invariants keep holding.

use housing_platform::fuzzing::{self, FIXTURE_IIN};
use proptest::prelude::*;

#[test]
fn the_unchanged_credentials_and_the_seeds_behave_as_documented() {
    // Mode odd, the token unedited: the fixture's auditor.
    assert!(fuzzing::authorization(&[1, 0]));
    // The citizen's and the staff EDS unedited verify, then the centre
    // nobody answers at refuses them as UNAVAILABLE.
    assert!(!fuzzing::authorization(&[1, 1]));
    assert!(!fuzzing::authorization(&[1, 2]));
    assert!(!fuzzing::authorization(b"\0Bearer not-a-token"));
    // Found by the fuzzer: a header that is a scheme's name alone, which the
    // refusal names among the schemes it accepts.
    assert!(!fuzzing::authorization(b"\0EDS-Staff"));
    assert!(fuzzing::staff_roster(
        format!("# staff\noperator operator-eds-1 {FIXTURE_IIN} # front office\n").as_bytes()
    ));
    assert!(!fuzzing::staff_roster(
        format!("clerk clerk-1 {FIXTURE_IIN}").as_bytes()
    ));
}

fn roster_line() -> impl Strategy<Value = String> {
    let role = prop_oneof![
        Just("operator"),
        Just("provider-head"),
        Just("complaints-body"),
        Just("auditor"),
        Just("citizen"),
        Just("system"),
        Just("#"),
    ];
    let iin = prop_oneof![
        Just(FIXTURE_IIN.to_owned()),
        Just("750203400015".to_owned()),
        "[0-9]{11,13}",
    ];
    (role, "[a-z0-9-]{1,12}", iin, "[ \t]{0,2}(# .{0,10})?")
        .prop_map(|(role, id, iin, tail)| format!("{role} {id} {iin}{tail}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn authorization_body_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        fuzzing::authorization(&data);
    }

    #[test]
    fn authorization_body_on_edited_credentials(
        which in 0_u8..3,
        edits in proptest::collection::vec(any::<u8>(), 0..12),
    ) {
        let mut data = vec![1, which];
        data.extend(edits);
        fuzzing::authorization(&data);
    }

    #[test]
    fn staff_roster_body_on_arbitrary_text(text in "\\PC{0,200}") {
        fuzzing::staff_roster(text.as_bytes());
    }

    #[test]
    fn staff_roster_body_on_plausible_rosters(lines in proptest::collection::vec(roster_line(), 0..6)) {
        fuzzing::staff_roster(lines.join("\n").as_bytes());
    }
}
