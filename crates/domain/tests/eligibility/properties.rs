//! Properties over generated records.

use chrono::Duration;
use housing_domain::RuleCode;
use housing_domain::eligibility::{
    AcquisitionBasis, Alienation, AlienationBasis, DecisionOutcome, HousingStock,
};
use proptest::prelude::*;

use crate::fixture::*;

/// A clean family: an adult applicant, maybe a spouse, up to three minor children,
/// any stock, a locality outside the cities of national status, nothing on record.
fn clean_family() -> impl Strategy<Value = Scenario> {
    (
        0i64..25_000,
        any::<bool>(),
        proptest::collection::vec(1i64..6_570, 0..3),
        prop_oneof![
            Just(HousingStock::General),
            Just(HousingStock::StateInstitution),
            Just(HousingStock::StateEnterprise)
        ],
        prop_oneof![Just("351610000"), Just("352410000"), Just("591010000")],
    )
        .prop_map(
            |(extra_days_of_age, married, child_ages_in_days, stock, locality)| {
                // 18 years (6 575 days covers leap days) plus any extra.
                let birth = day(2007, 6, 2) - Duration::days(extra_days_of_age);
                let mut scenario = Scenario::clean().applicant_born(birth);
                if married {
                    scenario = scenario.with_spouse(day(2005, 1, 1), None);
                }
                for (index, age_in_days) in child_ages_in_days.into_iter().enumerate() {
                    let seed = 40 + u16::try_from(index).expect("few children");
                    scenario = scenario
                        .with_child(person(seed), acceptance() - Duration::days(age_in_days));
                }
                scenario.application.stock = stock;
                scenario.application.locality = kato(locality);
                scenario
            },
        )
}

fn any_basis() -> impl Strategy<Value = AcquisitionBasis> {
    prop_oneof![
        Just(AcquisitionBasis::Purchase),
        Just(AcquisitionBasis::Inheritance),
        Just(AcquisitionBasis::Gift),
        Just(AcquisitionBasis::Construction),
        Just(AcquisitionBasis::Exchange),
        Just(AcquisitionBasis::Other),
        Just(AcquisitionBasis::PrivatisationFromStateStock),
        Just(AcquisitionBasis::StateMortgageProgramme {
            programme: String::from("Otbasy")
        }),
    ]
}

proptest! {
    #[test]
    fn a_clean_record_always_registers(scenario in clean_family()) {
        let decision = scenario.decide();
        prop_assert_eq!(decision.outcome, DecisionOutcome::Register { category: None });
        prop_assert!(decision.terms.hearing.is_none());
    }

    #[test]
    fn owned_housing_last_5_years_holds_for_any_dwelling_owned_within_the_window(
        scenario in clean_family(),
        owner_pick in 0usize..8,
        acquired_days_ago in 0i64..20_000,
        held_days_into_window in proptest::option::of(0i64..1_827),
        basis in any_basis(),
    ) {
        let window_start = day(2020, 6, 2);
        let owners: Vec<_> = std::iter::once(applicant())
            .chain(scenario.decide().family.iter().map(|member| member.person.iin))
            .collect();
        let owner = owners[owner_pick % owners.len()];
        let acquired_on = acceptance() - Duration::days(acquired_days_ago);
        // Alienated inside the window, never before the acquisition.
        let alienation = held_days_into_window.map(|days| Alienation {
            alienated_on: (window_start + Duration::days(days)).min(acceptance()).max(acquired_on),
            basis: AlienationBasis::Sale,
            habitable_at_alienation: true,
        });
        let decision = scenario
            .owning(owner, "ANY-1", karaganda(), acquired_on, basis, alienation)
            .decide();
        prop_assert!(decision.ground_codes().contains(&RuleCode::OwnedHousingLast5Years));
        let ground = decision
            .grounds()
            .iter()
            .find(|ground| ground.code == RuleCode::OwnedHousingLast5Years)
            .expect("found above");
        prop_assert!(ground.facts.iter().any(|fact| fact.person.map(|person| person.iin) == Some(owner)));
    }

    #[test]
    fn evaluation_is_deterministic_and_independent_of_register_order(
        scenario in clean_family(),
        acquired_days_ago in 0i64..4_000,
    ) {
        let mut scenario = scenario
            .owning(applicant(), "A-1", karaganda(), acceptance() - Duration::days(acquired_days_ago), AcquisitionBasis::Purchase, None)
            .owning(applicant(), "A-2", temirtau(), day(2001, 1, 1), AcquisitionBasis::PrivatisationFromStateStock, sold_on(day(2003, 1, 1)));
        let first = scenario.decide();
        prop_assert_eq!(&scenario.decide(), &first);
        scenario.facts.dwellings.reverse();
        scenario.facts.persons.reverse();
        prop_assert_eq!(scenario.decide().ground_codes(), first.ground_codes());
    }
}
