//! Fixed-window attempt counters in the shared database, so limits hold across instances.

use crate::db::{Store, StoreError};

impl Store {
    /// Counts one attempt for `key` in the current window of `window_ms` and returns the attempts
    /// so far in that window (this one included) and the window's start. One atomic statement:
    /// concurrent attempts on any instance are all counted.
    #[tracing::instrument(name = "store.hit_rate_limit", skip_all)]
    pub async fn hit_rate_limit(
        &self,
        key: &str,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<(i64, i64), StoreError> {
        let window_start = now_ms - now_ms.rem_euclid(window_ms);
        let hits: i64 = sqlx::query_scalar(
            r"insert into rate_limits (key, window_start, hits) values ($1, $2, 1)
              on conflict (key) do update set
                  hits = case when rate_limits.window_start = excluded.window_start
                              then rate_limits.hits + 1 else 1 end,
                  window_start = excluded.window_start
              returning hits",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(&mut *self.acquire().await?)
        .await?;
        Ok((hits, window_start))
    }

    /// Takes back one attempt counted for `key` in the window starting at `window_start` (a
    /// reserved failure that turned out a success); nothing when that window has passed.
    #[tracing::instrument(name = "store.release_rate_limit", skip_all)]
    pub async fn release_rate_limit(&self, key: &str, window_start: i64) -> Result<(), StoreError> {
        sqlx::query(
            r"update rate_limits set hits = hits - 1
              where key = $1 and window_start = $2 and hits > 0",
        )
        .bind(key)
        .bind(window_start)
        .execute(&mut *self.acquire().await?)
        .await?;
        Ok(())
    }

    /// The secret under which rate-limit subjects (addresses, emails) are hashed into keys: made
    /// at random by the first instance that needs it and stored, so every instance counts under
    /// the same keys. Read here each time; `auth::limits::RateLimits` keeps it for the process.
    pub async fn rate_limit_key(&self) -> Result<String, StoreError> {
        self.server_key("rate_limits").await
    }

    /// The server key `name`, created if missing. Two instances racing both read the one stored.
    /// Each use has its own name (`rate_limits`, `posted_errors`).
    #[tracing::instrument(name = "store.server_key", skip_all)]
    pub(crate) async fn server_key(&self, name: &str) -> Result<String, StoreError> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|_| StoreError::Corrupt("server_keys (no randomness)"))?;
        self.server_key_made(name, crate::digest::hex(&bytes)).await
    }

    /// The server key `name`, stored as `fresh` unless another instance stored one first (a key
    /// that is not 32 random bytes, such as the VAPID key pair's PKCS#8 document).
    pub(crate) async fn server_key_made(
        &self,
        name: &str,
        fresh: String,
    ) -> Result<String, StoreError> {
        let mut conn = self.acquire().await?;
        sqlx::query(
            r"insert into server_keys (name, value, created_at) values ($1, $2, $3)
              on conflict (name) do nothing",
        )
        .bind(name)
        .bind(&fresh)
        .bind(crate::clock::now_ms())
        .execute(&mut *conn)
        .await?;
        Ok(
            sqlx::query_scalar(r"select value from server_keys where name = $1")
                .bind(name)
                .fetch_one(&mut *conn)
                .await?,
        )
    }
}
