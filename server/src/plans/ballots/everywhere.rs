//! "Use this ranking for all meals": the member's saved ranking of one meal, saved again to every
//! other open meal of the plan they eat, by dish (`app::plans::carry_over`: dishes a meal lacks
//! are dropped, its dishes the ranking lacks are no opinion). One read, then each meal through
//! the one ballot save ([`Store::save_ballot`], so a meal whose last expected ballot this is
//! closes early as usual). A meal offering none of the ranked dishes is left alone. Bounded by the plan's meals (`app::plans::MAX_DAYS` days of at most six
//! meals).

use std::sync::LazyLock;

use app::{
    ids::{DishId, OptionId, SlotId},
    plans::{Ranking, carry_over},
};

use crate::{
    access::HouseholdAccess,
    cooks::eaters_of_slot,
    db::{PlanRule, Store, StoreError},
};

/// An option of the source meal or of a meal to save to; the source's rows carry the ballot.
#[derive(sqlx::FromRow)]
struct Row {
    slot_id: String,
    option_id: String,
    dish_id: String,
    ranking: Option<String>,
}

/// The source meal `$1` with the member's (`$3`) ballot, and the other meals of its plan that
/// are open at `$4` and that the member eats, each with its options as dishes.
static MEALS: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select s.id as slot_id, o.id as option_id, o.dish_id,
                 (select b.ranking from ballots b
                  where b.slot_id = s.id and b.user_id = $3 and s.id = $1) as ranking
          from slots s join plans p on p.id = s.plan_id
          join slot_options o on o.slot_id = s.id
          where p.household_id = $2 and s.plan_id = (select plan_id from slots where id = $1)
            and (s.id = $1
                 or (not exists (select 1 from slot_results r where r.slot_id = s.id)
                     and coalesce(s.deadline_at, p.deadline_at) > $4
                     and $3 in ({eaters})))
          order by s.position, o.position",
        eaters = eaters_of_slot("s.id", "p.id", "p.household_id"),
    )
});

impl Store {
    /// Saves the member's ranking of `slot` to every other open meal of its plan they eat: how
    /// many were saved. A meal that closed in the meantime is passed over; nothing at all when
    /// the member has no ballot on `slot`.
    #[tracing::instrument(name = "store.save_everywhere", skip_all)]
    pub async fn save_everywhere(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        now_ms: i64,
    ) -> Result<u32, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(MEALS.as_str())
            .bind(slot.as_str())
            .bind(access.household_id().as_str())
            .bind(access.user_id().as_str())
            .bind(now_ms)
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let options_of = |meal: &str| -> Vec<(OptionId, DishId)> {
            rows.iter()
                .filter(|row| row.slot_id == meal)
                .map(|row| {
                    (
                        OptionId::from_stored(row.option_id.clone()),
                        DishId::from_stored(row.dish_id.clone()),
                    )
                })
                .collect()
        };
        let Some(ranking) = rows
            .iter()
            .find_map(|row| row.ranking.as_deref())
            .and_then(|json| serde_json::from_str::<Ranking>(json).ok())
        else {
            return Ok(0);
        };
        let source = options_of(slot.as_str());
        let mut meals: Vec<&str> = rows
            .iter()
            .map(|row| row.slot_id.as_str())
            .filter(|meal| *meal != slot.as_str())
            .collect();
        meals.dedup();
        let mut saved = 0;
        for meal in meals {
            let carried = carry_over(&ranking, &source, &options_of(meal));
            // A meal offering none of the ranked dishes keeps whatever it had: an empty ballot
            // is only ever saved when the member says so.
            if carried.0.is_empty() {
                continue;
            }
            let target = SlotId::from_stored(meal.to_owned());
            match self
                .save_ballot(access, &target, |_| Ok(carried), now_ms)
                .await
            {
                Ok(_) => saved += 1,
                Err(StoreError::Rule(PlanRule::Closed)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(saved)
    }
}
