//! Storing a slot's outcome, inside the closing transaction: its ballots counted into the ballot
//! file and result ([`count_ballots`]), the result row, and the events the household hears
//! (`slot_closed`, and `plan_decided` when it was the plan's last open slot).

use app::{
    cant_eat::{Entry, OptionDish, ruled_out},
    ids::{HouseholdId, OptionId, PlanId, SlotId},
    plans::{EligibilityInput, eligibility, slot_label},
};
use std::{collections::BTreeSet, sync::LazyLock};

use sqlx::{Any, Transaction};

use super::{
    ClosePath, Closed,
    count::{Attendance, Context, Counted, EligibilityRecord, count_ballots, new_salt},
    due::SlotRow,
};
use crate::{
    attendance::attendees_of_slot,
    cant_eat::{entries_of, parse_entry},
    db::StoreError,
    notifications::outbox::{Event, EventKind, record_events},
    shopping::forming::{ClosedWinner, WinnerRecipe, join_list},
};

/// One of the slot's options, with its dish's recipe, and whether that dish already won an
/// earlier slot of the plan.
#[derive(sqlx::FromRow)]
struct OptionRow {
    id: String,
    dish_id: String,
    #[sqlx(flatten)]
    recipe: WinnerRecipe,
    won_earlier: i64,
}

/// One row of who ate: a counted ballot (`part` 0: member, ranking), a member who is out (1:
/// member, name), an attendee (2: member) or an entry of an attendee's "can't eat" list (3:
/// member, entry, `crate::cant_eat::entries_of`).
#[derive(sqlx::FromRow)]
struct PersonRow {
    part: i64,
    user_id: String,
    detail: String,
}

/// The attendees' ballots, who is out, the attendees and their "can't eat" entries; `$1` the
/// slot, `$2` its plan, `$3` the household.
static PEOPLE: LazyLock<String> = LazyLock::new(|| {
    let attendees = attendees_of_slot("$1", "$2", "$3");
    let cant_eat = entries_of(&attendees, "$3");
    format!(
        r"select cast(0 as bigint) as part, b.user_id, b.ranking as detail from ballots b
          where b.slot_id = $1 and b.user_id in ({attendees})
          union all
          select cast(1 as bigint), u.id, u.display_name from slot_absences a
          join users u on u.id = a.user_id
          join memberships m on m.user_id = a.user_id and m.household_id = $3
          where a.slot_id = $1
          union all
          select cast(2 as bigint), t.user_id, '' from ({attendees}) t
          union all
          select cast(3 as bigint), ce.user_id, ce.entry from ({cant_eat}) ce
          order by 1, 2, 3"
    )
});

/// What the close reads about the people eating.
struct People {
    /// The attendees' ballots (member, ranking).
    ballots: Vec<(String, String)>,
    /// Who ate: attendees, who was out, the guests.
    attendance: Attendance,
    /// The attendees' "can't eat" entries.
    cant_eat: Vec<Entry>,
}

/// The attendees' ballots, who ate and what they can't eat: one statement.
async fn people(tx: &mut Transaction<'_, Any>, slot: &SlotRow) -> Result<People, StoreError> {
    let people: Vec<PersonRow> = sqlx::query_as(PEOPLE.as_str())
        .bind(&slot.id)
        .bind(&slot.plan)
        .bind(&slot.household)
        .fetch_all(&mut **tx)
        .await?;
    let attendees = people.iter().filter(|p| p.part == 2).count();
    let mut ballots = Vec::new();
    let mut cant_eat = Vec::new();
    let mut attendance = Attendance {
        guests: slot.eaters - i64::try_from(attendees).unwrap_or(0),
        ..Attendance::default()
    };
    for person in people {
        match person.part {
            0 => ballots.push((person.user_id, person.detail)),
            1 => {
                attendance.out.insert(person.user_id, person.detail);
            }
            2 => attendance.attendees.push(person.user_id),
            _ => cant_eat.extend(parse_entry(&person.detail)),
        }
    }
    Ok(People {
        ballots,
        attendance,
        cant_eat,
    })
}

