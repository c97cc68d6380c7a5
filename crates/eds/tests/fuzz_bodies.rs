//! The body of the `verify_detached` fuzz target (`fuzz/`) over random inputs
//! on stable, so that it keeps compiling and its invariants keep holding.

use housing_eds::fuzzing;
use proptest::prelude::*;

#[test]
fn the_valid_seed_and_the_unedited_signature_verify_without_tripping_the_body() {
    assert!(fuzzing::verify_detached_bytes(
        &fuzzing::seed_valid_signature()
    ));
    assert!(fuzzing::verify_detached_bytes(&[1]));
    // One flipped bit in the last byte (the RSA signature value) and it is refused.
    let seed = fuzzing::seed_valid_signature();
    let content_length = usize::from(seed[1]);
    let last = u16::try_from(seed.len() - 2 - content_length - 1).expect("a short signature");
    let [high, low] = last.to_be_bytes();
    assert!(!fuzzing::verify_detached_bytes(&[1, high, low, 0x01]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn verify_body_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = fuzzing::verify_detached_bytes(&data);
    }

    #[test]
    fn verify_body_on_edits_of_a_valid_signature(
        edits in proptest::collection::vec(any::<(u16, u8)>(), 1..6),
    ) {
        let mut data = vec![1];
        for (position, value) in edits {
            data.extend_from_slice(&position.to_be_bytes());
            data.push(value);
        }
        let _ = fuzzing::verify_detached_bytes(&data);
    }

    #[test]
    fn verify_body_on_a_truncated_valid_signature(cut in 0usize..4096) {
        let seed = fuzzing::seed_valid_signature();
        let _ = fuzzing::verify_detached_bytes(&seed[..cut.min(seed.len())]);
    }
}
