//! Closing votes (`docs/closing.md`), the whole of it in this folder: taking a slot's turn,
//! deciding it is due, counting its ballots, storing the outcome with its events, and the
//! bookkeeping once the transaction has committed.

mod close;
pub mod count;
mod due;
mod outcome;
pub mod reason;
pub mod recount;

use app::ids::{HouseholdId, OptionId, SlotId};
use sqlx::{Any, Transaction};

pub use close::FinalizeReport;
pub(crate) use close::{close_due, close_if_everyone_voted, lock_slot, settle_due_in};
pub(crate) use due::still_missing;
pub use reason::ClosePath;

use crate::db::StoreError;

/// One slot this call closed (a slot someone else closed first is not reported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub slot: SlotId,
    pub household: HouseholdId,
    /// Why it closed.
    pub path: ClosePath,
    pub winner: Option<OptionId>,
    pub winner_name: Option<String>,
    /// The Schulze method left a tie that the seeded lot broke.
    pub by_lot: bool,
}

/// Commits a transaction that may have closed slots, then does a close's bookkeeping for each
/// one it closed: the metrics and the log line. Every closing transaction ends here, so no
/// close goes uncounted.
pub(crate) async fn commit(tx: Transaction<'_, Any>, closed: &[Closed]) -> Result<(), StoreError> {
    tx.commit().await?;
    closed.iter().for_each(count_closed);
    Ok(())
}

/// Records a close in the metrics once its transaction has committed.
fn count_closed(closed: &Closed) {
    crate::metrics::slot_closed(closed.path);
    if closed.by_lot {
        crate::metrics::tie_broken_by_lot();
    }
    tracing::info!(slot = %closed.slot, path = closed.path.label(), by_lot = closed.by_lot, "slot closed");
}
