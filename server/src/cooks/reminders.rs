//! The cook's evening-before reminder, sent by the background batch (`batch.rs`): "Tomorrow
//! you're cooking Curry for 5", to the cook alone, through the outbox (a notification, and the
//! household's webhook), linking to the dish's recipe page when it has a recipe.
//!
//! Exactly once per meal: each reminder's transaction first inserts the meal's `cook_reminders`
//! row with `on conflict do nothing`, and writes the event only when that insert took; two
//! instances sweeping at once therefore send one (the second waits on the first's key and then
//! inserts nothing). Only a decided meal with a winner and a cook who is still a member is
//! reminded, from 18:00 the evening before until the day begins (`app::cooks::reminder_due`).

use std::sync::LazyLock;

use app::cooks::{candidate_days, reminder_due};
use serde::Serialize;

use super::eaters::eaters_of_slot;
use crate::{
    db::{Store, StoreError},
    notifications::outbox::{Event, EventKind, record_event_for},
};

/// What one sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RemindReport {
    /// Cooks reminded by this sweep.
    pub reminded: u32,
    /// Meals another sweep reminded first.
    pub already_reminded: u32,
}

/// A meal whose cook may be due a reminder.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    slot_id: String,
    plan_id: String,
    household_id: String,
    day: String,
    utc_offset_minutes: i64,
    cook_id: String,
    dish_id: String,
    dish: String,
    /// 1 when the dish has a recipe (ingredients or steps): its page is linked.
    has_recipe: i64,
    eaters: i64,
    webhook: i64,
}

/// Decided meals with a winner, on the days `$1`..`$2`, whose cook is a member and has not been
/// reminded: at most `$3`, earliest first.
static CANDIDATES: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select s.id as slot_id, p.id as plan_id, p.household_id, s.day, p.utc_offset_minutes,
                 s.cook_id, d.id as dish_id, d.name as dish,
                 cast(case when coalesce(d.ingredients, '') <> '' or coalesce(d.steps, '') <> ''
                      then 1 else 0 end as bigint) as has_recipe,
                 cast((select count(*) from users u where u.id in ({eaters})) + s.guests as bigint) as eaters,
                 cast(case when exists (select 1 from webhooks w
                                        where w.household_id = p.household_id)
                      then 1 else 0 end as bigint) as webhook
          from slots s join plans p on p.id = s.plan_id
          join slot_results r on r.slot_id = s.id
          join slot_options o on o.id = r.winner_option_id
          join dishes d on d.id = o.dish_id
          join memberships m on m.household_id = p.household_id and m.user_id = s.cook_id
          where s.cook_id is not null and s.day >= $1 and s.day <= $2
            and not exists (select 1 from cook_reminders c where c.slot_id = s.id)
          order by s.day, s.id
          limit $3",
        eaters = eaters_of_slot("s.id", "p.id", "p.household_id"),
    )
});

impl Store {
    /// Reminds the cooks whose meal is tomorrow and whose evening has come (up to `limit`
    /// meals): one read, then one transaction per reminder. Retried once on a connection the
    /// database had ended: a reminder already sent is not sent again.
    #[tracing::instrument(name = "store.remind_cooks", skip_all, fields(reminded))]
    pub async fn remind_cooks(&self, now_ms: i64, limit: u32) -> Result<RemindReport, StoreError> {
        self.retry_once(|| self.remind_cooks_once(now_ms, limit))
            .await
    }

    async fn remind_cooks_once(&self, now_ms: i64, limit: u32) -> Result<RemindReport, StoreError> {
        let (first, last) = candidate_days(now_ms);
        let rows: Vec<CandidateRow> = sqlx::query_as(CANDIDATES.as_str())
            .bind(&first)
            .bind(&last)
            .bind(i64::from(limit))
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let mut report = RemindReport::default();
        for row in rows
            .iter()
            .filter(|row| reminder_due(&row.day, row.utc_offset_minutes, now_ms))
        {
            if self.remind_cook(row, now_ms).await? {
                report.reminded += 1;
            } else {
                report.already_reminded += 1;
            }
        }
        tracing::Span::current().record("reminded", report.reminded);
        Ok(report)
    }

    /// One reminder in its own transaction: the key first, the event only if the key is new.
    async fn remind_cook(&self, row: &CandidateRow, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            r"insert into cook_reminders (slot_id, user_id, sent_at)
              select s.id, s.cook_id, $3 from slots s where s.id = $1 and s.cook_id = $2
              on conflict (slot_id) do nothing",
        )
        .bind(&row.slot_id)
        .bind(&row.cook_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            return Ok(false);
        }
        let recipe =
            (row.has_recipe == 1).then(|| app::routes::dish(&row.household_id, &row.dish_id));
        let event = Event {
            household: &row.household_id,
            kind: EventKind::CookReminder,
            actor: None,
            plan: Some(&row.plan_id),
            slot: Some(&row.slot_id),
            data: serde_json::json!({
                "dish": row.dish,
                "eaters": row.eaters,
                "recipe": recipe,
            }),
        };
        record_event_for(&mut tx, event, &row.cook_id, now_ms, row.webhook == 1).await?;
        tx.commit().await?;
        Ok(true)
    }
}
