//! The subject of a person's certificate: `CN=<name>, SERIALNUMBER=IIN<12 digits>, C=KZ`.
//!
//! The centre writes the holder's IIN into the `serialNumber` attribute
//! (2.5.4.5) of the subject, prefixed with `IIN`. That attribute, and nothing
//! else in the certificate, says whom a signature binds.

use der::asn1::{Any, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Tag, Tagged};
use housing_domain::Iin;
use housing_domain::iin::IinError;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::oid;

/// The prefix of the subject `serialNumber` of a person's certificate.
const IIN_PREFIX: &str = "IIN";

/// Why the subject does not name a person by IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubjectIinError {
    /// No `serialNumber` attribute, or one that is not `IIN` + digits.
    Missing,
    /// More than one `serialNumber` attribute: the subject names no one person.
    Ambiguous,
    /// `IIN` followed by something that is not a valid IIN.
    Invalid(IinError),
}

/// The IIN the subject names in `SERIALNUMBER=IIN<12 digits>`.
pub(crate) fn iin_of_subject(subject: &Name) -> Result<Iin, SubjectIinError> {
    let mut serial_numbers = subject
        .0
        .iter()
        .flat_map(|relative_name| relative_name.0.iter())
        .filter(|attribute| attribute.oid == oid::SUBJECT_SERIAL_NUMBER);
    let serial_number = serial_numbers.next().ok_or(SubjectIinError::Missing)?;
    if serial_numbers.next().is_some() {
        return Err(SubjectIinError::Ambiguous);
    }
    let text = directory_string_text(&serial_number.value).ok_or(SubjectIinError::Missing)?;
    let digits = text
        .strip_prefix(IIN_PREFIX)
        .ok_or(SubjectIinError::Missing)?;
    Iin::parse(digits).map_err(SubjectIinError::Invalid)
}

/// The text of a `DirectoryString`-like attribute value, for the string types
/// certification centres write (PrintableString, UTF8String, IA5String).
fn directory_string_text(value: &Any) -> Option<&str> {
    match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String => {
            std::str::from_utf8(value.value()).ok()
        }
        _ => None,
    }
}

/// The subject of a person's certificate, in the centre's attribute order.
/// The name is a UTF8String (Kazakh and Russian names are Cyrillic); the
/// serial number and country are PrintableStrings.
pub(crate) fn person_subject(common_name: &str, iin: &Iin) -> der::Result<Name> {
    let serial_number = format!("{IIN_PREFIX}{}", iin.as_str());
    Ok(RdnSequence(vec![
        single_attribute_name(
            oid::COMMON_NAME,
            Any::from(Utf8StringRef::new(common_name)?),
        )?,
        single_attribute_name(
            oid::SUBJECT_SERIAL_NUMBER,
            Any::from(PrintableStringRef::new(&serial_number)?),
        )?,
        country_kazakhstan()?,
    ]))
}

/// The subject (and issuer) of the test root: `CN=<name>, C=KZ`.
pub(crate) fn authority_subject(common_name: &str) -> der::Result<Name> {
    Ok(RdnSequence(vec![
        single_attribute_name(
            oid::COMMON_NAME,
            Any::from(Utf8StringRef::new(common_name)?),
        )?,
        country_kazakhstan()?,
    ]))
}

fn country_kazakhstan() -> der::Result<RelativeDistinguishedName> {
    single_attribute_name(oid::COUNTRY_NAME, Any::from(PrintableStringRef::new("KZ")?))
}

fn single_attribute_name(
    attribute_type: der::asn1::ObjectIdentifier,
    value: Any,
) -> der::Result<RelativeDistinguishedName> {
    let mut attributes = SetOfVec::new();
    attributes.insert(AttributeTypeAndValue {
        oid: attribute_type,
        value,
    })?;
    Ok(RelativeDistinguishedName(attributes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iin() -> Iin {
        Iin::parse("900101300017").expect("a valid IIN")
    }

    #[test]
    fn the_iin_of_a_person_subject_reads_back() {
        let subject = person_subject("ТЕСТОВ ТЕСТ", &iin()).expect("subject");
        assert_eq!(iin_of_subject(&subject), Ok(iin()));
    }

    #[test]
    fn a_subject_without_a_serial_number_names_no_one() {
        let subject = authority_subject("Test root").expect("subject");
        assert_eq!(iin_of_subject(&subject), Err(SubjectIinError::Missing));
    }

    #[test]
    fn a_serial_number_without_the_iin_prefix_names_no_one() {
        let subject = RdnSequence(vec![
            single_attribute_name(
                oid::SUBJECT_SERIAL_NUMBER,
                Any::from(PrintableStringRef::new("BIN900101300017").expect("printable")),
            )
            .expect("name"),
        ]);
        assert_eq!(iin_of_subject(&subject), Err(SubjectIinError::Missing));
    }

    #[test]
    fn an_iin_with_a_wrong_check_digit_is_invalid() {
        let subject = RdnSequence(vec![
            single_attribute_name(
                oid::SUBJECT_SERIAL_NUMBER,
                Any::from(PrintableStringRef::new("IIN900101300016").expect("printable")),
            )
            .expect("name"),
        ]);
        assert_eq!(
            iin_of_subject(&subject),
            Err(SubjectIinError::Invalid(IinError::CheckDigit))
        );
    }

    #[test]
    fn two_serial_numbers_are_ambiguous() {
        let mut subject = person_subject("A", &iin()).expect("subject");
        subject.0.push(
            single_attribute_name(
                oid::SUBJECT_SERIAL_NUMBER,
                Any::from(PrintableStringRef::new("IIN900101300017").expect("printable")),
            )
            .expect("name"),
        );
        assert_eq!(iin_of_subject(&subject), Err(SubjectIinError::Ambiguous));
    }
}
