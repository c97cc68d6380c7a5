//! AFTER_HOURS_NEXT_WORKING_DAY and the processing terms, with the clock of
//! receipt fixed (docs/calendar.md).

use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::support::{
    ALMATY, KARAGANDA, TEMIRTAU, TestIntake, almaty, closed_port, form_for, submit_as_applicant,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    the_acceptance_day_follows_the_working_calendar,
);

fn acceptance_and_deadline(application: &pb::Application) -> ((i32, i32, i32), i64) {
    let date = application.acceptance_date.expect("an acceptance date");
    let deadline = application
        .processing_deadline
        .expect("a processing deadline");
    ((date.year, date.month, date.day), deadline.seconds)
}

async fn the_acceptance_day_follows_the_working_calendar(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;

    // Wednesday 15 April 2026, one minute before closing: that day; the term
    // (one working day) ends at 18:30 on Thursday.
    intake.clock.set(almaty(2026, 4, 15, 18, 29));
    let before_closing = submit_as_applicant(&intake, &form_for(ALMATY))
        .await
        .expect("accepted");
    assert_eq!(
        acceptance_and_deadline(&before_closing),
        ((2026, 4, 15), almaty(2026, 4, 16, 18, 30).timestamp())
    );

    // One minute after closing: Thursday, and the term ends on Friday.
    intake.clock.set(almaty(2026, 4, 15, 18, 31));
    let after_closing = submit_as_applicant(&intake, &form_for(KARAGANDA))
        .await
        .expect("accepted");
    assert_eq!(
        acceptance_and_deadline(&after_closing),
        ((2026, 4, 16), almaty(2026, 4, 17, 18, 30).timestamp())
    );

    // Monday 23 March 2026 is Nauryz; the weekend's Nauryz days move to
    // Tuesday 24 and Wednesday 25: accepted Thursday 26, decided by Friday 27.
    intake.clock.set(almaty(2026, 3, 23, 11, 0));
    let on_a_holiday = submit_as_applicant(&intake, &form_for(TEMIRTAU))
        .await
        .expect("accepted");
    assert_eq!(
        acceptance_and_deadline(&on_a_holiday),
        ((2026, 3, 26), almaty(2026, 3, 27, 18, 30).timestamp())
    );

    // The emergency track has three working days: Friday 17 April 2026
    // (accepted that day) runs to Wednesday 22 April.
    intake.clock.set(almaty(2026, 4, 17, 9, 15));
    let mut emergency = form_for("711210000");
    emergency.track = common::Track::EmergencyHome as i32;
    emergency.technical_report = Some(pb::TechnicalReport {
        report_number: "TR-1".to_owned(),
        expert_certificate_number: "EXP-1".to_owned(),
        report_date: Some(housing_proto::google::r#type::Date {
            year: 2026,
            month: 4,
            day: 1,
        }),
        cadastral_number: "21:320:001:77".to_owned(),
        locality_kato: "711210000".to_owned(),
        document: Some(common::Attachment {
            file_name: "report.pdf".to_owned(),
            media_type: "application/pdf".to_owned(),
            content: b"%PDF-1.7".to_vec(),
        }),
    });
    let emergency = submit_as_applicant(&intake, &emergency)
        .await
        .expect("accepted");
    assert_eq!(
        acceptance_and_deadline(&emergency),
        ((2026, 4, 17), almaty(2026, 4, 22, 18, 30).timestamp())
    );
    intake.stop().await;
}
