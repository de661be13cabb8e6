//! "Probably needed": while a plan's slots are open, what each one's current leader would add
//! to the list ("if Curry keeps leading"), from the same tally as the ballot's preview. Not part
//! of the list. One statement: the open slots' options with their recipes, and their ballots.
//!
//! In a plan without repeats the leader is found as the close would find it
//! (`app::plans::eligibility`): not a dish that already won an earlier meal, nor one that an
//! earlier open meal's leader would take first (the meals close in order).

use std::{collections::BTreeSet, sync::LazyLock};

use app::{
    ids::{OptionId, PlanId},
    plans::{
        EligibilityInput, MemberBallot, OptionView, Ranking, eligibility, preview, slot_label,
    },
    recipes::Ingredient,
    shopping::{ProbableMeal, SameFoods, ShoppingList, additions_for_winner},
};

use crate::{
    access::HouseholdAccess,
    attendance::attendees_of_slot,
    db::{Store, StoreError},
};

#[derive(Debug, sqlx::FromRow)]
struct OpenRow {
    slot: String,
    day: Option<String>,
    meal: Option<String>,
    option_id: Option<String>,
    name: Option<String>,
    serves: Option<i64>,
    ingredients: Option<String>,
    eaters: Option<i64>,
    ranking: Option<String>,
    dish_id: Option<String>,
    /// 1 when the dish won an earlier (closed) slot of the plan.
    won_earlier: Option<i64>,
    no_repeats: Option<i64>,
}

static OPEN_MEALS: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"
    select s.id as slot, s.day, s.meal, o.id as option_id, d.name, d.serves, d.ingredients,
           (select cast(count(*) as bigint) from ({attendees}) ea) + s.guests as eaters,
           cast(null as text) as ranking, s.position, o.position as option_position,
           o.dish_id,
           cast(case when exists (
               select 1 from slot_results r join slots e on e.id = r.slot_id
               join slot_options w on w.id = r.winner_option_id
               where e.plan_id = s.plan_id and e.position < s.position and w.dish_id = o.dish_id)
           then 1 else 0 end as bigint) as won_earlier,
           cast(p.no_repeats as bigint) as no_repeats
      from slots s
      join plans p on p.id = s.plan_id and p.household_id = $2
      join slot_options o on o.slot_id = s.id
      join dishes d on d.id = o.dish_id
     where s.plan_id = $1 and not exists (select 1 from slot_results r where r.slot_id = s.id)
    union all
    select b.slot_id, null, null, null, null, null, null, null, b.ranking, s.position, null,
           null, null, null
      from ballots b
      join slots s on s.id = b.slot_id
      join plans p on p.id = s.plan_id and p.household_id = $2
     where s.plan_id = $1 and not exists (select 1 from slot_results r where r.slot_id = s.id)
       and b.user_id in ({attendees})
    order by 10, 11",
        attendees = attendees_of_slot("s.id", "s.plan_id", "p.household_id"),
    )
});

/// One open slot as read: its options (with recipes) and ballots.
#[derive(Default)]
struct OpenSlot {
    label: String,
    eaters: u32,
    options: Vec<(OptionView, Option<i64>, Option<String>)>,
    /// Each option's dish, in the options' order.
    dishes: Vec<String>,
    /// Options whose dish won an earlier, closed slot.
    won_earlier: BTreeSet<OptionId>,
    no_repeats: bool,
    ballots: Vec<MemberBallot>,
}

