//! The background work: the evaluation worker (decides opened cases, retries
//! those waiting for registers) and the lapse worker (makes denials final when
//! a hearing started with no position stated).
//!
//! Each runs until the shutdown signal, then finishes what it started. Work
//! is found in the database, so a crash loses nothing: a claimed case is
//! taken again when its lease ends, a lapse is found by the next sweep.
//!
//! An evaluation runs in an `eligibility.evaluate` span whose parent is the
//! trace context stored with the case (the OpenCase call that opened it), so
//! its registry queries and the messages it writes to intake and notification
//! belong to the trace of the application.

use std::sync::Arc;

use chrono::TimeDelta;
use housing_platform::telemetry;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::engine::{Engine, EvaluationOutcome};
use crate::settings::EvaluationSettings;
use crate::storage::CaseRecord;

/// Most lapsed hearings handled in one sweep before looking again.
const LAPSE_BATCH: i64 = 100;

/// Decides due cases, at most `settings.concurrency` at once. Wakes when a
/// case is opened (`wakeup`), when an evaluation ends, and at least every
/// `settings.interval` (retries fall due as time passes).
pub async fn run_evaluation_worker(
    engine: Engine,
    settings: EvaluationSettings,
    wakeup: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let lease = TimeDelta::from_std(settings.lease).unwrap_or(TimeDelta::MAX);
    // Claiming one case per finished evaluation would cost a query each:
    // after a completion, claim only when a quarter of the slots are free.
    let batch_threshold = (settings.concurrency / 4).max(1);
    let mut in_flight: JoinSet<EvaluationOutcome> = JoinSet::new();
    let mut claim = true;
    loop {
        if *shutdown.borrow() {
            break;
        }
        while let Some(finished) = in_flight.try_join_next() {
            report_panic(finished);
        }
        let free = settings.concurrency.saturating_sub(in_flight.len());
        if free > 0 && (claim || free >= batch_threshold || in_flight.is_empty()) {
            let now = engine.now();
            let limit = i64::try_from(free).unwrap_or(i64::MAX);
            match engine
                .store()
                .claim_due_cases(now, now + lease, limit)
                .await
            {
                Ok(cases) => {
                    for case in cases {
                        let engine = engine.clone();
                        let span = evaluation_span(&case);
                        in_flight.spawn(
                            async move { engine.evaluate_claimed(case).await }.instrument(span),
                        );
                    }
                }
                Err(error) => tracing::error!(%error, "cannot claim due cases"),
            }
        }
        claim = tokio::select! {
            Some(finished) = in_flight.join_next(), if !in_flight.is_empty() => {
                report_panic(finished);
                false
            }
            () = wakeup.notified() => true,
            () = tokio::time::sleep(settings.interval) => true,
            _ = shutdown.changed() => false,
        };
    }
    while let Some(finished) = in_flight.join_next().await {
        report_panic(finished);
    }
}

/// The span of one evaluation of `case`, in the trace of the call that opened it.
fn evaluation_span(case: &CaseRecord) -> tracing::Span {
    telemetry::with_stored_parent(
        tracing::info_span!(
            parent: None,
            "eligibility.evaluate",
            otel.kind = "consumer",
            case = %case.id.case_name(),
            attempt = case.registry_attempts + 1,
        ),
        case.trace_context.as_deref(),
    )
}

fn report_panic(finished: Result<EvaluationOutcome, tokio::task::JoinError>) {
    if let Err(error) = finished {
        tracing::error!(%error, "an evaluation task failed");
    }
}

/// Every `interval`, makes final the denials whose hearing started with no
/// position stated.
pub async fn run_lapse_worker(
    engine: Engine,
    interval: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let full_batch = sweep_lapsed_hearings(&engine).await;
        if full_batch {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// One sweep; true when it found a full batch (there may be more).
async fn sweep_lapsed_hearings(engine: &Engine) -> bool {
    let lapsed = match engine
        .store()
        .lapsed_hearings(engine.now(), LAPSE_BATCH)
        .await
    {
        Ok(lapsed) => lapsed,
        Err(error) => {
            tracing::error!(%error, "cannot look for lapsed hearings");
            return false;
        }
    };
    let mut decided = 0;
    for case_id in &lapsed {
        match engine.lapse(case_id).await {
            Ok(Some(_)) => decided += 1,
            Ok(None) => {}
            Err(error) => {
                tracing::error!(case = %case_id.case_name(), error = %error, "cannot make a lapsed denial final");
            }
        }
    }
    // A full batch where nothing could be decided would loop forever: wait instead.
    i64::try_from(lapsed.len()).is_ok_and(|found| found == LAPSE_BATCH) && decided > 0
}
