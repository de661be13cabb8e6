//! Calendar feeds: one secret URL per member (only its token's SHA-256 is stored), and what the
//! feed lists — every slot of the member's households' recent and coming plans with its outcome.

use std::collections::HashMap;

use app::ids::{HouseholdId, SlotId, UserId};

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

/// The most slots one household's feed lists (its latest days): five months of a week's
/// lunches and dinners. What a household can propose in the feed's window is bounded by
/// `app::quotas::MAX_PLANS_PER_DAY`; this keeps one feed's work bounded whatever the data.
pub const MAX_FEED_SLOTS: usize = 1_000;

/// One slot as the calendar feed shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarSlot {
    pub slot: SlotId,
    pub household: HouseholdId,
    pub household_name: String,
    pub plan_title: String,
    /// `YYYY-MM-DD`, in the household's local time.
    pub day: String,
    pub meal: String,
    /// The plan proposer's offset from UTC: the meal's local time is read in it.
    pub utc_offset_minutes: i32,
    /// Dish names, in the slot's order.
    pub options: Vec<String>,
    pub deadline_ms: i64,
    /// Closed (with a winner or without votes).
    pub closed: bool,
    pub winner: Option<String>,
}

/// A slot as [`Store::calendar_slots`] reads it.
#[derive(sqlx::FromRow)]
struct CalendarRow {
    id: String,
    household_name: String,
    plan_title: String,
    day: String,
    meal: String,
    utc_offset_minutes: i64,
    /// The slot's own deadline after a re-open, else the plan's.
    deadline_at: i64,
    /// 1 once the slot has a result.
    closed: i64,
    winner: Option<String>,
}

impl Store {
    /// Gives the member a feed under `token_hash`, replacing (and so revoking) any earlier one.
    #[tracing::instrument(name = "store.set_calendar_feed", skip_all)]
    pub async fn set_calendar_feed(
        &self,
        user: &UserId,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from calendar_feeds where user_id = $1")
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"insert into calendar_feeds (user_id, token_hash, created_at) values ($1, $2, $3)",
        )
        .bind(user.as_str())
        .bind(token_hash)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns the member's feed off: its URL answers 404 from now on.
    #[tracing::instrument(name = "store.delete_calendar_feed", skip_all)]
    pub async fn delete_calendar_feed(&self, user: &UserId) -> Result<(), StoreError> {
        sqlx::query(r"delete from calendar_feeds where user_id = $1")
            .bind(user.as_str())
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }

    /// Whether the member has a feed (its URL itself cannot be shown again).
    #[tracing::instrument(name = "store.has_calendar_feed", skip_all)]
    pub async fn has_calendar_feed(&self, user: &UserId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar(r"select cast(1 as bigint) from calendar_feeds where user_id = $1")
                .bind(user.as_str())
                .fetch_optional(&mut *self.acquire().await?)
                .await?;
        Ok(found.is_some())
    }

    /// The member a feed token belongs to; `None` for an unknown or revoked token.
    #[tracing::instrument(name = "store.calendar_feed_user", skip_all)]
    pub async fn calendar_feed_user(&self, token_hash: &str) -> Result<Option<UserId>, StoreError> {
        let user: Option<String> =
            sqlx::query_scalar(r"select user_id from calendar_feeds where token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut *self.acquire().await?)
                .await?;
        Ok(user.map(UserId::from_stored))
    }

    /// The household's slots of plans whose last day is `since_day` (`YYYY-MM-DD`) or later, by
    /// day and position: at most [`MAX_FEED_SLOTS`], the latest days kept. The caller settles
    /// overdue slots first.
    ///
    /// Two statements and one pass over their rows: the options arrive grouped by slot, in the
    /// slots' order, so each slot takes its run of options without scanning the others.
    #[tracing::instrument(name = "store.calendar_slots", skip_all)]
    pub async fn calendar_slots(
        &self,
        access: &HouseholdAccess,
        since_day: &str,
    ) -> Result<Vec<CalendarSlot>, StoreError> {
        let mut conn = self.acquire().await?;
        let limit = i64::try_from(MAX_FEED_SLOTS).unwrap_or(i64::MAX);
        let mut rows: Vec<CalendarRow> = sqlx::query_as(
            r"select s.id, h.name as household_name, p.title as plan_title, s.day, s.meal,
                     p.utc_offset_minutes, coalesce(s.deadline_at, p.deadline_at) as deadline_at,
                     cast(case when r.slot_id is null then 0 else 1 end as bigint) as closed,
                     (select d.name from slot_options o join dishes d on d.id = o.dish_id
                      where o.id = r.winner_option_id) as winner
              from slots s
              join plans p on p.id = s.plan_id
              join households h on h.id = p.household_id
              left join slot_results r on r.slot_id = s.id
              where p.household_id = $1 and p.last_day >= $2
              order by s.day desc, p.id desc, s.position desc
              limit $3",
        )
        .bind(access.household_id().as_str())
        .bind(since_day)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.reverse();
        let Some(oldest) = rows.first().map(|row| row.day.clone()) else {
            return Ok(Vec::new());
        };
        let options: Vec<(String, String)> = sqlx::query_as(
            r"select o.slot_id, d.name
              from slot_options o join slots s on s.id = o.slot_id
              join plans p on p.id = s.plan_id join dishes d on d.id = o.dish_id
              where p.household_id = $1 and p.last_day >= $2 and s.day >= $3
              order by o.slot_id, o.position",
        )
        .bind(access.household_id().as_str())
        .bind(since_day)
        .bind(&oldest)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let mut by_slot: HashMap<String, Vec<String>> = HashMap::with_capacity(rows.len());
        for (slot, name) in options {
            by_slot.entry(slot).or_default().push(name);
        }
        rows.into_iter()
            .map(|row| {
                Ok(CalendarSlot {
                    options: by_slot.remove(&row.id).unwrap_or_default(),
                    slot: SlotId::from_stored(row.id),
                    household: access.household_id().clone(),
                    household_name: row.household_name,
                    plan_title: row.plan_title,
                    day: row.day,
                    meal: row.meal,
                    utc_offset_minutes: i32::try_from(row.utc_offset_minutes)
                        .map_err(|_| StoreError::Corrupt("plans.utc_offset_minutes"))?,
                    deadline_ms: row.deadline_at,
                    closed: row.closed == 1,
                    winner: row.winner,
                })
            })
            .collect()
    }
}
