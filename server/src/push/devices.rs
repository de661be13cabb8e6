//! A member's subscribed devices and the kinds they turned off: the SQL behind the account page's
//! push section. Not household-scoped: a device belongs to its member, who is the signed-in
//! person of every call here (`user`).

use app::{
    ids::UserId,
    push::{MAX_DEVICES, PushDevice},
};

use crate::db::{Store, StoreError};

/// A device as the store keeps it once checked (`push::service`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub label: String,
    pub time_zone: String,
}

/// What subscribing a device did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscribed {
    Added,
    /// The member has [`MAX_DEVICES`] devices already: nothing was changed.
    Full,
}

impl Store {
    /// Subscribes a device for `user`, replacing an earlier subscription of the same endpoint
    /// (the same browser subscribing again, perhaps for another person), unless the member has
    /// [`MAX_DEVICES`] devices already. One transaction under the member's row lock, so two
    /// subscriptions of one person at once (two tabs, two phones) count one after the other and
    /// the limit holds on PostgreSQL too (SQLite allows one writer at a time anyway).
    #[tracing::instrument(name = "store.subscribe_push", skip_all)]
    pub async fn subscribe_push(
        &self,
        user: &UserId,
        device: &Subscription,
        now_ms: i64,
    ) -> Result<Subscribed, StoreError> {
        let mut tx = self.begin().await?;
        let locked = sqlx::query(r"update users set display_name = display_name where id = $1")
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(r"delete from push_subscriptions where endpoint = $1")
            .bind(&device.endpoint)
            .execute(&mut *tx)
            .await?;
        let added = sqlx::query(
            r"insert into push_subscriptions
                  (id, user_id, endpoint, p256dh, auth, label, time_zone, created_at)
              select $1, $2, $3, $4, $5, $6, $7, $8
              where (select count(*) from push_subscriptions where user_id = $2) < $9",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(user.as_str())
        .bind(&device.endpoint)
        .bind(&device.p256dh)
        .bind(&device.auth)
        .bind(&device.label)
        .bind(&device.time_zone)
        .bind(now_ms)
        .bind(i64::try_from(MAX_DEVICES).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Ok(Subscribed::Full);
        }
        tx.commit().await?;
        Ok(Subscribed::Added)
    }

    /// The member's devices, oldest first.
    #[tracing::instrument(name = "store.push_devices", skip_all)]
    pub async fn push_devices(&self, user: &UserId) -> Result<Vec<PushDevice>, StoreError> {
        let mut conn = self.acquire().await?;
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            r"select id, label, created_at from push_subscriptions where user_id = $1
              order by created_at, id",
        )
        .bind(user.as_str())
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, label, created_at_ms)| PushDevice {
                id,
                label,
                created_at_ms,
            })
            .collect())
    }

    /// Removes one of the member's devices and its pending pushes; [`StoreError::NotFound`]
    /// for anyone else's (or none).
    #[tracing::instrument(name = "store.remove_push_device", skip_all)]
    pub async fn remove_push_device(&self, user: &UserId, device: &str) -> Result<(), StoreError> {
        let mut conn = self.acquire().await?;
        let removed = sqlx::query(r"delete from push_subscriptions where id = $1 and user_id = $2")
            .bind(device)
            .bind(user.as_str())
            .execute(&mut *conn)
            .await?;
        if removed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The kinds (events) the member turned off.
    #[tracing::instrument(name = "store.push_muted", skip_all)]
    pub async fn push_muted(&self, user: &UserId) -> Result<Vec<String>, StoreError> {
        let mut conn = self.acquire().await?;
        Ok(
            sqlx::query_scalar(r"select kind from push_muted where user_id = $1 order by kind")
                .bind(user.as_str())
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    /// Turns off exactly the kinds `muted` for the member (the others on).
    #[tracing::instrument(name = "store.set_push_muted", skip_all)]
    pub async fn set_push_muted(&self, user: &UserId, muted: &[&str]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from push_muted where user_id = $1")
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
        if !muted.is_empty() {
            let statement = format!(
                "insert into push_muted (user_id, kind) values {}",
                crate::db::placeholders(muted.len(), 2)
            );
            let mut insert = sqlx::query(&statement);
            for kind in muted {
                insert = insert.bind(user.as_str()).bind(*kind);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A device's name from its browser's user agent: "Chrome on Android", "Safari on iPhone",
/// "Firefox on Windows"; "A browser" when it says nothing we know.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        Some("Edge")
    } else if ua.contains("SamsungBrowser/") {
        Some("Samsung Internet")
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        Some("Firefox")
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") {
        Some("Chrome")
    } else if ua.contains("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let system = if ua.contains("iPhone") {
        Some("iPhone")
    } else if ua.contains("iPad") {
        Some("iPad")
    } else if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("Mac")
    } else if ua.contains("CrOS") {
        Some("ChromeOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "A browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn a_device_is_named_by_its_browser_and_system() {
        for (ua, label) in [
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            ("curl/8.5.0", "A browser"),
        ] {
            assert_eq!(device_label(ua), label, "{ua}");
        }
    }
}
