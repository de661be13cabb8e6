//! Storing a slot's outcome, inside the closing transaction: its ballots counted into the ballot
//! file and result ([`count_ballots`]), the result row, and the events the household hears
//! (`slot_closed`, and `plan_decided` when it was the plan's last open slot).

use app::{
    ids::{HouseholdId, OptionId, PlanId, SlotId},
    plans::slot_label,
};
use sqlx::{Any, Transaction};

use super::{
    ClosePath, Closed,
    count::{count_ballots, new_salt},
    due::SlotRow,
};
use crate::{
    db::StoreError,
    notifications::outbox::{Event, EventKind, record_events},
    shopping::forming::{ClosedWinner, WinnerRecipe, join_list},
};

/// One of the slot's options, with its dish's recipe.
#[derive(sqlx::FromRow)]
struct OptionRow {
    id: String,
    #[sqlx(flatten)]
    recipe: WinnerRecipe,
}

/// Counts the slot's ballots as they stand, stores the result closed at `closed_at_ms` for
/// `path`, and records its events at `now_ms`.
pub(super) async fn store(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
    path: ClosePath,
    closed_at_ms: i64,
    now_ms: i64,
) -> Result<Closed, StoreError> {
    let ballots: Vec<(String, String)> =
        sqlx::query_as(r"select user_id, ranking from ballots where slot_id = $1 order by user_id")
            .bind(&slot.id)
            .fetch_all(&mut **tx)
            .await?;
    // With each dish's recipe, for the shopping list the winner joins.
    let dishes: Vec<OptionRow> = sqlx::query_as(
        r"select o.id, d.name, cast(d.serves as bigint) as serves, d.ingredients
          from slot_options o join dishes d on d.id = o.dish_id
          where o.slot_id = $1 order by o.position",
    )
    .bind(&slot.id)
    .fetch_all(&mut **tx)
    .await?;
    let options: Vec<(String, String)> = dishes
        .iter()
        .map(|dish| (dish.id.clone(), dish.recipe.name.clone()))
        .collect();
    let counted = count_ballots(&slot.id, closed_at_ms, &new_salt()?, &options, &ballots)?;
    let winner = counted.order.first().cloned();
    let order_json = serde_json::to_string(&counted.order)
        .map_err(|_| StoreError::Corrupt("slot_results.final_order"))?;
    sqlx::query(
        r"insert into slot_results (slot_id, closed_at, close_path, ballot_count, ballots_digest,
                                    seed, winner_option_id, final_order, tie_break, export)
          values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&slot.id)
    .bind(closed_at_ms)
    .bind(path.label())
    .bind(i64::try_from(ballots.len()).unwrap_or(i64::MAX))
    .bind(&counted.digest)
    .bind(counted.seed.to_string())
    .bind(winner.as_ref().map(OptionId::as_str))
    .bind(&order_json)
    .bind(&counted.tie_break)
    .bind(&counted.export)
    .execute(&mut **tx)
    .await?;
    let winner_name = winner.as_ref().and_then(|id| {
        options
            .iter()
            .find(|(option, _)| option == id.as_str())
            .map(|(_, name)| name.clone())
    });
    let data = serde_json::json!({
        "day": slot.day,
        "meal": slot.meal,
        "winner": winner_name,
        "ballots": ballots.len(),
        "closed_by": path.label(),
        "by_lot": counted.by_lot,
    });
    let won = winner
        .as_ref()
        .and_then(|id| dishes.iter().find(|dish| dish.id == id.as_str()));
    announce(tx, slot, data, won.map(|dish| &dish.recipe), now_ms).await?;
    Ok(Closed {
        slot: SlotId::from_stored(slot.id.clone()),
        household: HouseholdId::from_stored(slot.household.clone()),
        path,
        winner,
        winner_name,
        by_lot: counted.by_lot,
    })
}

/// Records `slot_closed`; the winner's ingredients join the plan's shopping list (recording
/// `list_changed`); and `plan_decided` when no slot of the plan is left open. The events go to the
/// outbox together, in two statements however many there are.
async fn announce(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
    data: serde_json::Value,
    winner: Option<&WinnerRecipe>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let mut events = vec![Event {
        household: &slot.household,
        kind: EventKind::SlotClosed,
        actor: None,
        plan: Some(&slot.plan),
        slot: Some(&slot.id),
        data,
    }];
    let plan = PlanId::from_stored(slot.plan.clone());
    if let Some(winner) = winner {
        let closed = ClosedWinner {
            household: &slot.household,
            plan: &plan,
            slot: &slot.id,
            slot_label: slot_label(&slot.day, &slot.meal),
            winner,
            eaters: slot.eaters,
        };
        events.push(join_list(tx, &closed, now_ms).await?);
    }
    let open_slots: i64 = sqlx::query_scalar(
        r"select cast(count(*) as bigint) from slots s
          where s.plan_id = $1 and not exists (select 1 from slot_results r where r.slot_id = s.id)",
    )
    .bind(&slot.plan)
    .fetch_one(&mut **tx)
    .await?;
    if open_slots == 0 {
        events.push(Event {
            household: &slot.household,
            kind: EventKind::PlanDecided,
            actor: None,
            plan: Some(&slot.plan),
            slot: None,
            data: serde_json::json!({}),
        });
    }
    record_events(tx, events, now_ms).await
}
