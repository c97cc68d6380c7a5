//! The gRPC adapter: the only module that knows the generated contract types.
//!
//! Requests become domain and service types here (`TryFrom`-style parsing that
//! reports every field at fault at once); stored records become responses
//! here; registry answers become `RegistryFacts` here; the requests the outbox
//! carries to intake and notification are built here. Nothing further in sees
//! a prost type.

pub mod facts;
pub mod form;
pub mod outbox;
pub mod requests;
pub mod responses;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use housing_domain::eligibility::{Register, SocialCategory};
use housing_platform::caller::Role;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;

/// A wire enum value the contract does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a value of the contract's enum")]
pub struct UnknownValue;

/// The calendar day a wire date names; `None` for an unset or impossible date.
pub fn date_from_wire(date: Option<&Date>) -> Option<NaiveDate> {
    let date = date?;
    NaiveDate::from_ymd_opt(
        date.year,
        u32::try_from(date.month).ok()?,
        u32::try_from(date.day).ok()?,
    )
}

/// The wire date of a calendar day.
pub fn date_to_wire(day: NaiveDate) -> Date {
    Date {
        year: day.year(),
        // Month and day are at most 12 and 31: they always fit.
        month: i32::try_from(day.month()).unwrap_or_default(),
        day: i32::try_from(day.day()).unwrap_or_default(),
    }
}

/// The instant a wire timestamp names; `None` when unset or out of range.
pub fn instant_from_wire(timestamp: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    let timestamp = timestamp?;
    DateTime::from_timestamp(timestamp.seconds, u32::try_from(timestamp.nanos).ok()?)
}

/// The wire timestamp of an instant.
pub fn instant_to_wire(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        // Sub-second nanoseconds are below 2·10⁹ (leap seconds): they fit.
        nanos: i32::try_from(instant.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

/// The domain category of a wire category; `None` for unspecified or unknown.
///
/// The contract's `WAR_VETERAN` ("participants and persons with disabilities of
/// the Great Patriotic War and persons equated to them") is the domain's
/// veteran of the Great Patriotic War; the domain's "equated" veteran maps back
/// to the same wire value.
pub fn category_from_wire(value: i32) -> Option<SocialCategory> {
    use common::SocialCategory as Wire;
    Some(match Wire::try_from(value).ok()? {
        Wire::Unspecified => return None,
        Wire::WarVeteran => SocialCategory::VeteranOfGreatPatrioticWar,
        Wire::CombatVeteran => SocialCategory::VeteranOfCombatOperations,
        Wire::DisabilityGroup1Or2 => SocialCategory::PersonWithDisabilityGroup1Or2,
        Wire::FamilyWithDisabledChild => SocialCategory::FamilyRaisingChildWithDisability,
        Wire::SevereChronicDisease => SocialCategory::PersonWithSevereChronicDisease,
        Wire::AgePensioner => SocialCategory::PensionerByAge,
        Wire::Orphan => SocialCategory::OrphanOrChildWithoutParentalCare,
        Wire::Kandas => SocialCategory::Kandas,
        Wire::EmergencyVictim => SocialCategory::VictimOfEmergencyOrDisaster,
        Wire::LargeFamily => SocialCategory::LargeFamily,
        Wire::FamilyOfFallen => SocialCategory::FamilyOfPersonWhoDiedOnDuty,
        Wire::SingleParentFamily => SocialCategory::SingleParentFamily,
        Wire::PublicSectorEmployee => SocialCategory::CivilServantOrPublicSectorEmployee,
    })
}

/// The wire category of a domain category.
pub fn category_to_wire(category: SocialCategory) -> common::SocialCategory {
    use common::SocialCategory as Wire;
    match category {
        SocialCategory::VeteranOfGreatPatrioticWar
        | SocialCategory::VeteranEquatedToGreatPatrioticWarVeterans => Wire::WarVeteran,
        SocialCategory::VeteranOfCombatOperations => Wire::CombatVeteran,
        SocialCategory::PersonWithDisabilityGroup1Or2 => Wire::DisabilityGroup1Or2,
        SocialCategory::FamilyRaisingChildWithDisability => Wire::FamilyWithDisabledChild,
        SocialCategory::PersonWithSevereChronicDisease => Wire::SevereChronicDisease,
        SocialCategory::PensionerByAge => Wire::AgePensioner,
        SocialCategory::OrphanOrChildWithoutParentalCare => Wire::Orphan,
        SocialCategory::Kandas => Wire::Kandas,
        SocialCategory::VictimOfEmergencyOrDisaster => Wire::EmergencyVictim,
        SocialCategory::LargeFamily => Wire::LargeFamily,
        SocialCategory::FamilyOfPersonWhoDiedOnDuty => Wire::FamilyOfFallen,
        SocialCategory::SingleParentFamily => Wire::SingleParentFamily,
        SocialCategory::CivilServantOrPublicSectorEmployee => Wire::PublicSectorEmployee,
    }
}

/// The wire register of a domain fact's source; the application form is not a register.
pub fn register_to_wire(register: Register) -> common::Register {
    use common::Register as Wire;
    match register {
        Register::ApplicationForm => Wire::Unspecified,
        Register::Identity => Wire::Identity,
        Register::Migration => Wire::Migration,
        Register::CivilStatus => Wire::CivilStatus,
        Register::AddressRegistration => Wire::Address,
        Register::RealEstate => Wire::RealEstate,
        Register::EmergencyHousing => Wire::EmergencyHousing,
        Register::CertifiedExperts => Wire::CertifiedExperts,
        Register::StateHousingUse => Wire::StateHousingUse,
        Register::UnifiedRepublicanDatabase => Wire::UnifiedRepublicanDatabase,
        Register::SocialCategories => Wire::SocialCategories,
        Register::MobileCitizens => Wire::MobileCitizens,
    }
}

/// The wire role of a caller's role.
pub fn role_to_wire(role: Role) -> common::ActorRole {
    match role {
        Role::Citizen => common::ActorRole::Citizen,
        Role::Operator => common::ActorRole::Operator,
        Role::ProviderHead => common::ActorRole::ProviderHead,
        Role::ComplaintsBody => common::ActorRole::ComplaintsBody,
        Role::Auditor => common::ActorRole::Auditor,
        Role::System => common::ActorRole::System,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_category_round_trips() {
        for value in 1..=13 {
            let category = category_from_wire(value).expect("a category");
            assert_eq!(category_to_wire(category) as i32, value);
        }
        assert_eq!(category_from_wire(0), None);
        assert_eq!(category_from_wire(99), None);
    }

    #[test]
    fn dates_and_instants_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).expect("a date");
        assert_eq!(date_from_wire(Some(&date_to_wire(day))), Some(day));
        assert_eq!(
            date_from_wire(Some(&Date {
                year: 2026,
                month: 2,
                day: 30
            })),
            None
        );
        let instant = DateTime::from_timestamp(1_776_225_600, 123_000).expect("an instant");
        assert_eq!(
            instant_from_wire(Some(&instant_to_wire(instant))),
            Some(instant)
        );
    }
}
