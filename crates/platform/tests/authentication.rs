//! The authentication layer's parsing of what a caller presents, over
//! arbitrary input: whatever the `authorization` header holds, the layer
//! answers with an error that never repeats it, or with the caller the
//! credential proves, and never panics. A token or signature changed in any
//! byte is refused.

use housing_platform::caller::Role;
use housing_platform::fuzzing::{AuthenticationFixture, authentication_fixture};
use housing_platform::security::authentication::system_name;
use proptest::prelude::*;

#[test]
fn the_fixture_s_credentials_prove_their_callers() {
    let fixture = authentication_fixture();
    assert_eq!(
        system_name(&fixture.system_der).as_deref(),
        Some("application-intake")
    );
    let staff = fixture
        .authenticate(&fixture.token)
        .expect("ascii")
        .expect("a valid token");
    assert_eq!((staff.role(), staff.id()), (Role::Auditor, "auditor-1"));
}

fn refusal(fixture: &AuthenticationFixture, header: &str) -> String {
    let status = fixture
        .authenticate(header)
        .expect("ascii")
        .expect_err("refused");
    assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    status.message().to_owned()
}

#[test]
fn a_citizen_s_and_a_staff_member_s_eds_signatures_do_not_stand_in_for_each_other() {
    let fixture = authentication_fixture();
    // The same person, the same key: what they signed decides the capacity,
    // and the signature of the one statement is no signature of the other.
    let citizen_as_staff = fixture.eds.replacen("EDS ", "EDS-Staff ", 1);
    let message = refusal(fixture, &citizen_as_staff);
    assert!(message.contains("EDS signature"), "{message}");
    let staff_as_citizen = fixture.eds_staff.replacen("EDS-Staff ", "EDS ", 1);
    let message = refusal(fixture, &staff_as_citizen);
    assert!(message.contains("EDS signature"), "{message}");
    let message = refusal(fixture, "Basic b3BlcmF0b3I6c2VjcmV0");
    assert!(message.contains("EDS-Staff"), "{message}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_header_is_refused_without_echo_or_proves_a_caller(text in "\\PC{0,300}") {
        let fixture = authentication_fixture();
        if let Some(Err(status)) = fixture.authenticate(&text) {
            let message = status.message();
            let trimmed = text.trim();
            prop_assert!(
                trimmed.len() < 8 || !message.contains(trimmed),
                "the refusal repeats the credential: {message}"
            );
        }
    }

    #[test]
    fn a_token_changed_in_one_byte_is_refused(position in 0_usize..10_000, byte in 0_u8..128) {
        let fixture = authentication_fixture();
        let mut header = fixture.token.clone().into_bytes();
        // Past the scheme ("Bearer "): the token itself.
        let position = 7 + position % (header.len() - 7);
        prop_assume!(header[position] != byte);
        header[position] = byte;
        let Ok(header) = String::from_utf8(header) else { return Ok(()); };
        // A change in base64 padding bits may decode to the same bytes:
        // then it is the same token, and may pass as the same auditor.
        if let Some(Ok(caller)) = fixture.authenticate(&header) {
            prop_assert_eq!((caller.role(), caller.id()), (Role::Auditor, "auditor-1"));
        }
    }

    #[test]
    fn an_eds_signature_changed_in_one_byte_never_proves_anyone_else(
        staff in any::<bool>(),
        position in 0_usize..10_000,
        byte in 0_u8..128,
    ) {
        let fixture = authentication_fixture();
        let header = if staff { &fixture.eds_staff } else { &fixture.eds };
        let mut header = header.clone().into_bytes();
        // Past the scheme ("EDS " or "EDS-Staff "): the signature's base64.
        let scheme = header.iter().position(|&byte| byte == b' ').expect("a scheme") + 1;
        let position = scheme + position % (header.len() - scheme);
        prop_assume!(header[position] != byte);
        header[position] = byte;
        let Ok(header) = String::from_utf8(header) else { return Ok(()); };
        // Only an unchanged signature verifies, and then the revocation
        // check (a centre that does not answer) refuses with UNAVAILABLE.
        if let Some(Ok(caller)) = fixture.authenticate(&header) {
            prop_assert!(false, "a changed signature proved {:?}", caller.role());
        }
    }
}
