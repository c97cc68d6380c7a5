//! The bodies of the fuzz targets (`fuzz/`) over random inputs on stable, so
//! that they keep compiling and their invariants keep holding.

use housing_domain::fuzzing;
use housing_domain::iin::check_digit;
use proptest::prelude::*;

proptest! {
    #[test]
    fn iin_body_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..32)) {
        fuzzing::iin(&data);
    }

    #[test]
    fn iin_body_on_twelve_digits(text in "[0-9]{12}") {
        fuzzing::iin(text.as_bytes());
    }

    #[test]
    fn iin_body_on_valid_iins(first in proptest::array::uniform11(0u8..10)) {
        if let Ok(check) = check_digit(&first) {
            let text: String = first
                .iter()
                .chain(std::iter::once(&check))
                .map(|digit| char::from(b'0' + digit))
                .collect();
            fuzzing::iin(text.as_bytes());
        }
    }

    #[test]
    fn iin_body_on_near_iins(text in "[0-9 a\u{0660}-\u{0669}]{10,13}") {
        fuzzing::iin(text.as_bytes());
    }
}
