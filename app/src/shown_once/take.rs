//! Taking a fresh secret out of the session: the server function, and the page's resource.

use leptos::prelude::*;

use super::NewSecret;
use crate::error::AppError;

/// The secret of `kind` this session has just created (for `household_id`, when the kind
/// belongs to a household), or nothing. Taking it removes it from the session.
#[server(endpoint = "take_new_secret")]
pub async fn take_new_secret(
    kind: NewSecret,
    household_id: Option<String>,
) -> Result<Option<String>, AppError> {
    use crate::ids::HouseholdId;
    crate::service::serve(
        |accounts: std::sync::Arc<dyn crate::accounts::AccountsService>, req| async move {
            let household = household_id.map(HouseholdId::try_from).transpose()?;
            accounts.take_new_secret(&req, kind, household).await
        },
    )
    .await
}

/// The page's fresh secret of `kind`, when this session has just created one. A failure to read
/// it shows nothing rather than breaking the page around it. Call it once per page, where the
/// page component starts: content inside a `Suspense` may be built more than once while the page
/// renders, and only the first take gets the secret.
pub fn new_secret(kind: NewSecret, household: Option<String>) -> Resource<Option<String>> {
    Resource::new(
        || (),
        move |()| {
            let household = household.clone();
            async move { take_new_secret(kind, household).await.ok().flatten() }
        },
    )
}
