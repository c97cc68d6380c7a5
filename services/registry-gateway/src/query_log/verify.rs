//! Recomputing the chain: what an auditor runs.

use housing_storage::Database;

use super::chain::{ChainHash, ChainHead, entry_hash};
use crate::storage::{StoreError, query_log as store};

/// Entries read per query while verifying.
const PAGE_SIZE: i64 = 5000;

/// The result of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// True when every entry up to the head matches.
    pub intact: bool,
    /// Entries examined (up to and including the first broken one).
    pub entries_checked: i64,
    /// The first sequence where the chain breaks; 0 when intact.
    pub first_broken_sequence: i64,
}

/// Verifies the log from its first entry up to `head`, the last entry the
/// gateway knows it wrote (entries appended meanwhile are left for the next run).
///
/// An entry breaks the chain when its sequence is not the next one (an entry
/// was removed or moved), when its `previous_hash` is not the previous entry's
/// hash, or when its hash does not match its content. The log must also reach
/// `head` with `head`'s hash: that catches a removed tail, and a tail rewritten
/// with recomputed hashes, while the gateway that wrote it runs.
pub async fn verify(database: &Database, head: ChainHead) -> Result<Verification, StoreError> {
    let mut previous = ChainHash::GENESIS;
    let mut expected_sequence = 1_i64;
    let mut checked = 0_i64;
    let broken = |checked, sequence| Verification {
        intact: false,
        entries_checked: checked,
        first_broken_sequence: sequence,
    };
    'pages: while expected_sequence <= head.sequence {
        let page = store::entries(database, expected_sequence - 1, PAGE_SIZE, None).await?;
        if page.is_empty() {
            break;
        }
        for entry in page {
            if expected_sequence > head.sequence {
                break 'pages;
            }
            checked += 1;
            if entry.sequence != expected_sequence {
                return Ok(broken(checked, expected_sequence));
            }
            let recomputed = entry_hash(previous, entry.sequence, &entry.draft);
            if entry.previous_hash != previous.to_hex() || entry.entry_hash != recomputed.to_hex() {
                return Ok(broken(checked, entry.sequence));
            }
            previous = recomputed;
            expected_sequence += 1;
        }
    }
    if expected_sequence <= head.sequence {
        // The log ends before the last entry written: its tail was removed.
        return Ok(broken(checked, expected_sequence));
    }
    if head.sequence > 0 && previous != head.hash {
        return Ok(broken(checked, head.sequence));
    }
    Ok(Verification {
        intact: true,
        entries_checked: checked,
        first_broken_sequence: 0,
    })
}
