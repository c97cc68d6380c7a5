use super::*;

fn iin(text: &str) -> Iin {
    Iin::parse(text).expect("a valid IIN")
}

#[test]
fn page_tokens_round_trip_and_foreign_ones_are_refused() {
    for sequence in [0, 1, 42, i64::MAX] {
        assert_eq!(decode_token(&encode_token(sequence)), Some(sequence));
    }
    for foreign in ["x", "3", "zz", "2d31", "é1", "3132g0"] {
        assert_eq!(decode_token(foreign), None, "{foreign}");
    }
}

#[test]
fn an_access_names_each_person_once_and_shows_no_iin() {
    let applicant = iin("900512490013");
    let spouse = iin("880203390020");
    let access = Access::new("applications/1", [&spouse, &applicant, &spouse]);
    assert_eq!(access.person_count(), 2);
    assert_eq!(access.case(), "applications/1");
    let shown = format!("{access:?}");
    assert!(!shown.contains("900512490013"), "{shown}");
    assert!(!shown.contains("880203390020"), "{shown}");
}

#[test]
fn a_list_request_is_checked_field_by_field() {
    let request = pb::ListAuditRecordsRequest {
        person_iin: "900512490014".to_owned(),
        start_time: Some(prost_types::Timestamp {
            seconds: 0,
            nanos: -1,
        }),
        page_size: -1,
        page_token: "nonsense".to_owned(),
        ..pb::ListAuditRecordsRequest::default()
    };
    let Err(ServiceError::InvalidArgument { violations, .. }) = query(&request) else {
        panic!("an invalid request is refused");
    };
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["person_iin", "start_time", "page_size", "page_token"]
    );
}

#[test]
fn a_list_request_becomes_the_query_it_names() {
    let request = pb::ListAuditRecordsRequest {
        person_iin: "900512490013".to_owned(),
        case_id: "applications/1".to_owned(),
        caller_id: "operator-1".to_owned(),
        start_time: Some(prost_types::Timestamp {
            seconds: 1_776_229_200,
            nanos: 0,
        }),
        end_time: Some(prost_types::Timestamp {
            seconds: 1_776_232_800,
            nanos: 500,
        }),
        page_size: 10_000,
        page_token: encode_token(7),
    };
    let (query, page_size) = query(&request).expect("a valid request");
    assert_eq!(page_size, housing_storage::audit::MAX_PAGE_SIZE);
    assert_eq!(query.limit, page_size + 1);
    assert_eq!(query.after_sequence, 7);
    assert_eq!(query.person_iin, "900512490013");
    assert_eq!(query.case, "applications/1");
    assert_eq!(query.caller_id, "operator-1");
    assert_eq!(
        query.recorded_from.map(|at| at.timestamp()),
        Some(1_776_229_200)
    );
    assert_eq!(
        query.recorded_before.map(|at| at.timestamp_nanos_opt()),
        Some(Some(1_776_232_800_000_000_500))
    );
    let (defaults, default_size) =
        super::query(&pb::ListAuditRecordsRequest::default()).expect("valid");
    assert_eq!(default_size, DEFAULT_PAGE_SIZE);
    assert_eq!((defaults.after_sequence, defaults.recorded_from), (0, None));
}

#[test]
fn every_stored_role_has_its_actor_role() {
    for role in Role::ALL {
        assert_ne!(actor_role(role.as_str()), common::ActorRole::Unspecified);
    }
    assert_eq!(actor_role("minister"), common::ActorRole::Unspecified);
}
