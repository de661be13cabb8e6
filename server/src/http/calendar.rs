//! `GET /calendar/{token}.ics`: a member's calendar feed. The token in the URL is the credential
//! (calendar apps send no cookies), so the route sits outside the session and same-origin layers;
//! only the token's SHA-256 is stored, and an unknown or revoked token gets a bare 404. The feed
//! still goes through the one membership check: it lists the households `Store::household_access`
//! lets the member into, each settled (overdue slots closed) first.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    clock::now_ms,
    digest::sha256_hex,
    store::{Store, StoreError},
};

/// Plans whose last day is at most this many days ago are still listed.
const PAST_DAYS: i64 = 60;

#[derive(Clone)]
pub struct CalendarFeed {
    pub store: Store,
    /// `https://host` when `PUBLIC_BASE_URL` is set: events then link to their slot's page.
    pub origin: Option<String>,
}

pub async fn feed(State(feed): State<CalendarFeed>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match render(&feed, token).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "calendar feed failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn render(feed: &CalendarFeed, token: &str) -> Result<Option<String>, StoreError> {
    let Some(user) = feed
        .store
        .calendar_feed_user(&sha256_hex(token.as_bytes()))
        .await?
    else {
        return Ok(None);
    };
    let now = now_ms();
    let since = time::OffsetDateTime::from_unix_timestamp(now / 1000 - PAST_DAYS * 86_400)
        .map(|t| app::plans::day_iso(t.date()))
        .unwrap_or_default();
    let mut slots = Vec::new();
    for household in feed.store.households_of(&user).await? {
        let access = match feed.store.household_access(&user, &household.id).await {
            Ok(access) => access,
            // Left between the two reads.
            Err(StoreError::NotFound) => continue,
            Err(error) => return Err(error),
        };
        feed.store.settle_household(&access, now).await?;
        slots.extend(feed.store.calendar_slots(&access, &since).await?);
    }
    Ok(Some(crate::calendar::render(
        &slots,
        now,
        feed.origin.as_deref(),
    )))
}
