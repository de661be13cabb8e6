//! Sessions with `tower-sessions`, stored in the shared database so every instance sees them.
//!
//! The cookie (`session`) holds a random 128-bit id; the table holds only its SHA-256. Expiry
//! slides: 30 days after the last request, give or take an hour. Saving the session (and
//! re-sending the cookie) on every response would cost a durable write per page view, so a
//! signed-in request saves only when the session changed or its last extension is more than
//! [`REFRESH_EVERY_MS`] old ([`keep_alive`]). Signing in issues a new id (`cycle_id`); signing
//! out deletes the record.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::{
    Expiry, SessionManagerLayer, SessionStore,
    cookie::SameSite,
    session::{Id, Record},
    session_store,
};

use crate::{accounts::StoredSession, db::Store};
use crate::{clock::now_ms, digest::sha256_hex};

pub const COOKIE_NAME: &str = "session";
pub const LIFETIME_DAYS: i64 = 30;

/// Session keys.
pub const USER_ID: &str = "user_id";
pub const CURRENT_HOUSEHOLD: &str = "household_id";
/// When the person signed in to this session (ms since the epoch): a session from before the
/// account's `sessions_valid_from` (sign out everywhere, a password change) is ended.
pub const SIGNED_IN_AT: &str = "signed_in_at";
/// When the session's expiry was last extended (ms since the epoch).
pub const REFRESHED_AT: &str = "refreshed_at";

/// How often a session in use has its expiry pushed back.
pub const REFRESH_EVERY_MS: i64 = 3_600_000;

/// Extends a signed-in session's expiry if it was last extended over an hour ago: changing the
/// session makes the layer save it (new expiry in the table) and re-send the cookie.
pub async fn keep_alive(
    session: &tower_sessions::Session,
    now_ms: i64,
) -> Result<(), tower_sessions::session::Error> {
    let refreshed: Option<i64> = session.get(REFRESHED_AT).await?;
    if refreshed.is_none_or(|at| now_ms - at >= REFRESH_EVERY_MS || at > now_ms) {
        session.insert(REFRESHED_AT, now_ms).await?;
    }
    Ok(())
}

/// The session layer: cookie `HttpOnly`, `SameSite=Lax` (sent on top-level navigations from
/// other sites, such as an invite link opened from a chat app, never on their form posts),
/// `Secure` when the site is served over HTTPS.
pub fn layer(store: Store, https: bool) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore { store })
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(LIFETIME_DAYS)))
        // Saved when changed; `keep_alive` changes it once an hour to make the expiry slide.
        .with_always_save(false)
}

/// `tower-sessions`' storage interface over our [`Store`].
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    store: Store,
}

fn id_hash(id: &Id) -> String {
    sha256_hex(&id.0.to_le_bytes())
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn stored(record: &Record) -> session_store::Result<StoredSession> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires_at_ms = i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok(StoredSession {
        data,
        expires_at_ms,
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let session = stored(record)?;
        // A collision of random 128-bit ids is all but impossible; if one happens, draw again.
        while !self
            .store
            .create_session(&id_hash(&record.id), &session, now_ms())
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store
            .save_session(&id_hash(&record.id), &stored(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(session) = self
            .store
            .load_session(&id_hash(id), now_ms())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&session.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(session.expires_at_ms) * 1_000_000,
        )
        .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .delete_session(&id_hash(id))
            .await
            .map_err(backend)
    }
}
