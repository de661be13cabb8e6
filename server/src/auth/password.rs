//! Password hashing with argon2id, off the async runtime, with a fixed memory footprint.
//!
//! Parameters: OWASP's Password Storage Cheat Sheet minimum for argon2id, m = 19456 KiB (19 MiB),
//! t = 2 iterations, p = 1 lane (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
//! The parameters are stored inside each PHC hash string, so raising them later keeps old
//! hashes verifiable.
//!
//! Each hash needs 19 MiB of working memory, and sign-ins are the one thing a stranger can make
//! the server do as often as they like. So at most [`Hasher::workers`] hashes run at once (one per
//! CPU), each in a buffer taken from a small pool instead of a fresh allocation; at most
//! [`Hasher::queue`] more wait for a turn; anyone beyond that is told to come back
//! ([`PasswordError::Busy`], answered 503 with `Retry-After`). A buffer goes back to the pool
//! while someone is waiting for it and is freed when nobody is, so an idle server holds none.

use std::sync::{Arc, LazyLock, Mutex};

use app::accounts::Password;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version, password_hash::phc::Salt};
use tokio::sync::{Semaphore, TryAcquireError};

pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const LANES: u32 = 1;
/// Hashes allowed to wait for a turn per running one.
const QUEUE_PER_WORKER: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// Every worker is busy and the queue is full.
    #[error("too many password checks at once")]
    Busy,
}

fn params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .expect("the documented argon2 parameters are valid")
}

/// Bounded argon2id hashing; see the module documentation.
#[derive(Debug)]
pub struct Hasher {
    workers: usize,
    queue: usize,
    /// Admission: `workers + queue` permits, taken without waiting.
    admitted: Semaphore,
    /// A turn at hashing: `workers` permits, each moved into the blocking task that hashes.
    running: Arc<Semaphore>,
    /// Spare working memory, at most `workers` buffers.
    buffers: Mutex<Vec<Vec<Block>>>,
}

impl Hasher {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Self {
            workers,
            queue,
            admitted: Semaphore::new(workers + queue),
            running: Arc::new(Semaphore::new(workers)),
            buffers: Mutex::new(Vec::with_capacity(workers)),
        }
    }

    /// The server's hashing pool: one worker per CPU and a queue of [`QUEUE_PER_WORKER`] each.
    /// Every sign-up, sign-in and password change of one server goes through it; two servers in
    /// one process (as the tests start them) each have their own.
    pub fn for_this_machine() -> Arc<Self> {
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Arc::new(Self::new(workers, workers * QUEUE_PER_WORKER))
    }

    /// How many hashes may run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// How many hashes may wait for a turn.
    pub fn queue(&self) -> usize {
        self.queue
    }

    /// Buffers held for reuse right now (0 when nobody is waiting).
    pub fn spare_buffers(&self) -> usize {
        self.buffers.lock().map_or(0, |b| b.len())
    }

    /// Hashes a new password (PHC string with a random salt).
    pub async fn hash(self: &Arc<Self>, password: Password) -> Result<String, PasswordError> {
        self.run(move |memory| {
            let salt = Salt::generate();
            let params = params();
            let output = compute(
                Algorithm::Argon2id,
                Version::V0x13,
                &params,
                password.expose().as_bytes(),
                &salt,
                memory,
            )?;
            let hash = PasswordHash {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: (&params)
                    .try_into()
                    .map_err(|e: argon2::password_hash::Error| {
                        PasswordError::Hash(e.to_string())
                    })?,
                salt: Some(salt),
                hash: Some(output),
            };
            Ok(hash.to_string())
        })
        .await
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown email) it checks against
    /// a dummy hash and answers `false`, taking the same time.
    pub async fn verify(
        self: &Arc<Self>,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        self.run(move |memory| {
            let known = stored.is_some();
            let stored = stored.as_deref().unwrap_or(DUMMY_HASH.as_str());
            let matches = matches(password.expose().as_bytes(), stored, memory)?;
            Ok(known && matches)
        })
        .await
    }

    /// Runs `work` on a blocking thread with a working-memory buffer, within the bounds.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let _admitted = match self.admitted.try_acquire() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => {
                crate::metrics::password_hash_refused();
                return Err(PasswordError::Busy);
            }
        };
        let turn = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| PasswordError::Busy)?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut memory = pool.take_buffer();
            let result = work(&mut memory);
            pool.give_back(memory);
            result
        })
        .await?
    }

    fn take_buffer(&self) -> Vec<Block> {
        self.buffers
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    /// Keeps the buffer for the next hash if one is waiting for a turn; frees it otherwise, and
    /// frees every spare buffer when this was the last hash in flight (a waiting caller that gave
    /// up may have left one behind).
    fn give_back(&self, memory: Vec<Block>) {
        // Permits in use: admitted = running + waiting; running = holding a turn. This hash still
        // holds both of its permits.
        let admitted = self.workers + self.queue - self.admitted.available_permits();
        let running = self.workers - self.running.available_permits();
        let waiting = admitted.saturating_sub(running);
        let Ok(mut spare) = self.buffers.lock() else {
            return;
        };
        if waiting > 0 && spare.len() < self.workers {
            spare.push(memory);
        } else if admitted <= 1 {
            spare.clear();
        }
    }
}

