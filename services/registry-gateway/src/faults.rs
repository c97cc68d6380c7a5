//! Faults injected per register, to test the gateway's callers.
//!
//! A register's injection has three knobs, set at run time through the
//! administrative service and kept in the database (a restart keeps them):
//!
//! * **outage** — every answer of the register is UNAVAILABLE, at once;
//! * **added latency** — every answer waits this long; when that is more than
//!   the time the caller left (see [`crate::gateway`]'s deadline budget), the
//!   answer is a TIMEOUT instead, given when the budget runs out;
//! * **error rate** — this share of the answers is UNAVAILABLE (after the
//!   latency). Deterministic, so that tests can count on it: of the first N
//!   answers since the injection was set, exactly ⌊N·rate⌋ fail, spread evenly
//!   (rate 1.0 fails every answer, 0.0 none, 0.5 every second one).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use housing_proto::housing::common::v1::Register;
use housing_storage::Database;

use crate::storage::StoreError;
use crate::storage::faults::{self as store, StoredFault};

/// The faults of one register.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Injection {
    /// Added to every answer.
    pub added_latency: Duration,
    /// Share of answers that fail, 0.0 to 1.0.
    pub error_rate: f64,
    /// Every answer fails.
    pub outage: bool,
    /// When it was set, in microseconds since the epoch.
    pub updated_at_micros: i64,
}

impl Injection {
    /// Whether it injects nothing (setting it clears the register's injection).
    pub fn is_clear(&self) -> bool {
        self.added_latency.is_zero() && self.error_rate == 0.0 && !self.outage
    }
}

/// How one answer of a register goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    /// The register answers (found or not found).
    Answer,
    /// The register is unavailable: a gateway fault.
    Unavailable,
    /// The register does not answer within the budget: a gateway fault.
    Timeout,
}

/// One answer's plan: what happens, and how long after arrival it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerPlan {
    /// What happens.
    pub outcome: Planned,
    /// How long after the query arrived the answer may be given.
    pub wait: Duration,
}

#[derive(Debug)]
struct ActiveInjection {
    injection: Injection,
    /// Answers drawn since the injection was set: drives the error rate.
    draws: AtomicU64,
}

impl ActiveInjection {
    /// Whether the next answer fails under the error rate: the n-th draw
    /// (from 0) fails when ⌊(n+1)·rate⌋ > ⌊n·rate⌋.
    fn draw_error(&self) -> bool {
        let rate = self.injection.error_rate;
        if rate <= 0.0 {
            return false;
        }
        // Precise to 2^53 draws, far beyond any test or load run.
        #[allow(clippy::cast_precision_loss)]
        let drawn = self.draws.fetch_add(1, Ordering::Relaxed) as f64;
        ((drawn + 1.0) * rate).floor() > (drawn * rate).floor()
    }
}

/// The injections in force, read on every answer, set through the administrative service.
#[derive(Debug)]
pub struct FaultInjector {
    database: Database,
    active: RwLock<HashMap<i32, Arc<ActiveInjection>>>,
    /// Serialises changes so that the database and memory agree on the last one.
    changes: tokio::sync::Mutex<()>,
}

impl FaultInjector {
    /// Restores the injections kept in the database.
    pub async fn restore(database: Database) -> Result<Self, StoreError> {
        let active = store::all(&database)
            .await?
            .into_iter()
            .map(|stored| {
                (
                    stored.register,
                    Arc::new(ActiveInjection {
                        injection: Injection {
                            added_latency: stored.added_latency,
                            error_rate: stored.error_rate,
                            outage: stored.outage,
                            updated_at_micros: stored.updated_at_micros,
                        },
                        draws: AtomicU64::new(0),
                    }),
                )
            })
            .collect();
        Ok(Self {
            database,
            active: RwLock::new(active),
            changes: tokio::sync::Mutex::new(()),
        })
    }

    /// Plans one answer of `register`, given the `budget` the caller left.
    pub fn plan(&self, register: Register, budget: Duration) -> AnswerPlan {
        let Some(active) = self.active_injection(register) else {
            return AnswerPlan {
                outcome: Planned::Answer,
                wait: Duration::ZERO,
            };
        };
        let injection = active.injection;
        if injection.outage {
            return AnswerPlan {
                outcome: Planned::Unavailable,
                wait: Duration::ZERO,
            };
        }
        if injection.added_latency > budget {
            return AnswerPlan {
                outcome: Planned::Timeout,
                wait: budget,
            };
        }
        let outcome = if active.draw_error() {
            Planned::Unavailable
        } else {
            Planned::Answer
        };
        AnswerPlan {
            outcome,
            wait: injection.added_latency,
        }
    }

    /// Sets a register's injection (a clear one removes it); returns what is in force.
    pub async fn set(
        &self,
        register: Register,
        injection: Injection,
    ) -> Result<Option<Injection>, StoreError> {
        let _change = self.changes.lock().await;
        let number = register as i32;
        if injection.is_clear() {
            store::clear(&self.database, number).await?;
            self.write_active().remove(&number);
            return Ok(None);
        }
        store::put(
            &self.database,
            &StoredFault {
                register: number,
                added_latency: injection.added_latency,
                error_rate: injection.error_rate,
                outage: injection.outage,
                updated_at_micros: injection.updated_at_micros,
            },
        )
        .await?;
        self.write_active().insert(
            number,
            Arc::new(ActiveInjection {
                injection,
                draws: AtomicU64::new(0),
            }),
        );
        Ok(Some(injection))
    }

    /// Every injection in force, by register number.
    pub fn all(&self) -> Vec<(i32, Injection)> {
        let active = self
            .active
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<(i32, Injection)> = active
            .iter()
            .map(|(register, active)| (*register, active.injection))
            .collect();
        all.sort_by_key(|(register, _)| *register);
        all
    }

    fn active_injection(&self, register: Register) -> Option<Arc<ActiveInjection>> {
        // A poisoned lock only means a panic elsewhere while holding it; the
        // map itself is always consistent (single inserts and removes).
        self.active
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(register as i32))
            .cloned()
    }

    fn write_active(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<i32, Arc<ActiveInjection>>> {
        self.active
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(rate: f64) -> ActiveInjection {
        ActiveInjection {
            injection: Injection {
                added_latency: Duration::ZERO,
                error_rate: rate,
                outage: false,
                updated_at_micros: 0,
            },
            draws: AtomicU64::new(0),
        }
    }

    fn failures(rate: f64, draws: usize) -> Vec<bool> {
        let active = active(rate);
        (0..draws).map(|_| active.draw_error()).collect()
    }

    #[test]
    fn rate_one_always_fails_and_rate_zero_never() {
        assert!(failures(1.0, 100).into_iter().all(|failed| failed));
        assert!(failures(0.0, 100).into_iter().all(|failed| !failed));
    }

    #[test]
    fn a_rate_fails_exactly_its_share_spread_evenly() {
        assert_eq!(failures(0.5, 6), [false, true, false, true, false, true]);
        for rate in [0.1, 0.25, 0.333, 0.9] {
            let failed = failures(rate, 1000).into_iter().filter(|f| *f).count();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let expected = (1000.0 * rate).floor() as usize;
            assert_eq!(failed, expected, "rate {rate}");
        }
    }

    #[test]
    fn a_clear_injection_is_all_zero() {
        let mut injection = active(0.0).injection;
        assert!(injection.is_clear());
        injection.outage = true;
        assert!(!injection.is_clear());
    }
}