/// The slot's options with their dishes' recipes (for the shopping list the winner joins), and
/// whether each dish won an earlier slot of the plan.
async fn options_of(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
) -> Result<Vec<OptionRow>, StoreError> {
    Ok(sqlx::query_as(
        r"select o.id, o.dish_id, d.name, cast(d.serves as bigint) as serves, d.ingredients,
                 cast(case when exists (
                     select 1 from slot_results r join slots e on e.id = r.slot_id
                     join slot_options w on w.id = r.winner_option_id
                     where e.plan_id = $2 and e.position < $3 and w.dish_id = o.dish_id)
                 then 1 else 0 end as bigint) as won_earlier
          from slot_options o join dishes d on d.id = o.dish_id
          where o.slot_id = $1 order by o.position",
    )
    .bind(&slot.id)
    .bind(&slot.plan)
    .bind(slot.position)
    .fetch_all(&mut **tx)
    .await?)
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
    let People {
        ballots,
        attendance,
        cant_eat,
    } = people(tx, slot).await?;
    let dishes = options_of(tx, slot).await?;
    let options: Vec<(String, String)> = dishes
        .iter()
        .map(|dish| (dish.id.clone(), dish.recipe.name.clone()))
        .collect();
    let eligibility = eligible_options(&dishes, &cant_eat, slot.no_repeats == 1);
    let none_suits = eligibility.eligible.is_empty() && eligibility.vetoed_count > 0;
    let context = Context {
        attendance,
        eligibility,
    };
    let counted = count_ballots(
        &slot.id,
        closed_at_ms,
        &new_salt()?,
        &options,
        &ballots,
        context,
    )?;
    let winner = counted.order.first().cloned();
    insert_result(tx, slot, path, closed_at_ms, ballots.len(), &counted).await?;
    let winner_name = winner.as_ref().and_then(|id| {
        options
            .iter()
            .find(|(option, _)| option == id.as_str())
            .map(|(_, name)| name.clone())
    });
    let mut data = serde_json::json!({
        "day": slot.day,
        "meal": slot.meal,
        "winner": winner_name,
        "ballots": ballots.len(),
        "closed_by": path.label(),
        "by_lot": counted.by_lot,
    });
    // How many were ruled out, never whose or why (docs/cant_eat.md).
    if none_suits {
        data["no_option_suits"] = serde_json::Value::Bool(true);
    }
    let won = winner
        .as_ref()
        .and_then(|id| dishes.iter().find(|dish| dish.id == id.as_str()));
    let outcome = Outcome {
        data,
        winner: won.map(|dish| &dish.recipe),
        none_suits,
    };
    announce(tx, slot, outcome, now_ms).await?;
    Ok(Closed {
        slot: SlotId::from_stored(slot.id.clone()),
        household: HouseholdId::from_stored(slot.household.clone()),
        path,
        winner,
        winner_name,
        by_lot: counted.by_lot,
    })
}

/// The slot's result row: `ballot_count` ballots counted into `counted`.
async fn insert_result(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
    path: ClosePath,
    closed_at_ms: i64,
    ballot_count: usize,
    counted: &Counted,
) -> Result<(), StoreError> {
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
    .bind(i64::try_from(ballot_count).unwrap_or(i64::MAX))
    .bind(&counted.digest)
    .bind(counted.seed.to_string())
    .bind(counted.order.first().map(OptionId::as_str))
    .bind(&order_json)
    .bind(&counted.tie_break)
    .bind(&counted.export)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Which options may win ([`app::plans::eligibility`]): not those someone eating can't eat
/// (`cant_eat`, the attendees' entries), and in a no-repeat plan not the dishes that won an
/// earlier slot.
fn eligible_options(
    dishes: &[OptionRow],
    cant_eat: &[Entry],
    no_repeats: bool,
) -> EligibilityRecord {
    let options: Vec<OptionId> = dishes
        .iter()
        .map(|dish| OptionId::from_stored(dish.id.clone()))
        .collect();
    let won_earlier: BTreeSet<OptionId> = dishes
        .iter()
        .filter(|dish| dish.won_earlier == 1)
        .map(|dish| OptionId::from_stored(dish.id.clone()))
        .collect();
    let option_dishes: Vec<OptionDish> = dishes
        .iter()
        .map(|dish| {
            OptionDish::from_stored(
                OptionId::from_stored(dish.id.clone()),
                dish.dish_id.clone(),
                dish.recipe.ingredients.as_deref(),
            )
        })
        .collect();
    let vetoed = ruled_out(&option_dishes, cant_eat);
    let result = eligibility(&EligibilityInput {
        options: &options,
        won_earlier: &won_earlier,
        vetoed: &vetoed,
        no_repeats,
    });
    let ids = |ids: Vec<OptionId>| ids.iter().map(|id| id.as_str().to_owned()).collect();
    EligibilityRecord {
        eligible: ids(result.eligible),
        repeats_excluded: ids(result.repeats_excluded),
        vetoed_count: result.vetoed_count,
        fell_back: result.fell_back,
    }
}

/// How a slot closed, as its events tell it.
struct Outcome<'a> {
    /// `slot_closed`'s details.
    data: serde_json::Value,
    winner: Option<&'a WinnerRecipe>,
    /// Every option was ruled out for someone eating the meal.
    none_suits: bool,
}

/// Records `slot_closed`; the winner's ingredients join the plan's shopping list (recording
/// `list_changed`); `no_option_suits` for the plan's proposer when every option was ruled out;
/// and `plan_decided` when no slot of the plan is left open. The events go to the outbox
/// together, in two statements however many there are.
async fn announce(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotRow,
    outcome: Outcome<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let Outcome {
        data,
        winner,
        none_suits,
    } = outcome;
    let mut events = vec![Event {
        household: &slot.household,
        kind: EventKind::SlotClosed,
        actor: None,
        plan: Some(&slot.plan),
        slot: Some(&slot.id),
        data,
    }];
    let mut proposer_events = Vec::new();
    if none_suits {
        proposer_events.push(Event {
            household: &slot.household,
            kind: EventKind::NoOptionSuits,
            actor: None,
            plan: Some(&slot.plan),
            slot: Some(&slot.id),
            data: serde_json::json!({ "day": slot.day, "meal": slot.meal }),
        });
    }
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
    let events = events
        .into_iter()
        .map(|event| (event, None))
        .chain(
            proposer_events
                .into_iter()
                .map(|event| (event, Some(slot.proposer.as_str()))),
        )
        .collect();
    record_events(tx, events, now_ms).await
}
