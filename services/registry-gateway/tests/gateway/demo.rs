//! The demo dataset says through the gateway what docs/demo-dataset.md says
//! it does: the deciding fact of each scenario, as of the acceptance date.

use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::{Register, SocialCategory};
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;
use housing_storage::testing::TestDatabase;
use registry_gateway::fixture::demo_document;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    the_demo_scenarios_show_their_deciding_facts,
);

/// The acceptance date of every demo application: Wednesday 15 April 2026.
fn acceptance() -> Option<Date> {
    date(2026, 4, 15)
}

/// The IIN of demo person `Dnn` (its note starts with the number).
fn demo_iin(number: &str) -> String {
    demo_document()
        .expect("the demo dataset")
        .persons
        .into_iter()
        .find(|person| {
            person
                .note
                .as_deref()
                .is_some_and(|note| note.starts_with(&format!("{number} ")))
        })
        .unwrap_or_else(|| panic!("{number} is in the demo dataset"))
        .iin
}

struct Demo {
    gateway: crate::support::GatewayClient,
}

impl Demo {
    async fn record(
        &mut self,
        number: &str,
        register: Register,
        as_of: Option<Date>,
    ) -> Option<Record> {
        let iin = demo_iin(number);
        let response = self
            .gateway
            .query_registers(pb::QueryRegistersRequest {
                iins: vec![iin],
                registers: vec![register as i32],
                as_of_date: as_of,
                expert_certificate_numbers: Vec::new(),
            })
            .await
            .expect("answers")
            .into_inner();
        response
            .answers
            .into_iter()
            .next()
            .and_then(|answer| answer.record)
    }

    async fn expert(&mut self, number: &str) -> pb::CertifiedExpert {
        self.gateway
            .get_certified_expert(pb::GetCertifiedExpertRequest {
                certificate_number: number.to_owned(),
                as_of_date: acceptance(),
            })
            .await
            .expect("answers")
            .into_inner()
            .expert
            .expect("on record")
    }
}

async fn the_demo_scenarios_show_their_deciding_facts(database: &TestDatabase) {
    let app = TestApp::spawn_with(database, &[("HOUSING_REGISTRY_FIXTURES", "demo")]).await;
    let mut demo = Demo {
        gateway: app.gateway(),
    };

    // D06: domicile in Almaty with 2024-02-12 uncovered.
    let Some(Record::Address(address)) = demo.record("D06", Register::Address, acceptance()).await
    else {
        panic!("D06's address history");
    };
    let periods: Vec<_> = address
        .registrations
        .iter()
        .map(|registration| registration.period.expect("a period"))
        .collect();
    assert_eq!(periods[1].end_date, date(2024, 2, 11));
    assert_eq!(periods[2].start_date, date(2024, 2, 13));

    // D07: 17 on the acceptance date.
    let Some(Record::Identity(identity)) =
        demo.record("D07", Register::Identity, acceptance()).await
    else {
        panic!("D07's identity");
    };
    assert_eq!(identity.birth_date, date(2008, 9, 30));

    // D08: an orphan since 2019, category valid; D10: category ended in 2020.
    let Some(Record::CivilStatus(civil)) = demo
        .record("D08", Register::CivilStatus, acceptance())
        .await
    else {
        panic!("D08's civil status");
    };
    assert_eq!(
        civil.parental_care_loss.map(|loss| loss.parents_lost_date),
        Some(date(2019, 3, 20))
    );
    let Some(Record::SocialCategories(categories)) = demo
        .record("D10", Register::SocialCategories, acceptance())
        .await
    else {
        panic!("D10's categories");
    };
    assert_eq!(
        categories.memberships[0].category,
        SocialCategory::Orphan as i32
    );
    assert_eq!(
        categories.memberships[0]
            .valid
            .and_then(|valid| valid.end_date),
        date(2020, 4, 21)
    );

    // D12: kandas expired; D13: valid to the acceptance date itself.
    let Some(Record::Migration(migration)) =
        demo.record("D12", Register::Migration, acceptance()).await
    else {
        panic!("D12's kandas status");
    };
    assert_eq!(
        migration.kandas_statuses[0]
            .valid
            .and_then(|valid| valid.end_date),
        date(2024, 1, 31)
    );
    let Some(Record::Migration(migration)) =
        demo.record("D13", Register::Migration, acceptance()).await
    else {
        panic!("D13's kandas status");
    };
    assert_eq!(
        migration.kandas_statuses[0]
            .valid
            .and_then(|valid| valid.end_date),
        acceptance()
    );

    // D14 sold inside the five years, D15 the day before them.
    for (number, sold) in [("D14", date(2023, 6, 10)), ("D15", date(2021, 4, 14))] {
        let Some(Record::RealEstate(estate)) = demo
            .record(number, Register::RealEstate, acceptance())
            .await
        else {
            panic!("{number}'s real estate");
        };
        assert_eq!(estate.ownerships[0].alienated_date, sold, "{number}");
    }

    // D21: in the single database; her leased housing ended.
    assert!(
        demo.record("D21", Register::UnifiedRepublicanDatabase, acceptance())
            .await
            .is_some()
    );
    let Some(Record::StateHousingUse(uses)) = demo
        .record("D21", Register::StateHousingUse, acceptance())
        .await
    else {
        panic!("D21's state housing use");
    };
    assert_eq!(
        uses.uses[0].period.and_then(|period| period.end_date),
        date(2025, 12, 31)
    );

    // D26's expert was certified on the report date; D28's certificate had ended the day before.
    let Some(Record::EmergencyHousing(emergency)) = demo
        .record("D28", Register::EmergencyHousing, acceptance())
        .await
    else {
        panic!("D28's emergency housing");
    };
    let report = &emergency.technical_reports[0];
    assert_eq!(report.report_date, date(2025, 10, 20));
    let expert = demo.expert(&report.expert_certificate_number).await;
    assert_eq!(
        expert.valid.and_then(|valid| valid.end_date),
        date(2025, 10, 19)
    );
    let valid_expert = demo.expert("KZ-EXP-DEMO-01").await;
    assert_eq!(valid_expert.valid.and_then(|valid| valid.end_date), None);

    // D31 accommodates someone other than family since 2024-05-01.
    let Some(Record::Address(address)) = demo.record("D31", Register::Address, acceptance()).await
    else {
        panic!("D31's address");
    };
    let accommodated = &address.registrations[0].household[0];
    assert_eq!(accommodated.iin, demo_iin("D32"));
    assert_eq!(accommodated.relation, pb::household::Relation::Other as i32);

    // Text messages: D01 linked, D02 not linked, D35 no number.
    let Some(Record::MobileCitizen(mobile)) = demo
        .record("D01", Register::MobileCitizens, acceptance())
        .await
    else {
        panic!("D01's phone");
    };
    assert!(mobile.linked_to_portal_account);
    let Some(Record::MobileCitizen(mobile)) = demo
        .record("D02", Register::MobileCitizens, acceptance())
        .await
    else {
        panic!("D02's phone");
    };
    assert!(mobile.registered && !mobile.linked_to_portal_account);
    assert_eq!(
        demo.record("D35", Register::MobileCitizens, acceptance())
            .await,
        None
    );

    // D43 died in 2024: known then, not before.
    let Some(Record::Identity(identity)) =
        demo.record("D43", Register::Identity, acceptance()).await
    else {
        panic!("D43's identity");
    };
    assert_eq!(identity.death_date, date(2024, 11, 3));

    // D03 was not born before 2017-09-01.
    assert_eq!(
        demo.record("D03", Register::Identity, date(2017, 8, 31))
            .await,
        None
    );
    app.stop().await;
}
