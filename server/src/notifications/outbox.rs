//! The outbox: every change a household hears about, written in the same transaction as the
//! change itself, with its webhook delivery queued beside it when the household has a webhook
//! (`docs/notifications.md`). Members read it as notifications; the background batch sends the
//! deliveries.

use sqlx::{Any, Transaction};

use crate::db::{StoreError, placeholders};

/// A change the household hears about (`outbox.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    PlanProposed,
    BallotCast,
    SlotClosed,
    PlanDecided,
    /// A closed slot's winner's ingredients joined its plan's shopping list.
    ListChanged,
    /// A member nudged someone eating a meal to rank it: one event per nudged member, for that
    /// member only.
    SlotNudged,
    /// The evening before a meal, its cook is reminded: for the cook only.
    CookReminder,
    /// A reminder to rank a meal whose voting closes within 2 hours, for one member who has not
    /// (written by the background batch for members with a phone subscribed: `crate::push`).
    VoteReminder,
    /// An admin was demoted, removed or left: their invites were withdrawn and the webhook they
    /// set switched off. Admins only.
    AdminAccessEnded,
    /// A meal closed with every option ruled out for someone eating it: for the plan's proposer
    /// only, who may add an option and re-open it.
    NoOptionSuits,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlanProposed => "plan_proposed",
            Self::BallotCast => "ballot_cast",
            Self::SlotClosed => "slot_closed",
            Self::PlanDecided => "plan_decided",
            Self::ListChanged => "list_changed",
            Self::SlotNudged => "slot_nudged",
            Self::CookReminder => "cook_reminder",
            Self::VoteReminder => "vote_reminder",
            Self::AdminAccessEnded => "admin_access_ended",
            Self::NoOptionSuits => "no_option_suits",
        }
    }

    /// Whether the batch pushes it to members' phones (`app::push::PUSHED`, `crate::push`).
    fn pushed(self) -> bool {
        app::push::pushed(self.as_str()).is_some()
    }

    /// Whether only the household's admins see it among their notifications.
    fn admins_only(self) -> bool {
        matches!(self, Self::AdminAccessEnded)
    }
}

/// An event for the outbox.
pub(crate) struct Event<'a> {
    pub household: &'a str,
    pub kind: EventKind,
    pub actor: Option<&'a str>,
    pub plan: Option<&'a str>,
    pub slot: Option<&'a str>,
    /// The event's details; the webhook body wraps them.
    pub data: serde_json::Value,
}

/// Writes `event` to the outbox in the caller's transaction, and queues its webhook delivery
/// when the household has a webhook.
pub(crate) async fn record_event(
    tx: &mut Transaction<'_, Any>,
    event: Event<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    record_event_to(tx, event, now_ms, true).await
}

/// [`record_event`] for a caller that has already read, in the same transaction, whether the
/// household has a webhook: without one, the delivery statement is skipped.
pub(crate) async fn record_event_to(
    tx: &mut Transaction<'_, Any>,
    event: Event<'_>,
    now_ms: i64,
    webhook: bool,
) -> Result<(), StoreError> {
    record(tx, event, None, now_ms, webhook).await
}

/// [`record_event_to`] for an event meant for one member, `recipient`: only they list it among
/// their notifications (the webhook still receives it).
pub(crate) async fn record_event_for(
    tx: &mut Transaction<'_, Any>,
    event: Event<'_>,
    recipient: &str,
    now_ms: i64,
    webhook: bool,
) -> Result<(), StoreError> {
    record(tx, event, Some(recipient), now_ms, webhook).await
}

async fn record(
    tx: &mut Transaction<'_, Any>,
    event: Event<'_>,
    recipient: Option<&str>,
    now_ms: i64,
    webhook: bool,
) -> Result<(), StoreError> {
    record_all(tx, &[(event, recipient)], now_ms, webhook).await
}

/// Writes several events of one change (a close's `slot_closed`, `list_changed`, `plan_decided`
/// and `no_option_suits`) in the caller's transaction with the statements of one: a single insert
/// into the outbox, and a single one queueing their webhook deliveries. They read back in the
/// order given. Each event is for the whole household (`None`) or for one member only (as
/// [`record_event_for`]).
pub(crate) async fn record_events(
    tx: &mut Transaction<'_, Any>,
    events: Vec<(Event<'_>, Option<&str>)>,
    now_ms: i64,
) -> Result<(), StoreError> {
    record_all(tx, &events, now_ms, true).await
}

async fn record_all(
    tx: &mut Transaction<'_, Any>,
    events: &[(Event<'_>, Option<&str>)],
    now_ms: i64,
    webhook: bool,
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    // Time-ordered (and monotonic within a process), so events that share a millisecond, such as
    // a slot's close and its plan's decision, still read back in the order they happened when
    // sorted by `(created_at, id)`.
    let ids: Vec<String> = events
        .iter()
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let sql = format!(
        r"insert into outbox
              (id, household_id, kind, actor_id, plan_id, slot_id, payload, created_at, admins_only,
               recipient_id, push_pending)
          values {}",
        placeholders(events.len(), 11)
    );
    let mut insert = sqlx::query(&sql);
    for (id, (event, recipient)) in ids.iter().zip(events) {
        let payload = serde_json::json!({
            "id": id,
            "type": event.kind.as_str(),
            "household_id": event.household,
            "plan_id": event.plan,
            "slot_id": event.slot,
            "at_ms": now_ms,
            "data": event.data,
        });
        insert = insert
            .bind(id.clone())
            .bind(event.household)
            .bind(event.kind.as_str())
            .bind(event.actor)
            .bind(event.plan)
            .bind(event.slot)
            .bind(payload.to_string())
            .bind(now_ms)
            .bind(i64::from(event.kind.admins_only()))
            .bind(*recipient)
            .bind(i64::from(event.kind.pushed()));
    }
    insert.execute(&mut **tx).await?;
    if !webhook {
        return Ok(());
    }
    let sql = format!(
        r"insert into webhook_deliveries (outbox_id, household_id, next_attempt_at)
          select o.id, w.household_id, $1 from outbox o join webhooks w on w.household_id = o.household_id
          where o.id in ({}) order by o.id",
        (2..ids.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut queue = sqlx::query(&sql).bind(now_ms);
    for id in &ids {
        queue = queue.bind(id.clone());
    }
    queue.execute(&mut **tx).await?;
    Ok(())
}
