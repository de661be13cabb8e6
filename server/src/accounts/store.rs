//! People: accounts and the credentials they sign in with.

use app::{
    accounts::{DisplayName, Email},
    ids::UserId,
};

use crate::db::{Store, StoreError, is_unique_violation};

/// A person as other people see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub display_name: String,
}

impl Store {
    /// Creates an account; [`StoreError::EmailTaken`] when the address has one already.
    #[tracing::instrument(name = "store.create_user", skip_all)]
    pub async fn create_user(
        &self,
        email: &Email,
        display_name: &DisplayName,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<UserId, StoreError> {
        let id = UserId::generate();
        sqlx::query(
            r"insert into users (id, email, display_name, password_hash, created_at)
              values ($1, $2, $3, $4, $5)",
        )
        .bind(id.as_str())
        .bind(email.as_str())
        .bind(display_name.as_str())
        .bind(password_hash)
        .bind(now_ms)
        .execute(&mut *self.acquire().await?)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::EmailTaken
            } else {
                StoreError::Database(error)
            }
        })?;
        Ok(id)
    }

    /// The account id and password hash for an email address, if it has an account.
    #[tracing::instrument(name = "store.credentials", skip_all)]
    pub async fn credentials(&self, email: &Email) -> Result<Option<(UserId, String)>, StoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as(r"select id, password_hash from users where email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *self.acquire().await?)
                .await?;
        Ok(row.map(|(id, hash)| (UserId::from_stored(id), hash)))
    }

    #[tracing::instrument(name = "store.user", skip_all)]
    pub async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as(r"select id, display_name from users where id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *self.acquire().await?)
                .await?;
        Ok(row.map(|(id, display_name)| User {
            id: UserId::from_stored(id),
            display_name,
        }))
    }

    /// The account's email and password hash, to check its current password.
    #[tracing::instrument(name = "store.password_hash", skip_all)]
    pub async fn password_hash(&self, id: &UserId) -> Result<(Email, String), StoreError> {
        let (email, hash): (String, String) =
            sqlx::query_as(r"select email, password_hash from users where id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *self.acquire().await?)
                .await?
                .ok_or(StoreError::NotFound)?;
        let email = Email::try_from(email).map_err(|_| StoreError::Corrupt("users.email"))?;
        Ok((email, hash))
    }

    /// Ends every session of the account signed in before `now_ms` ("sign out everywhere");
    /// with `password_hash`, also sets a new password. The caller starts a fresh session for
    /// the person who asked.
    ///
    /// Whoever held one of those sessions may have made links that outlive it, so the account's
    /// calendar link and every pending invite it made (in any household) end too; the page the
    /// owner lands on says so. Which session made a link is not recorded, so all of them go.
    #[tracing::instrument(name = "store.end_sessions", skip_all)]
    pub async fn end_sessions(
        &self,
        id: &UserId,
        password_hash: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            r"update users set sessions_valid_from = $2,
                               password_hash = coalesce($3, password_hash)
              where id = $1",
        )
        .bind(id.as_str())
        .bind(now_ms)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(r"delete from calendar_feeds where user_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"update invites set revoked_at = $2
              where created_by = $1 and revoked_at is null and expires_at > $2
                and (single_use = 0 or uses = 0)",
        )
        .bind(id.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
