//! Password hashing with argon2id, off the async runtime.
//!
//! Parameters: OWASP's Password Storage Cheat Sheet minimum for argon2id, m = 19456 KiB (19 MiB),
//! t = 2 iterations, p = 1 lane (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
//! The parameters are stored inside each PHC hash string, so raising them later keeps old
//! hashes verifiable.

use std::sync::LazyLock;

use app::accounts::Password;
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier},
};

pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const LANES: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .expect("the documented argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified when an email has no account, so that a sign-in
/// attempt takes as long whether or not the account exists.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    argon2()
        .hash_password(b"no account has this password")
        .expect("hashing a constant succeeds")
        .to_string()
});

/// Hashes a new password (PHC string with a random salt).
pub async fn hash(password: Password) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (unknown email) it checks against a
/// dummy hash and answers `false`, taking the same time.
pub async fn verify(password: Password, stored: Option<String>) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = argon2()
            .verify_password(password.expose().as_bytes(), hash.as_str())
            .is_ok();
        known && matches
    })
    .await
    .map_err(PasswordError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(p: &str) -> Password {
        Password::attempt(p.to_owned()).unwrap()
    }

    #[tokio::test]
    async fn a_hash_is_argon2id_with_the_documented_parameters_and_verifies() {
        let hash = hash(password("correct horse battery")).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify(password("correct horse battery"), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(password("wrong horse battery"), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(
            !verify(password("no account has this password"), None)
                .await
                .unwrap()
        );
    }
}
