//! Session records for `tower-sessions` (see `crate::auth::sessions`), keyed by a hash of the id.

use crate::db::{Store, StoreError, is_unique_violation};

/// A session's data (JSON) and when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    pub expires_at_ms: i64,
}

impl Store {
    /// Stores a new session; `false` if the id is taken (the caller picks another). Expired
    /// sessions are swept here, so no background task is needed (docs/architecture.md, decision 2).
    #[tracing::instrument(name = "store.create_session", skip_all)]
    pub async fn create_session(
        &self,
        id_hash: &str,
        session: &StoredSession,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from sessions where expires_at <= $1")
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        let inserted =
            sqlx::query(r"insert into sessions (id_hash, data, expires_at) values ($1, $2, $3)")
                .bind(id_hash)
                .bind(&session.data)
                .bind(session.expires_at_ms)
                .execute(&mut *tx)
                .await;
        match inserted {
            Ok(_) => {
                tx.commit().await?;
                Ok(true)
            }
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Updates an existing session. Never re-creates one: a request that was in flight while the
    /// person signed out must not bring the session back.
    #[tracing::instrument(name = "store.save_session", skip_all)]
    pub async fn save_session(
        &self,
        id_hash: &str,
        session: &StoredSession,
    ) -> Result<(), StoreError> {
        sqlx::query(r"update sessions set data = $2, expires_at = $3 where id_hash = $1")
            .bind(id_hash)
            .bind(&session.data)
            .bind(session.expires_at_ms)
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }

    /// A session that exists and has not expired. The first read of every signed-in request, so
    /// it is the one that meets a connection the database ended: a read, retried once.
    #[tracing::instrument(name = "store.load_session", skip_all)]
    pub async fn load_session(
        &self,
        id_hash: &str,
        now_ms: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        self.retry_once(|| self.load_session_once(id_hash, now_ms))
            .await
    }

    async fn load_session_once(
        &self,
        id_hash: &str,
        now_ms: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            r"select data, expires_at from sessions where id_hash = $1 and expires_at > $2",
        )
        .bind(id_hash)
        .bind(now_ms)
        .fetch_optional(&mut *self.acquire().await?)
        .await?;
        Ok(row.map(|(data, expires_at_ms)| StoredSession {
            data,
            expires_at_ms,
        }))
    }

    #[tracing::instrument(name = "store.delete_session", skip_all)]
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query(r"delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }
}
