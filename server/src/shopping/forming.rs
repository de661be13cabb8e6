//! The list forms as votes close: when a slot closes with a winner, the winner's ingredients,
//! scaled from the recipe's servings to the people eating, join the plan's list in the close's
//! own transaction (so a close that runs twice, or on two instances at once, adds them once: the
//! close itself happens once). A winner without ingredients adds "Curry (no ingredients yet)".
//! The list's change goes to the outbox as `list_changed`, written with the close's other events.
//!
//! Cost: two statements (the household's merged foods among them, then the upsert; the recipe
//! comes with the close's read of the options, and the event rides on the close's own two).

use app::{ids::PlanId, recipes::Ingredient, shopping::additions_for_winner};
use sqlx::{Any, Transaction};

use super::lines::add;
use crate::{
    db::StoreError,
    notifications::outbox::{Event, EventKind},
};

/// A winning dish's recipe as the close read it with the slot's options.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct WinnerRecipe {
    pub name: String,
    pub serves: Option<i64>,
    /// JSON: the dish's parsed ingredient lines.
    pub ingredients: Option<String>,
}

impl WinnerRecipe {
    fn lines(&self) -> Result<Vec<Ingredient>, StoreError> {
        match &self.ingredients {
            None => Ok(Vec::new()),
            Some(json) => {
                serde_json::from_str(json).map_err(|_| StoreError::Corrupt("dishes.ingredients"))
            }
        }
    }
}

/// The closed slot whose winner joins the list.
pub struct ClosedWinner<'a> {
    pub household: &'a str,
    pub plan: &'a PlanId,
    pub slot: &'a str,
    /// "Wed dinner".
    pub slot_label: String,
    pub winner: &'a WinnerRecipe,
    /// The people eating: the meal's attendees and its guests.
    pub eaters: i64,
}

/// Adds the winner's lines to the plan's list in the close's transaction, and returns the
/// `list_changed` event for the close to record with its own.
pub(crate) async fn join_list<'a>(
    tx: &mut Transaction<'_, Any>,
    closed: &ClosedWinner<'a>,
    now_ms: i64,
) -> Result<Event<'a>, StoreError> {
    let serves = u32::try_from(closed.winner.serves.unwrap_or(0)).unwrap_or(0);
    let eaters = u32::try_from(closed.eaters).unwrap_or(0);
    let additions = additions_for_winner(
        &closed.slot_label,
        &closed.winner.name,
        &closed.winner.lines()?,
        serves,
        eaters,
    );
    let lines = add(tx, closed.household, closed.plan, additions, now_ms).await?;
    Ok(Event {
        household: closed.household,
        kind: EventKind::ListChanged,
        actor: None,
        plan: Some(closed.plan.as_str()),
        slot: Some(closed.slot),
        data: serde_json::json!({
            "dish": closed.winner.name,
            "lines_added": lines.len(),
            "foods": lines.iter().map(|l| l.food.as_str()).collect::<Vec<_>>(),
        }),
    })
}
