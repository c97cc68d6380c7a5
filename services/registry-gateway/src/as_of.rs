//! "As of" a day: the registers' answers as they stood at the end of that day.
//!
//! The store keeps each person's whole history; this module cuts it at the
//! day asked, the same way for every register (docs/registry-gateway.md, "As of"):
//!
//! * a fact that starts after the day (a period's start, a marriage's
//!   registration, a birth, an acquisition, an act or report date) is not
//!   visible: the register did not know it yet;
//! * an end after the day (a period's end, a dissolution, an alienation, a
//!   death) is not visible either: on that day the fact was still in effect,
//!   so it is shown open;
//! * a person born after the day is unknown to every register;
//! * a register answers "not found" when nothing of it is visible.

use chrono::NaiveDate;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::{DateInterval, Register};
use housing_proto::housing::registry::v1 as pb;
use pb::register_answer::Record;

use crate::dates::to_naive;

/// What `register` answers about `person` as of the end of `day`; `None` is "not found".
pub fn register_answer(
    person: &pb::PersonRecord,
    register: Register,
    day: NaiveDate,
) -> Option<Record> {
    if !born_by(person, day) {
        return None;
    }
    match register {
        Register::Identity => identity(person, day).map(Record::Identity),
        Register::Migration => migration(person, day).map(Record::Migration),
        Register::CivilStatus => civil_status(person, day).map(Record::CivilStatus),
        Register::Address => address(person, day).map(Record::Address),
        Register::RealEstate => real_estate(person, day).map(Record::RealEstate),
        Register::EmergencyHousing => emergency_housing(person, day).map(Record::EmergencyHousing),
        Register::StateHousingUse => state_housing_use(person, day).map(Record::StateHousingUse),
        Register::UnifiedRepublicanDatabase => {
            unified_database(person, day).map(Record::UnifiedDatabase)
        }
        Register::SocialCategories => social_categories(person, day).map(Record::SocialCategories),
        Register::MobileCitizens => mobile_citizen(person).map(Record::MobileCitizen),
        // Not registers of persons: answered elsewhere, or not by this gateway.
        Register::Unspecified | Register::CertifiedExperts | Register::CertificationCentre => None,
    }
}

/// The certified-experts register's entry as of the end of `day`: unknown
/// before the certificate's first day, open while valid on that day.
pub fn certified_expert(
    expert: &pb::CertifiedExpert,
    day: NaiveDate,
) -> Option<pb::CertifiedExpert> {
    let valid = interval(expert.valid.as_ref(), day)?;
    Some(pb::CertifiedExpert {
        valid: Some(valid),
        ..expert.clone()
    })
}

/// Whether the person was born by `day`. A person the identity register does
/// not know has no birth date to go by: their other records are cut by their own dates.
fn born_by(person: &pb::PersonRecord, day: NaiveDate) -> bool {
    person
        .identity
        .as_ref()
        .is_none_or(|identity| started_by(identity.birth_date.as_ref(), day))
}

/// Whether a fact dated `date` is known at the end of `day`. A missing date
/// (which validation refuses) counts as unknown: better "not found" than a
/// fact of unknown time.
fn started_by(date: Option<&Date>, day: NaiveDate) -> bool {
    date.and_then(to_naive).is_some_and(|date| date <= day)
}

/// An end as known at the end of `day`: kept when on or before it, otherwise open.
fn end_by(end: Option<&Date>, day: NaiveDate) -> Option<Date> {
    end.filter(|end| started_by(Some(end), day)).copied()
}

/// A period as known at the end of `day`; `None` when it had not started.
fn interval(period: Option<&DateInterval>, day: NaiveDate) -> Option<DateInterval> {
    let period = period?;
    started_by(period.start_date.as_ref(), day).then(|| DateInterval {
        start_date: period.start_date,
        end_date: end_by(period.end_date.as_ref(), day),
    })
}

fn non_empty<T>(list: Vec<T>) -> Option<Vec<T>> {
    (!list.is_empty()).then_some(list)
}