/// The argon2 output for `password` under the given settings, computed in `memory` (resized to
/// what the parameters need; a pooled buffer already has the right size).
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    memory: &mut Vec<Block>,
) -> Result<argon2::password_hash::phc::Output, PasswordError> {
    let failed = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    memory.resize(params.block_count(), Block::default());
    let mut out = [0u8; 64];
    let len = params
        .output_len()
        .unwrap_or(Params::DEFAULT_OUTPUT_LEN)
        .min(out.len());
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(password, salt, &mut out[..len], memory.as_mut_slice())
        .map_err(|e| failed(&e))?;
    argon2::password_hash::phc::Output::new(&out[..len]).map_err(|e| failed(&e))
}

/// Whether `password` hashes to the PHC string `stored` (compared in constant time).
fn matches(password: &[u8], stored: &str, memory: &mut Vec<Block>) -> Result<bool, PasswordError> {
    let failed = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let parsed = PasswordHash::new(stored).map_err(|e| failed(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| failed(&e))?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| failed(&e))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|e| failed(&e))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(PasswordError::Hash(
            "the stored hash has no salt or output".into(),
        ));
    };
    let actual = compute(algorithm, version, &params, password, salt, memory)?;
    // `Output`'s equality is constant-time.
    Ok(actual == *expected)
}

/// A hash of a password nobody has, verified when an email has no account, so that a sign-in
/// attempt takes as long whether or not the account exists.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::PasswordHasher;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
        .hash_password(b"no account has this password")
        .expect("hashing a constant succeeds")
        .to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn password(p: &str) -> Password {
        Password::attempt(p.to_owned()).unwrap()
    }

    async fn hash(p: Password) -> Result<String, PasswordError> {
        Hasher::for_this_machine().hash(p).await
    }

    async fn verify(p: Password, stored: Option<String>) -> Result<bool, PasswordError> {
        Hasher::for_this_machine().verify(p, stored).await
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
    async fn a_hash_made_by_the_reference_api_verifies_and_ours_verifies_there() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let theirs = reference
            .hash_password(b"pass phrase one")
            .unwrap()
            .to_string();
        assert!(
            verify(password("pass phrase one"), Some(theirs))
                .await
                .unwrap()
        );
        let ours = hash(password("pass phrase two")).await.unwrap();
        assert!(
            reference
                .verify_password(b"pass phrase two", ours.as_str())
                .is_ok()
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_workers_and_the_queue_a_hash_is_refused_and_no_buffer_is_kept() {
        let small = Arc::new(Hasher::new(1, 2));
        let attempts: Vec<_> = (0..12)
            .map(|_| {
                let small = Arc::clone(&small);
                tokio::spawn(async move { small.hash(password("a long password")).await })
            })
            .collect();
        let mut done = 0;
        let mut busy = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(_) => done += 1,
                Err(PasswordError::Busy) => busy += 1,
                Err(other) => panic!("{other}"),
            }
        }
        assert!(
            (1..=3).contains(&done),
            "at most one running and two waiting: {done}"
        );
        assert_eq!(done + busy, 12);
        assert_eq!(small.spare_buffers(), 0, "an idle pool holds no memory");
        // And it serves again once the burst is over.
        assert!(small.hash(password("a long password")).await.is_ok());
    }
}
