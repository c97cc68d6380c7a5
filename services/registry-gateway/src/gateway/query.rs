//! Queries as the gateway accepts them: parsed from the wire, every field at
//! fault reported at once (parse, don't validate).

use std::collections::HashSet;

use chrono::NaiveDate;
use housing_domain::Iin;
use housing_platform::error::Violation;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1::QueryRegistersRequest;

use super::error::GatewayError;
use crate::dates::to_naive;

/// Most persons in one `QueryRegisters` (the contract's limit).
pub const MAX_PERSONS_PER_QUERY: usize = 50;
/// Most expert certificates in one `QueryRegisters`.
pub const MAX_EXPERTS_PER_QUERY: usize = 50;

/// The registers of persons, in the contract's order: what an empty
/// `registers` list in `QueryRegisters` asks for.
pub const PERSON_REGISTERS: [Register; 10] = [
    Register::Identity,
    Register::Migration,
    Register::CivilStatus,
    Register::Address,
    Register::RealEstate,
    Register::EmergencyHousing,
    Register::StateHousingUse,
    Register::UnifiedRepublicanDatabase,
    Register::SocialCategories,
    Register::MobileCitizens,
];

/// A query about one person as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonQuery {
    /// The person.
    pub iin: Iin,
    /// The day.
    pub as_of: NaiveDate,
}

impl PersonQuery {
    /// Parses the two fields every single-register request has.
    pub fn parse(iin: &str, as_of: Option<&Date>) -> Result<Self, GatewayError> {
        let mut violations = Vec::new();
        let iin = parse_iin(iin, "iin", &mut violations);
        let as_of = parse_as_of(as_of, &mut violations);
        match (iin, as_of) {
            (Some(iin), Some(as_of)) if violations.is_empty() => Ok(Self { iin, as_of }),
            _ => Err(GatewayError::InvalidQuery(violations)),
        }
    }
}

/// A query about one expert certificate as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertQuery {
    /// The certificate number.
    pub certificate_number: String,
    /// The day.
    pub as_of: NaiveDate,
}

impl ExpertQuery {
    /// Parses a `GetCertifiedExpert` request's fields.
    pub fn parse(certificate_number: &str, as_of: Option<&Date>) -> Result<Self, GatewayError> {
        let mut violations = Vec::new();
        check_certificate_number(certificate_number, "certificate_number", &mut violations);
        let as_of = parse_as_of(as_of, &mut violations);
        match as_of {
            Some(as_of) if violations.is_empty() => Ok(Self {
                certificate_number: certificate_number.to_owned(),
                as_of,
            }),
            _ => Err(GatewayError::InvalidQuery(violations)),
        }
    }
}

/// A `QueryRegisters` request: several persons, several registers, experts, one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyQuery {
    /// The persons, in the order asked.
    pub iins: Vec<Iin>,
    /// The registers, in the order asked (all of [`PERSON_REGISTERS`] when none were named).
    pub registers: Vec<Register>,
    /// The day.
    pub as_of: NaiveDate,
    /// Expert certificates, in the order asked.
    pub expert_certificate_numbers: Vec<String>,
}

impl FamilyQuery {
    /// Parses a `QueryRegisters` request.
    pub fn parse(request: &QueryRegistersRequest) -> Result<Self, GatewayError> {
        let mut violations = Vec::new();
        if request.iins.is_empty() && request.expert_certificate_numbers.is_empty() {
            violations.push(Violation::new(
                "iins",
                "ask about at least one person or one expert certificate",
            ));
        }
        if request.iins.len() > MAX_PERSONS_PER_QUERY {
            violations.push(Violation::new(
                "iins",
                format!("at most {MAX_PERSONS_PER_QUERY} persons per query"),
            ));
        }
        let mut seen_iins = HashSet::new();
        let mut iins = Vec::with_capacity(request.iins.len());
        for (index, text) in request.iins.iter().enumerate() {
            let field = format!("iins[{index}]");
            if let Some(iin) = parse_iin(text, &field, &mut violations) {
                if seen_iins.insert(iin) {
                    iins.push(iin);
                } else {
                    violations.push(Violation::new(field, "the person is listed twice"));
                }
            }
        }

        let mut registers = Vec::with_capacity(request.registers.len());
        for (index, number) in request.registers.iter().enumerate() {
            let field = format!("registers[{index}]");
            match Register::try_from(*number) {
                Ok(register) if PERSON_REGISTERS.contains(&register) => {
                    if registers.contains(&register) {
                        violations.push(Violation::new(field, "the register is listed twice"));
                    } else {
                        registers.push(register);
                    }
                }
                _ => violations.push(Violation::new(
                    field,
                    "must be a register of persons (not the certified experts, the \
                     certification centre or unspecified)",
                )),
            }
        }
        if registers.is_empty() {
            registers = PERSON_REGISTERS.to_vec();
        }

        if request.expert_certificate_numbers.len() > MAX_EXPERTS_PER_QUERY {
            violations.push(Violation::new(
                "expert_certificate_numbers",
                format!("at most {MAX_EXPERTS_PER_QUERY} certificates per query"),
            ));
        }
        let mut seen_certificates = HashSet::new();
        for (index, number) in request.expert_certificate_numbers.iter().enumerate() {
            let field = format!("expert_certificate_numbers[{index}]");
            if check_certificate_number(number, &field, &mut violations)
                && !seen_certificates.insert(number.as_str())
            {
                violations.push(Violation::new(field, "the certificate is listed twice"));
            }
        }
        let as_of = parse_as_of(request.as_of_date.as_ref(), &mut violations);
        match as_of {
            Some(as_of) if violations.is_empty() => Ok(Self {
                iins,
                registers,
                as_of,
                expert_certificate_numbers: request.expert_certificate_numbers.clone(),
            }),
            _ => Err(GatewayError::InvalidQuery(violations)),
        }
    }
}

