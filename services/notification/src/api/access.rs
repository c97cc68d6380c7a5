//! Who may do what (docs/notification.md, "Access").
//!
//! * Sending: the suite's services (`system`) and operators.
//! * Reading notices: a citizen their own; operators, the head of the provider
//!   and the suite's services all. Anyone else is refused outright.
//! * Reading the outbox (every recipient's number and address): operators,
//!   the head of the provider and the suite's services.
//! * Templates are not personal data: any identified caller.
//!
//! A citizen asking for a notice that is not theirs gets NOT_FOUND, exactly
//! as for a notice that does not exist, so that names reveal nothing.

use housing_domain::Iin;
use housing_platform::caller::{Caller, Role};
use housing_platform::error::ServiceError;

/// The roles that may send notices.
const SENDERS: [Role; 2] = [Role::System, Role::Operator];
/// The roles that read every notice and the outbox.
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

/// Fails with PERMISSION_DENIED unless the caller may send notices.
pub fn require_sender(caller: &Caller) -> Result<(), ServiceError> {
    caller.require(&SENDERS)
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

/// Fails with PERMISSION_DENIED unless the caller may read the outbox.
pub fn require_outbox_reader(caller: &Caller) -> Result<(), ServiceError> {
    caller.require(&STAFF_READERS)
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
        assert!(require_sender(&Caller::citizen(own)).is_err());
        assert!(require_outbox_reader(&Caller::citizen(own)).is_err());
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
        assert!(require_sender(&Caller::system("eligibility-verification")).is_ok());
        assert!(require_sender(&Caller::staff(Role::ProviderHead, "head")).is_err());
    }
}
