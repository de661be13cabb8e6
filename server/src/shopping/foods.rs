//! A household's synonymous foods ("scallion" is the same food as "spring onion"): stored as
//! aliases (`food_aliases`), each naming a food that is not itself merged, at most
//! [`MAX_FOOD_ALIASES`] per household. A merge folds the lists still in use ([`fold`]); later
//! additions are renamed before they merge ([`same_foods_for`]), and a list's read resolves its
//! pantry staples through them.
//!
//! A merge runs under the household's row lock, so two merges at once (scallion into spring
//! onion, spring onion into scallion) are checked one after the other and never make a cycle.

mod fold;

use app::{
    ids::PlanId,
    quotas::{MAX_FOOD_ALIASES, Quota},
    shopping::{SameFoodProblem, SameFoods, food_key},
};
use sqlx::{Any, Transaction};

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
    households::lock_household,
};

/// A list stays in use until the day after its plan's last day (a day's grace, so that every
/// time zone's "today" is covered); older lists are history and keep their lines as they were.
const IN_USE_GRACE_SECS: i64 = 86_400;

/// The aliases of the foods a merge names (at most two rows), with the household's count.
#[derive(Debug, sqlx::FromRow)]
struct MergeRow {
    food_key: Option<String>,
    food: Option<String>,
    target_key: Option<String>,
    target_food: Option<String>,
    total: i64,
}

/// What a merge joins: the food's key and the food it becomes, as written.
struct Target {
    key: String,
    food: String,
}

impl Store {
    /// Says `food` is the same food as `same_as` for the household: stored, and the lists still
    /// in use (and `plan`'s, where it was said) fold `food`'s lines into `same_as`'s. Merging into
    /// a merged food merges into its target; the same merge again folds again (a line a close
    /// added in the same instant); anything else already merged is refused with a
    /// [`SameFoodProblem`]. [`Quota::FoodAliases`] past [`MAX_FOOD_ALIASES`].
    #[tracing::instrument(name = "store.merge_foods", skip_all)]
    pub async fn merge_foods(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        food: &str,
        same_as: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let household = access.household_id().as_str();
        let (key, asked_key) = (food_key(food), food_key(same_as));
        if key == asked_key {
            return Err(StoreError::SameFood(SameFoodProblem::Itself {
                food: same_as.to_owned(),
            }));
        }
        let mut tx = lock_household(self, access).await?;
        let rows: Vec<MergeRow> = sqlx::query_as(
            r"select a.food_key, a.food, a.target_key, a.target_food,
                     (select cast(count(*) as bigint) from food_aliases c
                       where c.household_id = $1) as total
                from (select 1 as one) o
                left join food_aliases a
                  on a.household_id = $1 and a.food_key in ($2, $3)",
        )
        .bind(household)
        .bind(&key)
        .bind(&asked_key)
        .fetch_all(&mut *tx)
        .await?;
        let target = merge_target(&rows, food, &key, same_as, &asked_key)?;
        if !rows.iter().any(|row| row.food_key.as_deref() == Some(&key)) {
            let total = rows.first().map_or(0, |row| row.total);
            if total >= i64::from(MAX_FOOD_ALIASES) {
                return Err(StoreError::Quota(Quota::FoodAliases));
            }
            sqlx::query(
                r"insert into food_aliases
                      (household_id, food_key, food, target_key, target_food, created_at)
                  values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(household)
            .bind(&key)
            .bind(food)
            .bind(&target.key)
            .bind(&target.food)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        // Foods merged into `food` follow it: no chains.
        sqlx::query(
            r"update food_aliases set target_key = $3, target_food = $4
              where household_id = $1 and target_key = $2",
        )
        .bind(household)
        .bind(&key)
        .bind(&target.key)
        .bind(&target.food)
        .execute(&mut *tx)
        .await?;
        let in_use_from =
            time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000) - IN_USE_GRACE_SECS)
                .map(|t| app::plans::day_iso(t.date()))
                .unwrap_or_default();
        let lists = fold::Lists {
            household,
            plan,
            in_use_from: &in_use_from,
        };
        fold::fold(&mut tx, &lists, &key, &target.key, &target.food).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Undoes `food`'s merge: its later additions are its own lines again. Lines merged already
    /// stay merged (their amounts were added up). Nothing when it was not merged.
    #[tracing::instrument(name = "store.unmerge_food", skip_all)]
    pub async fn unmerge_food(
        &self,
        access: &HouseholdAccess,
        food: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(r"delete from food_aliases where household_id = $1 and food_key = $2")
            .bind(access.household_id().as_str())
            .bind(food_key(food))
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }
}

/// The food `food` joins, or why it cannot: `same_as`, or its target when it was merged itself.
fn merge_target(
    rows: &[MergeRow],
    food: &str,
    key: &str,
    same_as: &str,
    asked_key: &str,
) -> Result<Target, StoreError> {
    let alias = |k: &str| rows.iter().find(|row| row.food_key.as_deref() == Some(k));
    let target = match alias(asked_key) {
        Some(row) => Target {
            key: row.target_key.clone().unwrap_or_default(),
            food: row.target_food.clone().unwrap_or_default(),
        },
        None => Target {
            key: asked_key.to_owned(),
            food: same_as.to_owned(),
        },
    };
    if target.key == key {
        return Err(StoreError::SameFood(SameFoodProblem::TheOtherWay {
            food: food.to_owned(),
            target: same_as.to_owned(),
        }));
    }
    match alias(key) {
        Some(row) if row.target_key.as_deref() != Some(target.key.as_str()) => {
            Err(StoreError::SameFood(SameFoodProblem::AlreadyMerged {
                food: row.food.clone().unwrap_or_else(|| food.to_owned()),
                into: row.target_food.clone().unwrap_or_default(),
            }))
        }
        _ => Ok(target),
    }
}

/// The household's merges of the foods in `keys`, read in `tx` (a close's, an item's): one
/// statement, none without keys.
pub(super) async fn same_foods_for(
    tx: &mut Transaction<'_, Any>,
    household: &str,
    keys: &[String],
) -> Result<SameFoods, StoreError> {
    if keys.is_empty() {
        return Ok(SameFoods::default());
    }
    let sql = format!(
        r"select food_key, target_food from food_aliases
          where household_id = $1 and food_key in ({})",
        (2..keys.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql).bind(household);
    for key in keys {
        query = query.bind(key.clone());
    }
    Ok(SameFoods::new(query.fetch_all(&mut **tx).await?))
}
