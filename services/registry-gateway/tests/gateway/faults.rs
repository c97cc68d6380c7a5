//! Injected faults: outages, error rates and latency, told apart from answers.

use std::time::{Duration, Instant};

use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use tonic::{Code, Request};

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    an_outage_is_a_fault_not_an_answer,
    an_error_rate_fails_its_share_of_answers,
    added_latency_delays_the_answer,
    latency_beyond_the_caller_deadline_is_a_timeout_fault,
    latency_beyond_the_register_timeout_is_a_timeout_fault,
    injections_are_listed_validated_and_cleared,
);

fn real_estate_request() -> pb::GetRealEstateRecordRequest {
    pb::GetRealEstateRecordRequest {
        iin: iin(10),
        as_of_date: date(2026, 4, 15),
    }
}

async fn an_outage_is_a_fault_not_an_answer(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    inject(&app, Register::RealEstate, Duration::ZERO, 0.0, true).await;
    let mut gateway = app.gateway();

    let status = gateway
        .get_real_estate_record(real_estate_request())
        .await
        .expect_err("the register is down");
    assert_eq!(status.code(), Code::Unavailable);
    assert_eq!(reason(&status), "REGISTER_UNAVAILABLE");

    // An unknown person is not "not found" during an outage: the register never answered.
    let status = gateway
        .get_real_estate_record(pb::GetRealEstateRecordRequest {
            iin: iin(99),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect_err("the register is down");
    assert_eq!(reason(&status), "REGISTER_UNAVAILABLE");

    // Other registers answer as usual, in a batch too.
    gateway
        .get_identity(pb::GetIdentityRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("the identity register is up");
    let batch = gateway
        .query_registers(family_query(&[iin(10), iin(99)], date(2026, 4, 15)))
        .await
        .expect("a batch carries faults per answer")
        .into_inner();
    assert_eq!(
        answer_status(&batch, &iin(10), Register::RealEstate),
        pb::AnswerStatus::Unavailable
    );
    assert_eq!(
        answer_status(&batch, &iin(99), Register::RealEstate),
        pb::AnswerStatus::Unavailable
    );
    assert_eq!(
        answer_status(&batch, &iin(10), Register::Identity),
        pb::AnswerStatus::Found
    );
    assert_eq!(
        answer_status(&batch, &iin(99), Register::Identity),
        pb::AnswerStatus::NotFound
    );

    let outcomes: Vec<String> = log_entries(&app)
        .await
        .into_iter()
        .map(|entry| entry.outcome)
        .collect();
    assert_eq!(
        outcomes,
        ["REGISTER_UNAVAILABLE", "REGISTER_UNAVAILABLE", "OK", "OK"]
    );

    // Cleared: the register answers again.
    inject(&app, Register::RealEstate, Duration::ZERO, 0.0, false).await;
    let answer = gateway
        .get_real_estate_record(real_estate_request())
        .await
        .expect("back up")
        .into_inner();
    assert!(answer.found);
    app.stop().await;
}

async fn an_error_rate_fails_its_share_of_answers(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    let mut gateway = app.gateway();
    let outcomes = |count: usize| {
        let mut gateway = gateway.clone();
        async move {
            let mut failed = Vec::with_capacity(count);
            for _ in 0..count {
                match gateway.get_real_estate_record(real_estate_request()).await {
                    Ok(_) => failed.push(false),
                    Err(status) => {
                        assert_eq!(reason(&status), "REGISTER_UNAVAILABLE");
                        failed.push(true);
                    }
                }
            }
            failed
        }
    };
    inject(&app, Register::RealEstate, Duration::ZERO, 1.0, false).await;
    assert!(outcomes(10).await.into_iter().all(|failed| failed));
    inject(&app, Register::RealEstate, Duration::ZERO, 0.0, false).await;
    assert!(outcomes(10).await.into_iter().all(|failed| !failed));
    inject(&app, Register::RealEstate, Duration::ZERO, 0.5, false).await;
    assert_eq!(outcomes(6).await, [false, true, false, true, false, true]);
    inject(&app, Register::RealEstate, Duration::ZERO, 0.25, false).await;
    assert_eq!(
        outcomes(100)
            .await
            .into_iter()
            .filter(|failed| *failed)
            .count(),
        25
    );

    // In a batch, each answer draws: four persons at rate 0.5, two fail.
    inject(&app, Register::RealEstate, Duration::ZERO, 0.5, false).await;
    let batch = gateway
        .query_registers(pb::QueryRegistersRequest {
            iins: vec![iin(10), iin(11), iin(12), iin(13)],
            registers: vec![Register::RealEstate as i32],
            as_of_date: date(2026, 4, 15),
            expert_certificate_numbers: Vec::new(),
        })
        .await
        .expect("answers")
        .into_inner();
    let unavailable = batch
        .answers
        .iter()
        .filter(|answer| answer.status == pb::AnswerStatus::Unavailable as i32)
        .count();
    assert_eq!(unavailable, 2);
    app.stop().await;
}

async fn added_latency_delays_the_answer(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    // Long, so that an unslowed call is told apart however slow the machine.
    let latency = Duration::from_secs(2);
    inject(&app, Register::Address, latency, 0.0, false).await;
    let mut gateway = app.gateway();

    let started = Instant::now();
    let answer = gateway
        .get_address_record(pb::GetAddressRecordRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("a slow answer is an answer")
        .into_inner();
    assert!(answer.found);
    assert!(started.elapsed() >= latency, "{:?}", started.elapsed());

    // A batch waits for its slowest register.
    let started = Instant::now();
    gateway
        .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
        .await
        .expect("answers");
    assert!(started.elapsed() >= latency);

    // Other registers are not slowed down.
    let started = Instant::now();
    gateway
        .get_identity(pb::GetIdentityRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers");
    assert!(started.elapsed() < latency, "{:?}", started.elapsed());
    app.stop().await;
}

async fn latency_beyond_the_caller_deadline_is_a_timeout_fault(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    inject(
        &app,
        Register::RealEstate,
        Duration::from_secs(10),
        0.0,
        false,
    )
    .await;
    let mut gateway = app.gateway();
    // The gateway keeps back a fifth of this (600 ms) to log the fault and
    // answer before the deadline.
    let deadline = Duration::from_secs(3);

    let mut request = Request::new(real_estate_request());
    request.set_timeout(deadline);
    let started = Instant::now();
    let status = gateway
        .get_real_estate_record(request)
        .await
        .expect_err("the register does not answer in time");
    let elapsed = started.elapsed();
    assert_eq!(status.code(), Code::DeadlineExceeded);
    // The gateway's own timeout fault, given before the caller's deadline.
    assert_eq!(reason(&status), "REGISTER_TIMEOUT");
    assert!(elapsed < deadline, "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(2400), "{elapsed:?}");

    let mut request = Request::new(family_query(&[iin(10)], date(2026, 4, 15)));
    request.set_timeout(deadline);
    let batch = gateway
        .query_registers(request)
        .await
        .expect("a batch carries the timeout per answer")
        .into_inner();
    assert_eq!(
        answer_status(&batch, &iin(10), Register::RealEstate),
        pb::AnswerStatus::Timeout
    );
    assert_eq!(
        answer_status(&batch, &iin(10), Register::Identity),
        pb::AnswerStatus::Found
    );

    let outcomes: Vec<String> = log_entries(&app)
        .await
        .into_iter()
        .map(|entry| entry.outcome)
        .collect();
    assert_eq!(outcomes, ["REGISTER_TIMEOUT", "OK"]);
    app.stop().await;
}

async fn latency_beyond_the_register_timeout_is_a_timeout_fault(database: &TestDatabase) {
    let app =
        TestApp::spawn_with(database, &[("HOUSING_REGISTRY_REGISTER_TIMEOUT_MS", "200")]).await;
    put_persons(&app, [full_person(10)]).await;
    inject(
        &app,
        Register::RealEstate,
        Duration::from_secs(5),
        0.0,
        false,
    )
    .await;
    let started = Instant::now();
    let status = app
        .gateway()
        .get_real_estate_record(real_estate_request())
        .await
        .expect_err("timeout");
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert_eq!(reason(&status), "REGISTER_TIMEOUT");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    app.stop().await;
}

async fn injections_are_listed_validated_and_cleared(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let set = inject(
        &app,
        Register::SocialCategories,
        Duration::from_millis(150),
        0.2,
        false,
    )
    .await;
    assert_eq!(set.register, Register::SocialCategories as i32);
    assert_eq!(set.error_rate, 0.2);
    assert!(set.update_time.is_some());
    inject(&app, Register::CertifiedExperts, Duration::ZERO, 0.0, true).await;
    let mut admin = app.admin();
    let listed = admin
        .list_fault_injections(pb::ListFaultInjectionsRequest {})
        .await
        .expect("listed")
        .into_inner()
        .fault_injections;
    let registers: Vec<i32> = listed.iter().map(|fault| fault.register).collect();
    assert_eq!(
        registers,
        [
            Register::CertifiedExperts as i32,
            Register::SocialCategories as i32
        ]
    );
    assert_eq!(
        listed[1].added_latency,
        Some(prost_types::Duration {
            seconds: 0,
            nanos: 150_000_000
        })
    );

    let status = admin
        .set_fault_injection(pb::SetFaultInjectionRequest {
            fault_injection: Some(pb::FaultInjection {
                register: Register::CertificationCentre as i32,
                added_latency: None,
                error_rate: 2.0,
                outage: false,
                update_time: None,
            }),
        })
        .await
        .expect_err("invalid");
    assert_eq!(
        violated_fields(&status),
        ["fault_injection.register", "fault_injection.error_rate"]
    );

    inject(&app, Register::SocialCategories, Duration::ZERO, 0.0, false).await;
    let listed = admin
        .list_fault_injections(pb::ListFaultInjectionsRequest {})
        .await
        .expect("listed")
        .into_inner()
        .fault_injections;
    assert_eq!(listed.len(), 1);

    // An expert lookup during the experts register's outage is a fault too.
    let status = app
        .gateway()
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "E-1".to_owned(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect_err("down");
    assert_eq!(reason(&status), "REGISTER_UNAVAILABLE");
    app.stop().await;
}
