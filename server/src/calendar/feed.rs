//! `GET /calendar/{token}.ics`: a member's calendar feed. The token in the URL is the credential
//! (calendar apps send no cookies), so the route sits outside the session and same-origin layers;
//! only the token's SHA-256 is stored, and an unknown or revoked token gets a bare 404. The feed
//! still goes through the one membership check: it lists the households `Store::household_access`
//! (which asks `Member::access`) lets the member into, each settled (overdue slots closed) first.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::feed_cache::{FeedCache, Rendered};
use crate::{
    access::HouseholdAccess,
    clock::now_ms,
    db::{Store, StoreError},
    digest::sha256_hex,
};

/// Plans whose last day is at most this many days ago are still listed.
const PAST_DAYS: i64 = 60;

#[derive(Clone)]
pub struct CalendarFeed {
    pub store: Store,
    /// `https://host` when `PUBLIC_BASE_URL` is set: events then link to their slot's page.
    pub origin: Option<String>,
    pub cache: FeedCache,
}

/// The feed, or 304 when the calendar app's `If-None-Match` names the one it has. Rendering runs
/// on a blocking thread, so a large feed never holds up the async threads other requests (and
/// `/healthz`) need.
pub async fn feed(
    State(feed): State<CalendarFeed>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match render(&feed, token).await {
        Ok(Some(rendered)) => answer(&rendered, &headers),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "calendar feed failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn answer(rendered: &Rendered, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&rendered.etag).ok();
    let cached = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim().trim_start_matches("W/") == rendered.etag);
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            rendered.body.to_string(),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// Why a feed could not be answered (503, logged).
#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("rendering the feed failed: {0}")]
    Render(#[from] tokio::task::JoinError),
}

async fn render(feed: &CalendarFeed, token: &str) -> Result<Option<Rendered>, FeedError> {
    let Some(user) = feed
        .store
        .calendar_feed_user(&sha256_hex(token.as_bytes()))
        .await?
    else {
        return Ok(None);
    };
    let mut accesses = Vec::new();
    for household in feed.store.households_of(&user).await? {
        match feed.store.household_access(&user, &household.id).await {
            Ok(access) => accesses.push(access),
            // Left between the two reads.
            Err(StoreError::NotFound) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let households: Vec<&str> = accesses.iter().map(|a| a.household_id().as_str()).collect();
    let key = format!("{}|{}", user.as_str(), households.join(","));
    let rendered = feed
        .cache
        .get_or_render(key, || render_fresh(feed, accesses))
        .await?;
    Ok(Some(rendered))
}

async fn render_fresh(
    feed: &CalendarFeed,
    accesses: Vec<HouseholdAccess>,
) -> Result<String, FeedError> {
    let now = now_ms();
    let since = time::OffsetDateTime::from_unix_timestamp(now / 1000 - PAST_DAYS * 86_400)
        .map(|t| app::plans::day_iso(t.date()))
        .unwrap_or_default();
    let mut slots = Vec::new();
    for access in &accesses {
        feed.store.settle_household(access, now).await?;
        slots.extend(feed.store.calendar_slots(access, &since).await?);
    }
    let origin = feed.origin.clone();
    // Stamped with the hour, not the second: the same data renders the same bytes (and entity
    // tag) for an hour, so a calendar app's `If-None-Match` can be answered 304.
    let stamp = now - now.rem_euclid(3_600_000);
    let body = tokio::task::spawn_blocking(move || {
        crate::calendar::render(&slots, stamp, origin.as_deref())
    })
    .await?;
    Ok(body)
}
