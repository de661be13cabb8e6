//! The list page's poll: `GET /households/{household}/plans/{plan}/list/version`, asked every few
//! seconds while the page is visible. Unchanged, it answers `304 Not Modified` with no body for
//! one SQL statement; changed, `200` with the new version, and the page fetches itself again.
//!
//! It passes no session layer (a session read per poll would be most of its cost). The page
//! hands its script a poll key instead: the member, the plan and when the session signed in,
//! HMAC-signed with a server key, valid for [`KEY_LIFETIME_MS`]. The one statement checks the
//! rest: that the member still belongs to the household and that the session was not ended by
//! "sign out everywhere" or a password change since.

use app::ids::{HouseholdId, PlanId};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{auth::server_keys::ServerKey, clock::now_ms, db::Store, digest::hex};

/// How long a poll key is good for: the page's next fetch of itself brings a new one.
pub const KEY_LIFETIME_MS: i64 = 15 * 60 * 1000;
pub const KEY_HEADER: &str = "x-list-key";

/// The poll's state: the store and its signing key, read once.
#[derive(Clone, Debug)]
pub struct Poll {
    store: Store,
    key: ServerKey,
}

/// Who a key was issued to.
#[derive(Debug, PartialEq, Eq)]
struct Holder {
    user: String,
    signed_in_at_ms: i64,
}

impl Poll {
    pub fn new(store: Store) -> Self {
        Self {
            key: ServerKey::new(store.clone(), "shopping_poll"),
            store,
        }
    }

    async fn key(&self) -> Option<&str> {
        self.key.get_or_log().await
    }

    /// A key for `user` to poll `plan`'s list.
    pub async fn issue(
        &self,
        user: &str,
        household: &HouseholdId,
        plan: &PlanId,
        signed_in_at_ms: i64,
        now_ms: i64,
    ) -> String {
        let Some(secret) = self.key().await else {
            return String::new();
        };
        let expires = now_ms + KEY_LIFETIME_MS;
        let signature = sign(secret, user, household, plan, signed_in_at_ms, expires);
        format!("{user}.{signed_in_at_ms}.{expires}.{signature}")
    }

    async fn holder(&self, key: &str, household: &HouseholdId, plan: &PlanId) -> Option<Holder> {
        let secret = self.key().await?;
        let mut parts = key.split('.');
        let (user, signed_in, expires, signature) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let signed_in_at_ms: i64 = signed_in.parse().ok()?;
        let expires_ms: i64 = expires.parse().ok()?;
        let expected = sign(secret, user, household, plan, signed_in_at_ms, expires_ms);
        let valid = parts.next().is_none()
            && expires_ms > now_ms()
            && constant_time_eq(expected.as_bytes(), signature.as_bytes());
        valid.then(|| Holder {
            user: user.to_owned(),
            signed_in_at_ms,
        })
    }
}

fn sign(
    secret: &str,
    user: &str,
    household: &HouseholdId,
    plan: &PlanId,
    signed_in_at_ms: i64,
    expires_ms: i64,
) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(
        format!("list-poll|{user}|{household}|{plan}|{signed_in_at_ms}|{expires_ms}").as_bytes(),
    );
    hex(&mac.finalize().into_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The poll's handler.
pub async fn version(
    State(poll): State<Poll>,
    Path((household, plan)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(household), Ok(plan)) = (HouseholdId::try_from(household), PlanId::try_from(plan))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = headers
        .get(KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let Some(holder) = poll.holder(key, &household, &plan).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let version = poll
        .store
        .shopping_list_version(&holder.user, &household, &plan, holder.signed_in_at_ms)
        .await;
    let version = match version {
        Ok(Some(version)) => version,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "the list's version could not be read");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let etag = format!("\"v{version}\"");
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
