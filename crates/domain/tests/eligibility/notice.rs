//! DECISION_NOTICE: the channels of the notice.

use housing_domain::eligibility::notice::{NoticeChannel, channels};
use housing_domain::eligibility::{
    EmailAddress, MobileCitizensEntry, PhoneNumber, Representative, RepresentativeCapacity,
};

use crate::fixture::*;

fn with_mobile_entry(linked: bool) -> Scenario {
    let mut scenario = Scenario::clean();
    scenario.applicant_mut().mobile_citizens = Some(MobileCitizensEntry {
        number: PhoneNumber::new("+77011234567"),
        linked_to_portal_account: linked,
    });
    scenario
}

#[test]
fn decision_notice_holds_a_text_message_to_a_registered_linked_number() {
    let scenario = with_mobile_entry(true);
    assert_eq!(
        channels(&scenario.application, &scenario.facts),
        vec![
            NoticeChannel::PersonalAccount,
            NoticeChannel::TextMessage {
                number: PhoneNumber::new("+77011234567")
            }
        ]
    );
}

#[test]
fn decision_notice_fails_to_text_a_number_not_linked_to_the_portal_account() {
    let mut scenario = with_mobile_entry(false);
    // The number written on the form is unverified: never texted.
    scenario.application.contact.mobile_phone = Some(PhoneNumber::new("+77019999999"));
    assert_eq!(
        channels(&scenario.application, &scenario.facts),
        vec![NoticeChannel::PersonalAccount]
    );
}

#[test]
fn decision_notice_fails_to_text_without_a_mobile_citizens_entry_but_emails_when_given() {
    let mut scenario = Scenario::clean();
    scenario.application.contact.email = Some(EmailAddress::new("someone@example.kz"));
    assert_eq!(
        channels(&scenario.application, &scenario.facts),
        vec![
            NoticeChannel::PersonalAccount,
            NoticeChannel::Email {
                address: EmailAddress::new("someone@example.kz")
            }
        ]
    );
}

#[test]
fn decision_notice_holds_a_text_message_to_the_representative_who_files() {
    let mut scenario = with_mobile_entry(true);
    scenario.application.representative = Some(Representative {
        iin: representative(),
        capacity: RepresentativeCapacity::AuthorisedRepresentative,
    });
    scenario
        .add_person(representative(), day(1970, 1, 1))
        .mobile_citizens = Some(MobileCitizensEntry {
        number: PhoneNumber::new("+77770000000"),
        linked_to_portal_account: true,
    });
    assert_eq!(
        channels(&scenario.application, &scenario.facts),
        vec![
            NoticeChannel::PersonalAccount,
            NoticeChannel::TextMessage {
                number: PhoneNumber::new("+77770000000")
            }
        ]
    );
}
