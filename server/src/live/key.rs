//! Poll keys: what a live page hands its script instead of a session. A key names the member,
//! the [`Subject`] and its id, and when the member's session signed in, HMAC-signed with a server
//! key and good for [`KEY_LIFETIME_MS`] (the page's next fetch of itself brings a new one).

use app::ids::HouseholdId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Subject;
use crate::{auth::server_keys::ServerKey, clock::now_ms, db::Store, digest::hex};

/// How long a poll key is good for.
pub const KEY_LIFETIME_MS: i64 = 15 * 60 * 1000;
/// The header a page's script sends its key in.
pub const KEY_HEADER: &str = "x-live-key";

/// Issues and checks poll keys; the signing key is read once per process.
#[derive(Clone, Debug)]
pub struct Keys {
    key: ServerKey,
}

/// Who a key was issued to.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Holder {
    pub user: String,
    pub signed_in_at_ms: i64,
}

/// What a key opens: a subject of a household, by id (a plan's or a slot's).
pub struct Watched<'a> {
    pub subject: Subject,
    pub household: &'a HouseholdId,
    pub id: &'a str,
}

impl Keys {
    pub fn new(store: Store) -> Self {
        Self {
            key: ServerKey::new(store, "live_poll"),
        }
    }

    /// A key for `user`, whose session signed in at `signed_in_at_ms`, to poll `watched`.
    /// Empty when the signing key cannot be read (the poll then answers 401 and the page
    /// simply stays as it is).
    pub async fn issue(
        &self,
        user: &str,
        watched: &Watched<'_>,
        signed_in_at_ms: i64,
        now_ms: i64,
    ) -> String {
        let Some(secret) = self.key.get_or_log().await else {
            return String::new();
        };
        let expires = now_ms + KEY_LIFETIME_MS;
        let signature = sign(secret, user, watched, signed_in_at_ms, expires);
        format!("{user}.{signed_in_at_ms}.{expires}.{signature}")
    }

    /// Who holds `key`, if it is this server's, unexpired, and for `watched`.
    pub(super) async fn holder(&self, key: &str, watched: &Watched<'_>) -> Option<Holder> {
        let secret = self.key.get_or_log().await?;
        let mut parts = key.split('.');
        let (user, signed_in, expires, signature) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let signed_in_at_ms: i64 = signed_in.parse().ok()?;
        let expires_ms: i64 = expires.parse().ok()?;
        let expected = sign(secret, user, watched, signed_in_at_ms, expires_ms);
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
    watched: &Watched<'_>,
    signed_in_at_ms: i64,
    expires_ms: i64,
) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    let Watched {
        subject,
        household,
        id,
    } = watched;
    let subject = subject.as_str();
    mac.update(
        format!("live-poll|{subject}|{user}|{household}|{id}|{signed_in_at_ms}|{expires_ms}")
            .as_bytes(),
    );
    hex(&mac.finalize().into_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