impl Store {
    /// What each open slot's leader would add, in the plan's order, with the household's merged
    /// foods joining the food they are the same as; a slot whose leaders tie is left out
    /// (nothing is "probably" needed then).
    #[tracing::instrument(name = "store.probable_meals", skip_all)]
    pub async fn probable_meals(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        same_foods: &SameFoods,
    ) -> Result<Vec<ProbableMeal>, StoreError> {
        let rows: Vec<OpenRow> = sqlx::query_as(OPEN_MEALS.as_str())
            .bind(plan.as_str())
            .bind(access.household_id().as_str())
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let mut slots: Vec<(String, OpenSlot)> = Vec::new();
        for row in rows {
            let index = match slots.iter().position(|(id, _)| *id == row.slot) {
                Some(index) => index,
                None => {
                    slots.push((row.slot.clone(), OpenSlot::default()));
                    slots.len() - 1
                }
            };
            let slot = &mut slots[index].1;
            if let Some(ranking) = row.ranking {
                let ranking: Ranking = serde_json::from_str(&ranking)
                    .map_err(|_| StoreError::Corrupt("ballots.ranking"))?;
                slot.ballots.push(MemberBallot {
                    member: String::new(),
                    ranking,
                });
                continue;
            }
            slot.label = slot_label(
                row.day.as_deref().unwrap_or_default(),
                row.meal.as_deref().unwrap_or_default(),
            );
            slot.eaters = u32::try_from(row.eaters.unwrap_or(0)).unwrap_or(0);
            slot.no_repeats = row.no_repeats == Some(1);
            let id = OptionId::from_stored(
                row.option_id
                    .ok_or(StoreError::Corrupt("slot_options.id"))?,
            );
            if row.won_earlier == Some(1) {
                slot.won_earlier.insert(id.clone());
            }
            slot.dishes.push(row.dish_id.unwrap_or_default());
            slot.options.push((
                OptionView {
                    id,
                    name: row.name.unwrap_or_default(),
                    note: None,
                    link: None,
                },
                row.serves,
                row.ingredients,
            ));
        }
        // The dishes earlier open meals' leaders would win first, in the plan's order.
        let mut leading: BTreeSet<String> = BTreeSet::new();
        let mut meals = Vec::new();
        for (_, mut slot) in slots {
            for (dish, (view, ..)) in slot.dishes.iter().zip(&slot.options) {
                if leading.contains(dish) {
                    slot.won_earlier.insert(view.id.clone());
                }
            }
            let Some(first) = leader(&slot) else {
                continue;
            };
            leading.insert(slot.dishes[first].clone());
            meals.push(lines_of(slot, first, same_foods)?);
        }
        Ok(meals)
    }
}

/// The option that would win the slot if it closed now, if one leads alone among those that may
/// win.
fn leader(slot: &OpenSlot) -> Option<usize> {
    if slot.ballots.is_empty() {
        return None;
    }
    let views: Vec<OptionView> = slot.options.iter().map(|(view, ..)| view.clone()).collect();
    let ids: Vec<OptionId> = views.iter().map(|view| view.id.clone()).collect();
    let excluded = eligibility(&EligibilityInput {
        options: &ids,
        won_earlier: &slot.won_earlier,
        vetoed: &BTreeSet::new(),
        no_repeats: slot.no_repeats,
    })
    .repeats_excluded;
    let tiers = preview(&views, &slot.ballots, &Ranking::default(), &excluded);
    match tiers.first().map(Vec::as_slice) {
        Some(&[first]) => Some(first),
        _ => None,
    }
}

/// What the slot's option `first` would add to the list.
fn lines_of(
    slot: OpenSlot,
    first: usize,
    same_foods: &SameFoods,
) -> Result<ProbableMeal, StoreError> {
    let (view, serves, ingredients) = &slot.options[first];
    let lines: Vec<Ingredient> = match ingredients {
        Some(json) => {
            serde_json::from_str(json).map_err(|_| StoreError::Corrupt("dishes.ingredients"))?
        }
        None => Vec::new(),
    };
    let serves = u32::try_from(serves.unwrap_or(0)).unwrap_or(0);
    let mut list = ShoppingList::default();
    list.add(same_foods.resolve(additions_for_winner(
        &slot.label,
        &view.name,
        &lines,
        serves,
        slot.eaters,
    )));
    Ok(ProbableMeal {
        slot: slot.label,
        dish: view.name.clone(),
        lines: list.lines.iter().map(ToString::to_string).collect(),
    })
}
