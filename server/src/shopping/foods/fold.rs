//! Folding a merged food's lines into the lists still in use, in the merge's transaction: three
//! statements however many lists.
//!
//! 1. A line of the merged food whose list has a line of the target in the same unit family
//!    joins it: amounts add up, sources follow, and what was checked stays checked ("spring onion
//!    5 (2 checked)"): the checked amounts add up, and the later check names who and when. The
//!    target line takes the merged line's revisions and one more, so the list's version (the sum
//!    of its lines' revisions) still grows though a line goes.
//! 2. Those merged lines go.
//! 3. The others (no target line of their family on their list) are renamed to the target:
//!    "scallion 100 g" next to "spring onion 3" becomes "spring onion 100 g".
//!
//! The household's aisle for the merged food becomes the target's when the target has none.

use app::ids::PlanId;
use sqlx::{Any, Transaction};

use crate::db::StoreError;

/// Which lists fold: the household's plans whose last day is `in_use_from` or later, and `plan`.
pub(super) struct Lists<'a> {
    pub household: &'a str,
    pub plan: &'a PlanId,
    /// `YYYY-MM-DD`.
    pub in_use_from: &'a str,
}

/// `$1` the household, `$2` the day lists are in use from, `$3` the plan the merge came from.
const IN_USE: &str = "select p.id from plans p
     where p.household_id = $1 and (p.last_day >= $2 or p.id = $3)";

pub(super) async fn fold(
    tx: &mut Transaction<'_, Any>,
    lists: &Lists<'_>,
    food_key: &str,
    target_key: &str,
    target_food: &str,
) -> Result<(), StoreError> {
    let absorb = format!(
        r"update shopping_lines set
              amount = case when shopping_lines.amount is null then x.amount
                            when x.amount is null then shopping_lines.amount
                            else shopping_lines.amount + x.amount end,
              metric = case when shopping_lines.metric = 1 or x.metric = 1 then 1 else 0 end,
              sources = shopping_lines.sources || x.sources,
              checked_amount = case
                  when shopping_lines.checked = 0 and x.checked = 0 then null
                  when shopping_lines.family = '' then null
                  else coalesce(case when shopping_lines.checked = 1
                                     then shopping_lines.checked_amount end, 0)
                     + coalesce(case when x.checked = 1 then x.checked_amount end, 0) end,
              checked_by = case when x.checked = 1 and (shopping_lines.checked = 0
                                     or x.checked_at > shopping_lines.checked_at)
                                then x.checked_by else shopping_lines.checked_by end,
              checked_at = case when x.checked = 1 and (shopping_lines.checked = 0
                                     or x.checked_at > shopping_lines.checked_at)
                                then x.checked_at else shopping_lines.checked_at end,
              checked = case when shopping_lines.checked = 1 or x.checked = 1 then 1 else 0 end,
              revision = shopping_lines.revision + x.revision + 1
          from shopping_lines x
          where shopping_lines.food_key = $5 and x.food_key = $4
            and x.plan_id = shopping_lines.plan_id and x.family = shopping_lines.family
            and shopping_lines.plan_id in ({IN_USE})"
    );
    bound(sqlx::query(&absorb), lists)
        .bind(food_key)
        .bind(target_key)
        .execute(&mut **tx)
        .await?;
    let absorbed = format!(
        r"delete from shopping_lines
          where food_key = $4 and plan_id in ({IN_USE})
            and exists (select 1 from shopping_lines t
                        where t.plan_id = shopping_lines.plan_id and t.food_key = $5
                          and t.family = shopping_lines.family)"
    );
    bound(sqlx::query(&absorbed), lists)
        .bind(food_key)
        .bind(target_key)
        .execute(&mut **tx)
        .await?;
    let renamed = format!(
        r"update shopping_lines set food_key = $5, food = $6, revision = revision + 1
          where food_key = $4 and plan_id in ({IN_USE})"
    );
    bound(sqlx::query(&renamed), lists)
        .bind(food_key)
        .bind(target_key)
        .bind(target_food)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        r"insert into food_aisles (household_id, food_key, aisle_id)
          select household_id, $3, aisle_id from food_aisles
          where household_id = $1 and food_key = $2
          on conflict (household_id, food_key) do nothing",
    )
    .bind(lists.household)
    .bind(food_key)
    .bind(target_key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn bound<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    lists: &Lists<'q>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(lists.household)
        .bind(lists.in_use_from)
        .bind(lists.plan.as_str())
}
