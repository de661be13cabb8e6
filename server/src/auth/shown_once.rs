//! Secrets shown once (`app::shown_once`): kept in the creator's session by the request that
//! creates one, taken out by the page that shows it.
//!
//! The session record lives in the database like every session; a secret waits there at most
//! [`SHOWN_ONCE_TTL_MS`] (it is dropped when taken, replaced, expired, or at sign-out).

use app::{
    ids::HouseholdId,
    shown_once::{NewSecret, SHOWN_ONCE_TTL_MS},
};
use serde::{Deserialize, Serialize};
use tower_sessions::{Session, session::Error};

#[derive(Serialize, Deserialize)]
struct Kept {
    /// The household the secret belongs to, for the kinds that belong to one.
    household: Option<String>,
    value: String,
    created_at_ms: i64,
}

/// Keeps `value`, replacing any earlier secret of the same kind not shown yet.
pub async fn keep(
    session: &Session,
    kind: NewSecret,
    household: Option<&HouseholdId>,
    value: String,
    now_ms: i64,
) -> Result<(), Error> {
    let kept = Kept {
        household: household.map(|household| household.as_str().to_owned()),
        value,
        created_at_ms: now_ms,
    };
    session.insert(kind.session_key(), kept).await
}

/// Takes the secret of `kind` for `household`, if one is waiting and still fresh. One for
/// another household stays for that household's page; a stale one is dropped.
pub async fn take(
    session: &Session,
    kind: NewSecret,
    household: Option<&HouseholdId>,
    now_ms: i64,
) -> Result<Option<String>, Error> {
    let Some(kept) = session.get::<Kept>(kind.session_key()).await? else {
        return Ok(None);
    };
    let fresh = (0..SHOWN_ONCE_TTL_MS).contains(&(now_ms - kept.created_at_ms));
    if fresh && kept.household.as_deref() != household.map(HouseholdId::as_str) {
        return Ok(None);
    }
    session.remove_value(kind.session_key()).await?;
    Ok(fresh.then_some(kept.value))
}
