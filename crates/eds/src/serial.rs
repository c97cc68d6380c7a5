//! Certificate serial numbers, written as hex the way the centre's contract names them.

use std::fmt;
use std::str::FromStr;

use x509_cert::serial_number::SerialNumber;

/// A certificate's serial number: a positive integer of at most 20 octets
/// (RFC 5280 §4.1.2.2), written as lowercase hex of its big-endian octets
/// without leading zero octets.
///
/// Parsing accepts either case and an even number of digits, so that a serial
/// copied from a tool that prints uppercase (openssl, grpcurl) names the same
/// certificate.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateSerialNumber(String);

/// Why a string is not a certificate serial number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateSerialNumberError {
    /// Empty, or an odd number of hex digits.
    #[error("a serial number is a non-empty, even number of hex digits")]
    Length,
    /// More than 20 octets (RFC 5280 §4.1.2.2).
    #[error("a serial number has at most 20 octets (40 hex digits)")]
    TooLong,
    /// A character other than 0-9, a-f, A-F.
    #[error("a serial number has only the hex digits 0-9 and a-f")]
    NotHex,
    /// Zero, or a leading zero octet: not the canonical form of a positive integer.
    #[error("a serial number is a positive integer without leading zero octets")]
    NotCanonical,
}

/// The most octets a conforming serial number has (RFC 5280 §4.1.2.2).
const MAXIMUM_SERIAL_NUMBER_OCTETS: usize = 20;

impl CertificateSerialNumber {
    /// Parses the hex form, in either case.
    pub fn parse(text: &str) -> Result<Self, CertificateSerialNumberError> {
        if text.is_empty() || text.len() % 2 != 0 {
            return Err(CertificateSerialNumberError::Length);
        }
        if text.len() > MAXIMUM_SERIAL_NUMBER_OCTETS * 2 {
            return Err(CertificateSerialNumberError::TooLong);
        }
        let octets = hex::decode(text).map_err(|_| CertificateSerialNumberError::NotHex)?;
        if octets[0] == 0 {
            return Err(CertificateSerialNumberError::NotCanonical);
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    /// The serial number of a certificate.
    ///
    /// `SerialNumber::as_bytes` is the two's-complement encoding, so a serial
    /// whose top bit is set carries a leading zero octet for the sign: that
    /// octet is not part of the number and is dropped here.
    pub(crate) fn of_certificate(serial_number: &SerialNumber) -> Self {
        let octets = serial_number.as_bytes();
        let first_significant = octets
            .iter()
            .position(|octet| *octet != 0)
            .unwrap_or(octets.len().saturating_sub(1));
        Self(hex::encode(&octets[first_significant..]))
    }

    /// The lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateSerialNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl fmt::Debug for CertificateSerialNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "CertificateSerialNumber({})", self.0)
    }
}

impl FromStr for CertificateSerialNumber {
    type Err = CertificateSerialNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_lowercases_and_keeps_the_digits() {
        let serial = CertificateSerialNumber::parse("4A0bFF").expect("valid");
        assert_eq!(serial.as_str(), "4a0bff");
        assert_eq!(serial.to_string(), "4a0bff");
    }

    #[test]
    fn malformed_serials_are_rejected_with_their_reason() {
        use CertificateSerialNumberError as E;
        assert_eq!(CertificateSerialNumber::parse(""), Err(E::Length));
        assert_eq!(CertificateSerialNumber::parse("abc"), Err(E::Length));
        assert_eq!(CertificateSerialNumber::parse("zz"), Err(E::NotHex));
        assert_eq!(CertificateSerialNumber::parse("00ff"), Err(E::NotCanonical));
        assert_eq!(
            CertificateSerialNumber::parse(&"11".repeat(21)),
            Err(E::TooLong)
        );
    }

    #[test]
    fn the_sign_octet_of_a_certificate_serial_is_not_part_of_the_number() {
        let with_top_bit = SerialNumber::new(&[0x80, 0x01]).expect("serial");
        assert_eq!(
            CertificateSerialNumber::of_certificate(&with_top_bit).as_str(),
            "8001"
        );
        let without_top_bit = SerialNumber::new(&[0x7f, 0x01]).expect("serial");
        assert_eq!(
            CertificateSerialNumber::of_certificate(&without_top_bit).as_str(),
            "7f01"
        );
    }
}
