//! Whether a person's record or an expert is acceptable to the registers.
//!
//! One check for both ways data comes in, the administrative service's
//! `PutPerson` / `PutCertifiedExpert` and the fixture files, so a fixture can
//! hold nothing the API would refuse. Every violation is collected (with the
//! path of its field), not only the first. Descriptions never echo the value:
//! it may be personal data.

use chrono::NaiveDate;
use housing_domain::Iin;
use housing_domain::eligibility::{CadastralNumber, Kato};
use housing_platform::error::Violation;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::{DateInterval, SocialCategory};
use housing_proto::housing::registry::v1 as pb;

use crate::dates::to_naive;

/// The violations of a person's record; `prefix` is the path of the record in
/// the request (`person`), empty for a fixture.
pub fn person_violations(person: &pb::PersonRecord, prefix: &str) -> Vec<Violation> {
    let mut check = Checker {
        violations: Vec::new(),
    };
    let field = |name: &str| join(prefix, name);
    let own_iin = check.iin(&person.iin, &field("iin"));

    if let Some(identity) = &person.identity {
        check.identity(identity, own_iin, &field("identity"));
    }
    if let Some(migration) = &person.migration {
        for (index, status) in migration.kandas_statuses.iter().enumerate() {
            let path = format!("{}[{index}]", field("migration.kandas_statuses"));
            check.interval(status.valid.as_ref(), &join(&path, "valid"));
        }
    }
    if let Some(civil_status) = &person.civil_status {
        check.civil_status(civil_status, own_iin, &field("civil_status"));
    }
    if let Some(address) = &person.address {
        for (index, registration) in address.registrations.iter().enumerate() {
            let path = format!("{}[{index}]", field("address.registrations"));
            check.domicile_registration(registration, &path);
        }
    }
    if let Some(real_estate) = &person.real_estate {
        for (index, ownership) in real_estate.ownerships.iter().enumerate() {
            let path = format!("{}[{index}]", field("real_estate.ownerships"));
            check.ownership(ownership, &path);
        }
    }
    if let Some(emergency) = &person.emergency_housing {
        check.emergency_housing(emergency, &field("emergency_housing"));
    }
    if let Some(state_housing) = &person.state_housing_use {
        for (index, usage) in state_housing.uses.iter().enumerate() {
            let path = format!("{}[{index}]", field("state_housing_use.uses"));
            check.specified_enum::<pb::state_housing_use::Kind>(usage.kind, &join(&path, "kind"));
            if let Some(dwelling) = &usage.dwelling {
                check.dwelling(dwelling, &join(&path, "dwelling"));
            }
            check.interval(usage.period.as_ref(), &join(&path, "period"));
        }
    }
    if let Some(unified) = &person.unified_database {
        for (index, registration) in unified.registrations.iter().enumerate() {
            let path = format!("{}[{index}]", field("unified_database.registrations"));
            check.interval(registration.period.as_ref(), &join(&path, "period"));
            check.non_empty(
                &registration.local_executive_body,
                &join(&path, "local_executive_body"),
            );
            check.kato(&registration.locality_kato, &join(&path, "locality_kato"));
        }
    }
    if let Some(categories) = &person.social_categories {
        for (index, membership) in categories.memberships.iter().enumerate() {
            let path = format!("{}[{index}]", field("social_categories.memberships"));
            check.specified_enum::<SocialCategory>(membership.category, &join(&path, "category"));
            check.interval(membership.valid.as_ref(), &join(&path, "valid"));
        }
    }
    if let Some(mobile) = &person.mobile_citizen {
        check.mobile_citizen(mobile, &field("mobile_citizen"));
    }
    check.violations
}