/// The registers a `QueryRegisters` request touches, for the query log:
/// whatever it names validly (all of them when none), plus the certified
/// experts when it asks about certificates. Computed even for a refused request.
pub fn registers_touched(request: &QueryRegistersRequest) -> Vec<Register> {
    let mut touched: Vec<Register> = request
        .registers
        .iter()
        .filter_map(|number| Register::try_from(*number).ok())
        .filter(|register| PERSON_REGISTERS.contains(register))
        .collect();
    if touched.is_empty() && !request.iins.is_empty() {
        touched = PERSON_REGISTERS.to_vec();
    }
    if !request.expert_certificate_numbers.is_empty() {
        touched.push(Register::CertifiedExperts);
    }
    touched.sort_unstable();
    touched.dedup();
    touched
}

fn parse_iin(text: &str, field: &str, violations: &mut Vec<Violation>) -> Option<Iin> {
    match Iin::parse(text) {
        Ok(iin) => Some(iin),
        Err(error) => {
            // The description says what is wrong, never echoes the number.
            violations.push(Violation::new(field, error.to_string()));
            None
        }
    }
}

fn parse_as_of(date: Option<&Date>, violations: &mut Vec<Violation>) -> Option<NaiveDate> {
    let day = date.and_then(to_naive);
    if day.is_none() {
        violations.push(Violation::new(
            "as_of_date",
            "a full calendar date (year, month and day) is required",
        ));
    }
    day
}

fn check_certificate_number(number: &str, field: &str, violations: &mut Vec<Violation>) -> bool {
    let valid =
        !number.is_empty() && number.len() <= 64 && !number.chars().any(char::is_whitespace);
    if !valid {
        violations.push(Violation::new(
            field,
            "a certificate number is 1 to 64 characters without whitespace",
        ));
    }
    valid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::from_naive;

    const IIN: &str = "900101300126";
    const OTHER_IIN: &str = "000000000101";

    fn as_of() -> Option<Date> {
        Some(from_naive(
            NaiveDate::from_ymd_opt(2026, 4, 15).expect("valid"),
        ))
    }

    fn violations(error: GatewayError) -> Vec<String> {
        match error {
            GatewayError::InvalidQuery(violations) => violations
                .into_iter()
                .map(|violation| violation.field)
                .collect(),
            other => panic!("expected an invalid query, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_register_list_asks_every_register_of_persons() {
        let query = FamilyQuery::parse(&QueryRegistersRequest {
            iins: vec![IIN.to_owned(), OTHER_IIN.to_owned()],
            registers: Vec::new(),
            as_of_date: as_of(),
            expert_certificate_numbers: Vec::new(),
        })
        .expect("valid");
        assert_eq!(query.iins.len(), 2);
        assert_eq!(query.registers, PERSON_REGISTERS);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let error = FamilyQuery::parse(&QueryRegistersRequest {
            iins: vec![IIN.to_owned(), "900101300125".to_owned(), IIN.to_owned()],
            registers: vec![
                Register::Identity as i32,
                Register::CertifiedExperts as i32,
                99,
                Register::Identity as i32,
            ],
            as_of_date: None,
            expert_certificate_numbers: vec![String::new()],
        })
        .expect_err("invalid");
        assert_eq!(
            violations(error),
            [
                "iins[1]",
                "iins[2]",
                "registers[1]",
                "registers[2]",
                "registers[3]",
                "expert_certificate_numbers[0]",
                "as_of_date"
            ]
        );
    }

    #[test]
    fn too_many_persons_are_refused() {
        let error = FamilyQuery::parse(&QueryRegistersRequest {
            iins: vec![IIN.to_owned(); MAX_PERSONS_PER_QUERY + 1],
            as_of_date: as_of(),
            ..Default::default()
        })
        .expect_err("too many");
        assert!(violations(error).contains(&"iins".to_owned()));
    }

    #[test]
    fn the_log_names_the_registers_touched_even_when_refused() {
        let request = QueryRegistersRequest {
            iins: vec!["bad".to_owned()],
            registers: vec![Register::RealEstate as i32, 99],
            as_of_date: None,
            expert_certificate_numbers: vec!["E-1".to_owned()],
        };
        assert_eq!(
            registers_touched(&request),
            [Register::RealEstate, Register::CertifiedExperts]
        );
    }

    #[test]
    fn a_single_query_needs_an_iin_and_a_day() {
        assert!(PersonQuery::parse(IIN, as_of().as_ref()).is_ok());
        assert_eq!(
            violations(PersonQuery::parse("12", None).expect_err("invalid")),
            ["iin", "as_of_date"]
        );
    }
}