fn identity(person: &pb::PersonRecord, day: NaiveDate) -> Option<pb::IdentityRecord> {
    let identity = person.identity.as_ref()?;
    let document = identity
        .document
        .as_ref()
        .filter(|document| {
            // A document issued later is not the one the person held on that
            // day, and the register keeps no earlier one.
            document
                .issue_date
                .as_ref()
                .is_none_or(|issued| started_by(Some(issued), day))
        })
        .cloned();
    Some(pb::IdentityRecord {
        death_date: end_by(identity.death_date.as_ref(), day),
        document,
        domicile_address: domicile_address(person, identity, day),
        ..identity.clone()
    })
}

/// The identity record's domicile address on `day`: the address of the
/// domicile registration covering that day when the address register has a
/// history for the person (the latest such registration if several), none
/// when the history has a gap there; the stored address when there is no history.
fn domicile_address(
    person: &pb::PersonRecord,
    identity: &pb::IdentityRecord,
    day: NaiveDate,
) -> Option<pb::Address> {
    let registrations = person
        .address
        .as_ref()
        .map(|address| address.registrations.as_slice())
        .unwrap_or_default();
    if registrations.is_empty() {
        return identity.domicile_address.clone();
    }
    registrations
        .iter()
        .filter(|registration| {
            registration.period.as_ref().is_some_and(|period| {
                started_by(period.start_date.as_ref(), day)
                    && period
                        .end_date
                        .as_ref()
                        .and_then(to_naive)
                        .is_none_or(|last| day <= last)
            })
        })
        .max_by_key(|registration| {
            registration
                .period
                .as_ref()
                .and_then(|period| period.start_date.as_ref())
                .and_then(to_naive)
        })
        .and_then(|registration| registration.address.clone())
}

fn migration(person: &pb::PersonRecord, day: NaiveDate) -> Option<pb::MigrationRecord> {
    let statuses = person
        .migration
        .as_ref()?
        .kandas_statuses
        .iter()
        .filter_map(|status| {
            Some(pb::KandasStatus {
                valid: Some(interval(status.valid.as_ref(), day)?),
                ..status.clone()
            })
        })
        .collect();
    Some(pb::MigrationRecord {
        kandas_statuses: non_empty(statuses)?,
    })
}

fn civil_status(person: &pb::PersonRecord, day: NaiveDate) -> Option<pb::CivilStatusRecord> {
    let record = person.civil_status.as_ref()?;
    let marriages: Vec<pb::Marriage> = record
        .marriages
        .iter()
        .filter(|marriage| started_by(marriage.registration_date.as_ref(), day))
        .map(|marriage| pb::Marriage {
            dissolution_date: end_by(marriage.dissolution_date.as_ref(), day),
            ..marriage.clone()
        })
        .collect();
    let children: Vec<pb::Birth> = record
        .children
        .iter()
        .filter(|birth| started_by(birth.birth_date.as_ref(), day))
        .cloned()
        .collect();
    let parental_care_loss = record
        .parental_care_loss
        .filter(|loss| started_by(loss.parents_lost_date.as_ref(), day));
    if marriages.is_empty() && children.is_empty() && parental_care_loss.is_none() {
        return None;
    }
    Some(pb::CivilStatusRecord {
        marriages,
        children,
        parental_care_loss,
    })
}

fn address(person: &pb::PersonRecord, day: NaiveDate) -> Option<pb::AddressRecord> {
    let mut registrations: Vec<pb::DomicileRegistration> = person
        .address
        .as_ref()?
        .registrations
        .iter()
        .filter_map(|registration| {
            let period = interval(registration.period.as_ref(), day)?;
            let household = registration
                .household
                .iter()
                .filter_map(|member| {
                    Some(pb::Household {
                        period: Some(interval(member.period.as_ref(), day)?),
                        ..member.clone()
                    })
                })
                .collect();
            Some(pb::DomicileRegistration {
                period: Some(period),
                household,
                ..registration.clone()
            })
        })
        .collect();
    // The contract promises oldest first, whatever order the data came in.
    registrations.sort_by_key(|registration| {
        registration
            .period
            .as_ref()
            .and_then(|period| period.start_date.as_ref())
            .and_then(to_naive)
    });
    Some(pb::AddressRecord {
        registrations: non_empty(registrations)?,
    })
}

