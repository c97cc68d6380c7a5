//! SIGNED_WITH_EDS: the signer certificate check at intake.

use chrono::{DateTime, Duration, Utc};
use housing_domain::eligibility::eds::{
    KeyUsage, RevocationStatus, SignerCertificate, SignerRejected, check_signer,
};
use housing_domain::eligibility::{Representative, RepresentativeCapacity};

use crate::fixture::*;

fn signed_at() -> DateTime<Utc> {
    submitted_at()
}

fn certificate_of(iin: housing_domain::Iin) -> SignerCertificate {
    SignerCertificate {
        subject_iin: iin,
        key_usage: KeyUsage::SIGNING,
        valid_from: signed_at() - Duration::days(300),
        valid_to: signed_at() + Duration::days(65),
        revocation: RevocationStatus::Good,
        chains_to_trusted_root: true,
    }
}

fn represented() -> Scenario {
    let mut scenario = Scenario::clean();
    scenario.application.representative = Some(Representative {
        iin: representative(),
        capacity: RepresentativeCapacity::AuthorisedRepresentative,
    });
    scenario
}

#[test]
fn signed_with_eds_holds_for_the_applicants_signing_key() {
    let scenario = Scenario::clean();
    assert_eq!(
        check_signer(
            &certificate_of(applicant()),
            signed_at(),
            &scenario.application
        ),
        Ok(())
    );
}

#[test]
fn signed_with_eds_holds_for_the_representatives_key_when_a_representative_files() {
    let scenario = represented();
    assert_eq!(
        check_signer(
            &certificate_of(representative()),
            signed_at(),
            &scenario.application
        ),
        Ok(())
    );
}

#[test]
fn signed_with_eds_holds_at_the_last_instant_of_validity() {
    let mut certificate = certificate_of(applicant());
    certificate.valid_to = signed_at();
    assert_eq!(
        check_signer(&certificate, signed_at(), &Scenario::clean().application),
        Ok(())
    );
}

#[test]
fn signed_with_eds_fails_with_an_authentication_key() {
    let mut certificate = certificate_of(applicant());
    certificate.key_usage = KeyUsage::AUTHENTICATION;
    assert_eq!(
        check_signer(&certificate, signed_at(), &Scenario::clean().application),
        Err(SignerRejected::NotASigningKey)
    );
}

#[test]
fn signed_with_eds_fails_one_second_after_expiry_and_before_validity() {
    let application = Scenario::clean().application;
    let mut expired = certificate_of(applicant());
    expired.valid_to = signed_at() - Duration::seconds(1);
    assert_eq!(
        check_signer(&expired, signed_at(), &application),
        Err(SignerRejected::Expired)
    );
    let mut early = certificate_of(applicant());
    early.valid_from = signed_at() + Duration::seconds(1);
    assert_eq!(
        check_signer(&early, signed_at(), &application),
        Err(SignerRejected::NotYetValid)
    );
}

#[test]
fn signed_with_eds_fails_when_revoked_or_the_status_is_unknown() {
    let application = Scenario::clean().application;
    let mut revoked = certificate_of(applicant());
    revoked.revocation = RevocationStatus::Revoked;
    assert_eq!(
        check_signer(&revoked, signed_at(), &application),
        Err(SignerRejected::Revoked)
    );
    revoked.revocation = RevocationStatus::Unknown;
    assert_eq!(
        check_signer(&revoked, signed_at(), &application),
        Err(SignerRejected::RevocationStatusUnknown)
    );
}

#[test]
fn signed_with_eds_fails_for_an_untrusted_chain() {
    let mut certificate = certificate_of(applicant());
    certificate.chains_to_trusted_root = false;
    assert_eq!(
        check_signer(&certificate, signed_at(), &Scenario::clean().application),
        Err(SignerRejected::UntrustedChain)
    );
}

#[test]
fn signed_with_eds_fails_for_someone_elses_key() {
    assert_eq!(
        check_signer(
            &certificate_of(spouse()),
            signed_at(),
            &Scenario::clean().application
        ),
        Err(SignerRejected::NotTheApplicant)
    );
}

#[test]
fn signed_with_eds_fails_for_the_applicants_key_when_a_representative_files() {
    assert_eq!(
        check_signer(
            &certificate_of(applicant()),
            signed_at(),
            &represented().application
        ),
        Err(SignerRejected::NotTheRepresentative)
    );
}
