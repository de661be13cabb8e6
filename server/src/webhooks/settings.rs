//! A household's webhook setting: where its events go and the secret they are signed with.
//! Admins only.

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

use super::queue::drop_pending_deliveries;

/// A household's webhook, without its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredWebhook {
    pub url: String,
    pub created_at_ms: i64,
}

impl Store {
    /// The household's webhook, without its secret. Admins only.
    #[tracing::instrument(name = "store.webhook", skip_all)]
    pub async fn webhook(
        &self,
        access: &HouseholdAccess,
    ) -> Result<Option<StoredWebhook>, StoreError> {
        access.require_admin()?;
        let mut conn = self.acquire().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as(r"select url, created_at from webhooks where household_id = $1")
                .bind(access.household_id().as_str())
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.map(|(url, created_at_ms)| StoredWebhook { url, created_at_ms }))
    }

    /// Sets or replaces the household's webhook. Admins only. Deliveries still pending go to the
    /// new address, signed with the new secret.
    #[tracing::instrument(name = "store.set_webhook", skip_all)]
    pub async fn set_webhook(
        &self,
        access: &HouseholdAccess,
        url: &str,
        secret: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        access.require_admin()?;
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from webhooks where household_id = $1")
            .bind(access.household_id().as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"insert into webhooks (household_id, url, secret, created_at, set_by)
              values ($1, $2, $3, $4, $5)",
        )
        .bind(access.household_id().as_str())
        .bind(url)
        .bind(secret)
        .bind(now_ms)
        .bind(access.user_id().as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the household's webhook and drops its pending deliveries. Admins only.
    #[tracing::instrument(name = "store.remove_webhook", skip_all)]
    pub async fn remove_webhook(&self, access: &HouseholdAccess) -> Result<(), StoreError> {
        access.require_admin()?;
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from webhooks where household_id = $1")
            .bind(access.household_id().as_str())
            .execute(&mut *tx)
            .await?;
        drop_pending_deliveries(&mut tx, access.household_id().as_str()).await?;
        tx.commit().await?;
        Ok(())
    }
}