fn real_estate(person: &pb::PersonRecord, day: NaiveDate) -> Option<pb::RealEstateRecord> {
    let ownerships = person
        .real_estate
        .as_ref()?
        .ownerships
        .iter()
        .filter(|ownership| started_by(ownership.acquired_date.as_ref(), day))
        .map(|ownership| match &ownership.alienated_date {
            Some(alienated) if !started_by(Some(alienated), day) => {
                // Still owned on that day: the alienation, and whatever was found
                // about it (habitability, fault in a destruction), was not known yet.
                pb::Ownership {
                    alienated_date: None,
                    alienation_basis: pb::AlienationBasis::Unspecified as i32,
                    habitable_at_alienation: false,
                    owner_at_fault: false,
                    ..ownership.clone()
                }
            }
            _ => ownership.clone(),
        })
        .collect();
    Some(pb::RealEstateRecord {
        ownerships: non_empty(ownerships)?,
    })
}

fn emergency_housing(
    person: &pb::PersonRecord,
    day: NaiveDate,
) -> Option<pb::EmergencyHousingRecord> {
    let record = person.emergency_housing.as_ref()?;
    let recognitions: Vec<pb::EmergencyRecognition> = record
        .recognitions
        .iter()
        .filter(|recognition| started_by(recognition.act_date.as_ref(), day))
        .cloned()
        .collect();
    let technical_reports: Vec<pb::TechnicalReportEntry> = record
        .technical_reports
        .iter()
        .filter(|report| started_by(report.report_date.as_ref(), day))
        .cloned()
        .collect();
    if recognitions.is_empty() && technical_reports.is_empty() {
        return None;
    }
    Some(pb::EmergencyHousingRecord {
        recognitions,
        technical_reports,
    })
}

fn state_housing_use(
    person: &pb::PersonRecord,
    day: NaiveDate,
) -> Option<pb::StateHousingUseRecord> {
    let uses = person
        .state_housing_use
        .as_ref()?
        .uses
        .iter()
        .filter_map(|usage| {
            Some(pb::StateHousingUse {
                period: Some(interval(usage.period.as_ref(), day)?),
                ..usage.clone()
            })
        })
        .collect();
    Some(pb::StateHousingUseRecord {
        uses: non_empty(uses)?,
    })
}

fn unified_database(
    person: &pb::PersonRecord,
    day: NaiveDate,
) -> Option<pb::UnifiedRepublicanDatabaseRecord> {
    let registrations = person
        .unified_database
        .as_ref()?
        .registrations
        .iter()
        .filter_map(|registration| {
            Some(pb::UnifiedRegistration {
                period: Some(interval(registration.period.as_ref(), day)?),
                ..registration.clone()
            })
        })
        .collect();
    Some(pb::UnifiedRepublicanDatabaseRecord {
        registrations: non_empty(registrations)?,
    })
}

fn social_categories(
    person: &pb::PersonRecord,
    day: NaiveDate,
) -> Option<pb::SocialCategoryRecord> {
    let memberships = person
        .social_categories
        .as_ref()?
        .memberships
        .iter()
        .filter_map(|membership| {
            Some(pb::SocialCategoryMembership {
                valid: Some(interval(membership.valid.as_ref(), day)?),
                ..membership.clone()
            })
        })
        .collect();
    Some(pb::SocialCategoryRecord {
        memberships: non_empty(memberships)?,
    })
}

/// The mobile citizens database keeps no dates: a registered number is
/// answered whatever the day (the contract has no history of it).
fn mobile_citizen(person: &pb::PersonRecord) -> Option<pb::MobileCitizenRecord> {
    person
        .mobile_citizen
        .as_ref()
        .filter(|mobile| mobile.registered)
        .cloned()
}

#[cfg(test)]
mod tests;
