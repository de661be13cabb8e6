//! VAPID (RFC 8292): the server's P-256 key pair that push services know it by. Made once by the
//! first instance that needs it and stored as a server key (`server_keys`, name
//! [`KEY_NAME`], its PKCS#8 document in hex), so every instance signs with the same key and the
//! devices' subscriptions (bound to its public key) keep working across deploys. Never logged.
//!
//! Each push carries `Authorization: vapid t=<JWT>, k=<public key>`: an ES256 JWT for the push
//! service's origin, valid 12 hours.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair},
};
use tokio::sync::OnceCell;

use crate::db::{Store, StoreError};

/// The server key's name in `server_keys`.
pub const KEY_NAME: &str = "vapid_pkcs8";
/// How long a signed JWT is valid (RFC 8292 allows at most 24 hours).
const VALID_SECONDS: i64 = 12 * 3600;

/// The VAPID key pair, read (or made) the first time it is needed, then kept.
#[derive(Clone)]
pub struct Vapid {
    store: Store,
    /// Who to contact about this server's pushes (the JWT's `sub`): the site's address.
    subject: Option<String>,
    pair: Arc<OnceCell<Arc<EcdsaKeyPair>>>,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Vapid")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Vapid {
    pub fn new(store: Store, subject: Option<String>) -> Self {
        Self {
            store,
            subject,
            pair: Arc::default(),
        }
    }

    async fn pair(&self) -> Result<&EcdsaKeyPair, StoreError> {
        self.pair
            .get_or_try_init(|| async {
                let rng = SystemRandom::new();
                let fresh = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| StoreError::Corrupt("server_keys (no randomness)"))?;
                let stored = self
                    .store
                    .server_key_made(KEY_NAME, crate::digest::hex(fresh.as_ref()))
                    .await?;
                let document =
                    hex::decode(stored).map_err(|_| StoreError::Corrupt("server_keys.vapid"))?;
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &document, &rng)
                    .map(Arc::new)
                    .map_err(|_| StoreError::Corrupt("server_keys.vapid"))
            })
            .await
            .map(|pair| &**pair)
    }

    /// The public key, base64url (65 bytes, uncompressed): the page subscribes with it
    /// (`applicationServerKey`).
    pub async fn public_key(&self) -> Result<String, StoreError> {
        Ok(URL_SAFE_NO_PAD.encode(self.pair().await?.public_key().as_ref()))
    }

    /// The `Authorization` header for a push to `endpoint` at `now_ms`.
    pub async fn authorization(
        &self,
        endpoint: &url::Url,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        let pair = self.pair().await?;
        let audience = endpoint.origin().ascii_serialization();
        let mut claims = serde_json::json!({
            "aud": audience,
            "exp": now_ms.div_euclid(1000) + VALID_SECONDS,
        });
        if let Some(subject) = &self.subject {
            claims["sub"] = serde_json::Value::String(subject.clone());
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = pair
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .map_err(|_| StoreError::Corrupt("server_keys.vapid (signing)"))?;
        Ok(format!(
            "vapid t={signing_input}.{}, k={}",
            URL_SAFE_NO_PAD.encode(signature.as_ref()),
            URL_SAFE_NO_PAD.encode(pair.public_key().as_ref())
        ))
    }
}
