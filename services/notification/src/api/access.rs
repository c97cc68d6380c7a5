//! Who may do what (docs/notification.md, "Access").
//!
//! Which roles may call which RPC is declared once, in
//! `housing_platform::authorization::TABLE`, and enforced before any handler
//! runs: sending for the suite's services (`system`) and operators; reading
//! notices for citizens, operators, the head of the provider and the suite's
//! services; the outbox (every recipient's number and address) for the latter
//! three; templates (not personal data) for any identified caller.
//!
//! What depends on the data is here: a citizen reads only their own notices,
//! and one that is not theirs gets NOT_FOUND, exactly as a notice that does
//! not exist, so that names reveal nothing.

use housing_domain::Iin;
use housing_platform::caller::{Caller, Role};
use housing_platform::error::ServiceError;

/// The roles that read every notice.
const STAFF_READERS: [Role; 3] = [Role::Operator, Role::ProviderHead, Role::System];

/// Which notices a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    /// Every notice.
    Everything,
    /// Only the notices to this citizen.
    OwnNotices(Iin),
}

impl ReadScope {
    /// Whether a notice to `recipient` is within the scope.
    pub fn covers(&self, recipient: &Iin) -> bool {
        match self {
            ReadScope::Everything => true,
            ReadScope::OwnNotices(own) => own == recipient,
        }
    }
}

/// The notices the caller may read, or PERMISSION_DENIED.
pub fn read_scope(caller: &Caller) -> Result<ReadScope, ServiceError> {
    if caller.role() == Role::Citizen {
        return caller
            .iin()
            .map(|iin| ReadScope::OwnNotices(*iin))
            .ok_or(ServiceError::PermissionDenied);
    }
    caller.require(&STAFF_READERS)?;
    Ok(ReadScope::Everything)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iin(text: &str) -> Iin {
        Iin::parse(text).expect("valid IIN")
    }

    #[test]
    fn a_citizen_reads_only_their_own() {
        let own = iin("900101300126");
        let scope = read_scope(&Caller::citizen(own)).expect("a citizen may read");
        assert!(scope.covers(&own));
        assert!(!scope.covers(&iin("850610300002")));
    }

    #[test]
    fn staff_read_everything_and_others_nothing() {
        for role in STAFF_READERS {
            let caller = Caller::staff(role, "someone");
            assert_eq!(read_scope(&caller).expect("staff"), ReadScope::Everything);
        }
        for role in [Role::Auditor, Role::ComplaintsBody] {
            assert!(read_scope(&Caller::staff(role, "someone")).is_err());
        }
    }
}
