//! IINs for generated persons: unique, with valid check digits.
//!
//! The usual layout: `YYMMDD` of the birth date, a digit for century and sex
//! (3/4 born 1900–1999, 5/6 born 2000–2099; odd for men), four serial digits
//! and the check digit. Generated serials run 0000–8999; 9000–9999 are left
//! to hand-written fixtures (the demo dataset uses 9xxx) so that a generated
//! population and the demo can be loaded into one database.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use housing_domain::iin::check_digit;

/// The first serial left to hand-written fixtures.
pub const RESERVED_SERIALS_FROM: u16 = 9000;

/// Hands out IINs, never the same one twice.
#[derive(Debug, Default)]
pub struct IinAllocator {
    next_serial: HashMap<(NaiveDate, u8), u16>,
}

impl IinAllocator {
    /// A unique IIN for a person born on `birth_date`, or `None` when every
    /// serial of that day and sex is taken (the caller picks another day).
    pub fn allocate(&mut self, birth_date: NaiveDate, female: bool) -> Option<String> {
        let century_digit = century_and_sex_digit(birth_date.year(), female)?;
        let serial = self
            .next_serial
            .entry((birth_date, century_digit))
            .or_insert(0);
        while *serial < RESERVED_SERIALS_FROM {
            let candidate = *serial;
            *serial += 1;
            if let Some(iin) = compose(birth_date, century_digit, candidate) {
                return Some(iin);
            }
        }
        None
    }
}

/// The seventh digit: century of birth and sex.
pub fn century_and_sex_digit(year: i32, female: bool) -> Option<u8> {
    let male_digit = match year {
        1800..=1899 => 1,
        1900..=1999 => 3,
        2000..=2099 => 5,
        _ => return None,
    };
    Some(if female { male_digit + 1 } else { male_digit })
}

/// The IIN of a birth date, century digit and serial, if a check digit exists for it.
pub fn compose(birth_date: NaiveDate, century_digit: u8, serial: u16) -> Option<String> {
    let text = format!(
        "{:02}{:02}{:02}{century_digit}{serial:04}",
        birth_date.year().rem_euclid(100),
        birth_date.month(),
        birth_date.day()
    );
    let digits: Vec<u8> = text.bytes().map(|byte| byte - b'0').collect();
    let first_eleven: [u8; 11] = digits.try_into().ok()?;
    let check = check_digit(&first_eleven).ok()?;
    Some(format!("{text}{check}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use housing_domain::Iin;

    use super::*;

    #[test]
    fn allocated_iins_are_valid_distinct_and_encode_the_birth_date() {
        let mut allocator = IinAllocator::default();
        let day = NaiveDate::from_ymd_opt(1988, 3, 14).expect("valid");
        let mut seen = HashSet::new();
        for _ in 0..500 {
            let iin = allocator.allocate(day, true).expect("serials left");
            assert!(Iin::parse(&iin).is_ok(), "{iin}");
            assert!(iin.starts_with("8803144"), "{iin}");
            assert!(seen.insert(iin));
        }
    }

    #[test]
    fn serials_run_out_before_the_reserved_range() {
        let mut allocator = IinAllocator::default();
        let day = NaiveDate::from_ymd_opt(2001, 1, 1).expect("valid");
        let mut count = 0;
        while let Some(iin) = allocator.allocate(day, false) {
            assert!(iin[7..11].parse::<u16>().expect("serial") < RESERVED_SERIALS_FROM);
            count += 1;
        }
        // Some serials have no check digit; most do.
        assert!(count > 8000 && count <= 9000, "{count}");
    }
}
