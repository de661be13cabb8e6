//! The poll's handlers: `GET …/version` for each [`Subject`] (`app::routes::templates`). Unchanged,
//! `304 Not Modified` with no body for one SQL statement; changed, `200` with the new version, and
//! the page fetches itself again; a forged, expired or other subject's key `401`, a member no
//! longer there `404`.

use app::ids::{HouseholdId, PlanId, SlotId};
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{KEY_HEADER, Keys, Subject, key::Watched};
use crate::db::Store;

/// The poll's state: the store and the keys, read once.
#[derive(Clone, Debug)]
pub struct Poll {
    store: Store,
    keys: Keys,
}

/// The three polls' routes, outside the session layer.
pub fn routes<S: Clone + Send + Sync + 'static>(store: Store) -> Router<S> {
    let poll = Poll {
        keys: Keys::new(store.clone()),
        store,
    };
    Router::new()
        .route(
            app::routes::templates::SHOPPING_LIST_VERSION,
            get(|poll, path, headers| version::<PlanId>(Subject::List, poll, path, headers)),
        )
        .route(
            app::routes::templates::PLAN_VERSION,
            get(|poll, path, headers| version::<PlanId>(Subject::Plan, poll, path, headers)),
        )
        .route(
            app::routes::templates::SLOT_VERSION,
            get(|poll, path, headers| version::<SlotId>(Subject::Slot, poll, path, headers)),
        )
        .with_state(poll)
}

/// One poll: `Id` is the kind of id the subject's address ends in (a plan's, a slot's); an
/// address with anything else is not found.
async fn version<Id: TryFrom<String> + std::fmt::Display>(
    subject: Subject,
    State(poll): State<Poll>,
    Path((household, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = Id::try_from(id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    answer(&poll, subject, household, &id.to_string(), &headers).await
}

async fn answer(
    poll: &Poll,
    subject: Subject,
    household: String,
    id: &str,
    headers: &HeaderMap,
) -> Response {
    let Ok(household) = HouseholdId::try_from(household) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = headers
        .get(KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let watched = Watched {
        subject,
        household: &household,
        id,
    };
    let Some(holder) = poll.keys.holder(key, &watched).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let version = poll
        .store
        .live_version(
            subject,
            &holder.user,
            &household,
            id,
            holder.signed_in_at_ms,
        )
        .await;
    let version = match version {
        Ok(Some(version)) => version,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "a live page's version could not be read");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let etag = etag(version);
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|seen| seen.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        axum::Json(serde_json::json!({ "version": version.to_string() })).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// The `ETag` of a version, as pages write it for their script (`data-live-version`).
fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}
