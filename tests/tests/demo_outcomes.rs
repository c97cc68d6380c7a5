//! Every outcome of the demo dataset (docs/demo-dataset.md), end to end: the
//! filer signs the application with a key from the test PKI, intake accepts
//! it and hands it over, eligibility asks the registers and decides,
//! notification tells the filer, and the filer reads it all back.

use housing_e2e_tests::demo::{application_of, file_and_check};
use housing_e2e_tests::{SuiteOptions, spawn_suite};

/// One test per documented application, each with a suite of its own.
macro_rules! demo_outcomes {
    ($($test:ident => $number:literal),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let suite = spawn_suite(SuiteOptions::default()).await.expect("the suite starts");
                file_and_check(&suite, &application_of($number)).await;
                suite.stop().await.expect("the suite stops cleanly");
            }
        )+
    };
}

demo_outcomes!(
    d01_registered_with_a_text_message => "D01",
    d05_registered_with_a_confirmed_disability_category => "D05",
    d06_denied_for_a_one_day_gap_in_domicile => "D06",
    d07_denied_as_a_minor_filing_himself => "D07",
    d08_minor_orphan_registered_through_her_guardian => "D08",
    d10_registered_without_the_unconfirmed_orphan_category => "D10",
    d11_kandas_registered_with_the_kandas_category => "D11",
    d12_denied_for_an_expired_kandas_status => "D12",
    d13_registered_on_the_last_day_of_kandas_status => "D13",
    d14_denied_for_housing_sold_within_five_years => "D14",
    d15_registered_when_the_sale_is_a_day_before_the_window => "D15",
    d16_denied_for_the_spouse_s_share => "D16",
    d18_denied_for_housing_in_the_locality_of_a_state_institution => "D18",
    d19_denied_for_housing_anywhere_for_a_state_enterprise => "D19",
    d20_denied_for_state_housing_in_use => "D20",
    d21_denied_as_already_in_the_unified_database => "D21",
    d22_denied_for_privatised_state_housing => "D22",
    d23_denied_for_a_state_mortgage => "D23",
    d24_denied_for_a_declared_spouse_the_register_does_not_know => "D24",
    d26_emergency_home_registered => "D26",
    d28_denied_for_an_expert_not_certified_on_the_report_date => "D28",
    d29_denied_for_an_emergency_home_in_another_locality => "D29",
    d30_denied_for_selling_a_habitable_flat => "D30",
    d31_denied_for_accommodating_others => "D31",
    d33_registered_under_the_akimat_acquisition_exemption => "D33",
    d34_denied_for_moving_out_where_not_in_need => "D34",
    d35_denied_for_a_spouse_s_missing_consent => "D35",
    d37_large_family_registered_without_the_category => "D37",
    d42_pensioner_registered_with_the_category => "D42",
);
