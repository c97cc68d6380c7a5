//! Instants between chrono and ASN.1.
//!
//! X.509 and CMS times have whole seconds only, so an instant written into a
//! certificate or a signature loses its fraction of a second.

use std::time::Duration;

use chrono::{DateTime, Utc};
use der::asn1::{GeneralizedTime, UtcTime};
use x509_cert::time::Time;

/// An instant that ASN.1 times cannot hold: before 1970 or after 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the instant is outside the years 1970 to 9999 that certificates and signatures can hold")]
pub struct InstantOutOfRange;

/// The instant as an X.509 / CMS `Time`: `UTCTime` up to 2049 and
/// `GeneralizedTime` from 2050, as RFC 5280 §4.1.2.5 and RFC 5652 §11.3 demand.
pub(crate) fn asn1_time_from_utc(instant: DateTime<Utc>) -> Result<Time, InstantOutOfRange> {
    let seconds_since_epoch = u64::try_from(instant.timestamp()).map_err(|_| InstantOutOfRange)?;
    let date_time = der::DateTime::from_unix_duration(Duration::from_secs(seconds_since_epoch))
        .map_err(|_| InstantOutOfRange)?;
    if date_time.year() <= UtcTime::MAX_YEAR {
        UtcTime::from_date_time(date_time)
            .map(Time::UtcTime)
            .map_err(|_| InstantOutOfRange)
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(
            date_time,
        )))
    }
}

/// The instant an X.509 / CMS `Time` names.
pub(crate) fn utc_from_asn1_time(time: &Time) -> DateTime<Utc> {
    let since_epoch = time.to_unix_duration();
    let seconds = i64::try_from(since_epoch.as_secs())
        .expect("an ASN.1 time (years 1970 to 9999) fits in i64 seconds");
    DateTime::from_timestamp(seconds, 0)
        .expect("an ASN.1 time (years 1970 to 9999) is within chrono's range")
}

#[cfg(test)]
mod tests {
    use chrono::{SubsecRound, TimeZone};

    use super::*;

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
            .single()
            .expect("a valid instant")
    }

    #[test]
    fn years_up_to_2049_are_utc_time_and_later_years_generalized_time() {
        let in_2049 = utc(2049, 12, 31, 23, 59, 59);
        let in_2050 = utc(2050, 1, 1, 0, 0, 0);
        assert!(matches!(asn1_time_from_utc(in_2049), Ok(Time::UtcTime(_))));
        assert!(matches!(
            asn1_time_from_utc(in_2050),
            Ok(Time::GeneralTime(_))
        ));
    }

    #[test]
    fn instants_round_trip_to_the_second() {
        let instant = utc(2025, 5, 24, 9, 30, 15) + chrono::TimeDelta::milliseconds(750);
        let time = asn1_time_from_utc(instant).expect("in range");
        assert_eq!(utc_from_asn1_time(&time), instant.trunc_subsecs(0));
    }

    #[test]
    fn instants_before_1970_are_out_of_range() {
        let in_1969 = utc(1969, 12, 31, 23, 59, 59);
        assert_eq!(asn1_time_from_utc(in_1969), Err(InstantOutOfRange));
    }
}
