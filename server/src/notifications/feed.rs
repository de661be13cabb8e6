//! A member's notifications: the household's outbox read from where they last looked
//! (`memberships.notifications_seen_at`), their own actions left out.

use app::notifications::{MAX_NOTIFICATIONS, Notification};
use sqlx::Row;

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

impl Store {
    /// The household's latest changes for the member, newest first (at most
    /// [`MAX_NOTIFICATIONS`]), their own actions left out.
    #[tracing::instrument(name = "store.notifications", skip_all)]
    pub async fn notifications(
        &self,
        access: &HouseholdAccess,
    ) -> Result<Vec<Notification>, StoreError> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            r"select o.kind, o.payload, o.created_at, o.plan_id, o.slot_id, u.display_name, p.title,
                     s.day, s.meal, m.notifications_seen_at, m.joined_at
              from outbox o
              join memberships m on m.household_id = o.household_id and m.user_id = $2
              left join users u on u.id = o.actor_id
              left join plans p on p.id = o.plan_id
              left join slots s on s.id = o.slot_id
              where o.household_id = $1 and (o.actor_id is null or o.actor_id <> $2)
                and (o.admins_only = 0 or m.role = 'admin')
                and (o.recipient_id is null or o.recipient_id = $2)
              order by o.created_at desc, o.id desc
              limit $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(i64::from(MAX_NOTIFICATIONS))
        .fetch_all(&mut *conn)
        .await?;
        let household = access.household_id();
        rows.into_iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let payload: String = row.try_get("payload")?;
                let at_ms: i64 = row.try_get("created_at")?;
                let plan: Option<String> = row.try_get("plan_id")?;
                let slot: Option<String> = row.try_get("slot_id")?;
                let actor: Option<String> = row.try_get("display_name")?;
                let title: Option<String> = row.try_get("title")?;
                let day: Option<String> = row.try_get("day")?;
                let meal: Option<String> = row.try_get("meal")?;
                let seen_at: i64 = row.try_get("notifications_seen_at")?;
                let joined_at: i64 = row.try_get("joined_at")?;
                let data = serde_json::from_str::<serde_json::Value>(&payload)
                    .ok()
                    .and_then(|payload| payload.get("data").cloned())
                    .unwrap_or_default();
                let text = app::notifications::notification_text(
                    &kind,
                    actor.as_deref(),
                    title.as_deref(),
                    day.as_deref().zip(meal.as_deref()),
                    &data,
                );
                let href = app::notifications::notification_link(
                    &kind,
                    household,
                    plan.as_deref(),
                    slot.as_deref(),
                    &data,
                );
                Ok(Notification {
                    text,
                    at_ms,
                    unread: at_ms > seen_at && at_ms > joined_at,
                    href,
                })
            })
            .collect()
    }

    /// How many of the household's changes since the member last marked all as read, and since
    /// they joined, are not their own: someone who joins an old household does not start with its
    /// whole history unread (the list still shows it).
    #[tracing::instrument(name = "store.unread_count", skip_all)]
    pub async fn unread_count(&self, access: &HouseholdAccess) -> Result<u32, StoreError> {
        let mut conn = self.acquire().await?;
        let unread: i64 = sqlx::query_scalar(
            r"select cast(count(*) as bigint) from outbox o
              join memberships m on m.household_id = o.household_id and m.user_id = $2
              where o.household_id = $1 and o.created_at > m.notifications_seen_at
                and o.created_at > m.joined_at and (o.actor_id is null or o.actor_id <> $2)
                and (o.admins_only = 0 or m.role = 'admin')
                and (o.recipient_id is null or o.recipient_id = $2)",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .fetch_one(&mut *conn)
        .await?;
        Ok(u32::try_from(unread).unwrap_or(u32::MAX))
    }

    /// Marks everything up to `now_ms` as read for the member.
    #[tracing::instrument(name = "store.mark_notifications_read", skip_all)]
    pub async fn mark_notifications_read(
        &self,
        access: &HouseholdAccess,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.acquire().await?;
        sqlx::query(
            r"update memberships set notifications_seen_at = $3
              where household_id = $1 and user_id = $2 and notifications_seen_at < $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