/// The violations of a certified expert; `prefix` as for [`person_violations`].
pub fn expert_violations(expert: &pb::CertifiedExpert, prefix: &str) -> Vec<Violation> {
    let mut check = Checker {
        violations: Vec::new(),
    };
    check.identifier(
        &expert.certificate_number,
        &join(prefix, "certificate_number"),
    );
    check.non_empty(&expert.holder_name, &join(prefix, "holder_name"));
    check.interval(expert.valid.as_ref(), &join(prefix, "valid"));
    check.violations
}

/// Fills in what a caller may leave out: the identity record's IIN is the person's.
pub fn normalise_person(person: &mut pb::PersonRecord) {
    if let Some(identity) = &mut person.identity
        && identity.iin.is_empty()
    {
        identity.iin.clone_from(&person.iin);
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn violation(&mut self, field: &str, description: &str) {
        self.violations.push(Violation::new(field, description));
    }

    fn iin(&mut self, text: &str, field: &str) -> Option<Iin> {
        match Iin::parse(text) {
            Ok(iin) => Some(iin),
            Err(error) => {
                self.violation(field, &error.to_string());
                None
            }
        }
    }

    fn optional_iin(&mut self, text: &str, field: &str) -> Option<Iin> {
        if text.is_empty() {
            None
        } else {
            self.iin(text, field)
        }
    }

    fn non_empty(&mut self, text: &str, field: &str) {
        if text.trim().is_empty() {
            self.violation(field, "must not be empty");
        }
    }

    /// A register identifier (act, report or certificate number): non-empty, no whitespace.
    fn identifier(&mut self, text: &str, field: &str) {
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            self.violation(field, "must be non-empty without whitespace");
        }
    }

    fn kato(&mut self, text: &str, field: &str) {
        if let Err(error) = Kato::parse(text) {
            self.violation(field, &error.to_string());
        }
    }

    fn cadastral_number(&mut self, text: &str, field: &str) {
        if let Err(error) = CadastralNumber::parse(text) {
            self.violation(field, &error.to_string());
        }
    }

    fn required_date(&mut self, date: Option<&Date>, field: &str) -> Option<NaiveDate> {
        match date {
            None => {
                self.violation(field, "is required");
                None
            }
            Some(date) => self.date(date, field),
        }
    }

    fn optional_date(&mut self, date: Option<&Date>, field: &str) -> Option<NaiveDate> {
        date.and_then(|date| self.date(date, field))
    }

    fn date(&mut self, date: &Date, field: &str) -> Option<NaiveDate> {
        let day = to_naive(date);
        if day.is_none() {
            self.violation(field, "must be a full calendar date");
        }
        day
    }

    /// A period: its start is required, its end (if any) not before the start.
    fn interval(&mut self, interval: Option<&DateInterval>, field: &str) {
        let Some(interval) = interval else {
            self.violation(field, "is required");
            return;
        };
        let start = self.required_date(interval.start_date.as_ref(), &join(field, "start_date"));
        let end = self.optional_date(interval.end_date.as_ref(), &join(field, "end_date"));
        self.not_before(start, end, &join(field, "end_date"), "the start");
    }

    fn not_before(
        &mut self,
        earlier: Option<NaiveDate>,
        later: Option<NaiveDate>,
        field: &str,
        what: &str,
    ) {
        if let (Some(earlier), Some(later)) = (earlier, later)
            && later < earlier
        {
            self.violation(field, &format!("must not be before {what}"));
        }
    }

    /// An enumeration value the contract defines, and not `*_UNSPECIFIED`.
    fn specified_enum<E: TryFrom<i32>>(&mut self, value: i32, field: &str) {
        if value == 0 || E::try_from(value).is_err() {
            self.violation(field, "must be one of the values the contract defines");
        }
    }

    fn identity(&mut self, identity: &pb::IdentityRecord, own_iin: Option<Iin>, field: &str) {
        if !identity.iin.is_empty() && Iin::parse(&identity.iin).ok() != own_iin {
            self.violation(&join(field, "iin"), "must be the person's IIN");
        }
        self.non_empty(&identity.surname, &join(field, "surname"));
        self.non_empty(&identity.given_name, &join(field, "given_name"));
        let born = self.required_date(identity.birth_date.as_ref(), &join(field, "birth_date"));
        self.specified_enum::<pb::Sex>(identity.sex, &join(field, "sex"));
        self.specified_enum::<pb::Citizenship>(identity.citizenship, &join(field, "citizenship"));
        let died = self.optional_date(identity.death_date.as_ref(), &join(field, "death_date"));
        self.not_before(born, died, &join(field, "death_date"), "the birth date");
        if let Some(document) = &identity.document {
            let path = join(field, "document");
            self.non_empty(&document.number, &join(&path, "number"));
            self.optional_date(document.issue_date.as_ref(), &join(&path, "issue_date"));
        }
        if let Some(address) = &identity.domicile_address {
            self.kato(
                &address.locality_kato,
                &join(field, "domicile_address.locality_kato"),
            );
        }
    }

    fn civil_status(
        &mut self,
        civil_status: &pb::CivilStatusRecord,
        own_iin: Option<Iin>,
        field: &str,
    ) {
        for (index, marriage) in civil_status.marriages.iter().enumerate() {
            let path = format!("{}[{index}]", join(field, "marriages"));
            let spouse = self.iin(&marriage.spouse_iin, &join(&path, "spouse_iin"));
            if spouse.is_some() && spouse == own_iin {
                self.violation(&join(&path, "spouse_iin"), "must not be the person");
            }
            let registered = self.required_date(
                marriage.registration_date.as_ref(),
                &join(&path, "registration_date"),
            );
            let dissolved = self.optional_date(
                marriage.dissolution_date.as_ref(),
                &join(&path, "dissolution_date"),
            );
            self.not_before(
                registered,
                dissolved,
                &join(&path, "dissolution_date"),
                "the registration",
            );
        }
        for (index, birth) in civil_status.children.iter().enumerate() {
            let path = format!("{}[{index}]", join(field, "children"));
            self.iin(&birth.child_iin, &join(&path, "child_iin"));
            self.required_date(birth.birth_date.as_ref(), &join(&path, "birth_date"));
            let mother = self.optional_iin(&birth.mother_iin, &join(&path, "mother_iin"));
            let father = self.optional_iin(&birth.father_iin, &join(&path, "father_iin"));
            // The register lists the births where the person is a parent: one of
            // the parents recorded must be the person.
            if own_iin.is_some() && mother != own_iin && father != own_iin {
                self.violation(&path, "the person must be the mother or the father");
            }
        }
        if let Some(loss) = &civil_status.parental_care_loss {
            let path = join(field, "parental_care_loss");
            self.specified_enum::<pb::parental_care_loss::Kind>(loss.kind, &join(&path, "kind"));
            self.required_date(
                loss.parents_lost_date.as_ref(),
                &join(&path, "parents_lost_date"),
            );
        }
    }

    fn domicile_registration(&mut self, registration: &pb::DomicileRegistration, path: &str) {
        match &registration.address {
            Some(address) => {
                self.kato(&address.locality_kato, &join(path, "address.locality_kato"))
            }
            None => self.violation(&join(path, "address"), "is required"),
        }
        if !registration.cadastral_number.is_empty() {
            self.cadastral_number(
                &registration.cadastral_number,
                &join(path, "cadastral_number"),
            );
        }
        self.interval(registration.period.as_ref(), &join(path, "period"));
        for (index, member) in registration.household.iter().enumerate() {
            let member_path = format!("{}[{index}]", join(path, "household"));
            self.iin(&member.iin, &join(&member_path, "iin"));
            self.specified_enum::<pb::household::Relation>(
                member.relation,
                &join(&member_path, "relation"),
            );
            self.interval(member.period.as_ref(), &join(&member_path, "period"));
        }
    }

    fn dwelling(&mut self, dwelling: &pb::Dwelling, path: &str) {
        self.cadastral_number(&dwelling.cadastral_number, &join(path, "cadastral_number"));
        match &dwelling.address {
            Some(address) => {
                self.kato(&address.locality_kato, &join(path, "address.locality_kato"))
            }
            None => self.violation(&join(path, "address"), "is required"),
        }
        self.specified_enum::<pb::dwelling::Kind>(dwelling.kind, &join(path, "kind"));
    }

    fn ownership(&mut self, ownership: &pb::Ownership, path: &str) {
        match &ownership.dwelling {
            Some(dwelling) => self.dwelling(dwelling, &join(path, "dwelling")),
            None => self.violation(&join(path, "dwelling"), "is required"),
        }
        if !(0 < ownership.share_numerator
            && ownership.share_numerator <= ownership.share_denominator)
        {
            self.violation(
                &join(path, "share_numerator"),
                "a share needs 0 < numerator <= denominator",
            );
        }
        let acquired = self.required_date(
            ownership.acquired_date.as_ref(),
            &join(path, "acquired_date"),
        );
        self.specified_enum::<pb::AcquisitionBasis>(
            ownership.acquisition_basis,
            &join(path, "acquisition_basis"),
        );
        let state_mortgage =
            ownership.acquisition_basis == pb::AcquisitionBasis::StateMortgageProgramme as i32;
        if state_mortgage && ownership.state_programme.trim().is_empty() {
            self.violation(
                &join(path, "state_programme"),
                "names the programme of a state mortgage",
            );
        }
        let alienated = self.optional_date(
            ownership.alienated_date.as_ref(),
            &join(path, "alienated_date"),
        );
        self.not_before(
            acquired,
            alienated,
            &join(path, "alienated_date"),
            "the acquisition",
        );
        match (
            ownership.alienated_date.is_some(),
            ownership.alienation_basis,
        ) {
            (true, basis) => {
                self.specified_enum::<pb::AlienationBasis>(basis, &join(path, "alienation_basis"))
            }
            (false, 0) => {}
            (false, _) => self.violation(
                &join(path, "alienation_basis"),
                "is set only with an alienation date",
            ),
        }
    }

    fn emergency_housing(&mut self, emergency: &pb::EmergencyHousingRecord, field: &str) {
        for (index, recognition) in emergency.recognitions.iter().enumerate() {
            let path = format!("{}[{index}]", join(field, "recognitions"));
            self.identifier(&recognition.act_number, &join(&path, "act_number"));
            self.required_date(recognition.act_date.as_ref(), &join(&path, "act_date"));
            self.kato(&recognition.locality_kato, &join(&path, "locality_kato"));
            self.cadastral_number(
                &recognition.cadastral_number,
                &join(&path, "cadastral_number"),
            );
        }
        for (index, report) in emergency.technical_reports.iter().enumerate() {
            let path = format!("{}[{index}]", join(field, "technical_reports"));
            self.identifier(&report.report_number, &join(&path, "report_number"));
            self.identifier(
                &report.expert_certificate_number,
                &join(&path, "expert_certificate_number"),
            );
            self.required_date(report.report_date.as_ref(), &join(&path, "report_date"));
            self.cadastral_number(&report.cadastral_number, &join(&path, "cadastral_number"));
        }
    }

    fn mobile_citizen(&mut self, mobile: &pb::MobileCitizenRecord, field: &str) {
        if mobile.registered {
            let digits = mobile.phone.strip_prefix("+7");
            if !digits.is_some_and(|digits| {
                digits.len() == 10 && digits.bytes().all(|byte| byte.is_ascii_digit())
            }) {
                self.violation(&join(field, "phone"), "must be \"+7\" and 10 digits");
            }
        } else if mobile.linked_to_portal_account || !mobile.phone.is_empty() {
            self.violation(
                &join(field, "registered"),
                "a number that is linked or given must be registered",
            );
        }
    }
}

#[cfg(test)]
mod tests;
