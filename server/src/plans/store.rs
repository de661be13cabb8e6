//! Meal plans: plans with their slots and options, who manages them, and their deadlines.
//!
//! Every method takes a [`HouseholdAccess`] and scopes its SQL to that household, so a plan, slot
//! or dish id from another household finds nothing ([`StoreError::NotFound`]).
//!
//! Writes that depend on a rule (the deadline has not passed, nobody has voted yet) state the rule
//! in the statement's `where` clause, so the check and the write are one atomic step on both
//! engines; the count of changed rows tells whether the rule held.

use app::{
    households::Role,
    ids::{PlanId, SlotId, UserId},
    plans::{MealNames, NewPlan, OptionNames, day_iso, parse_day},
    quotas::{MAX_OPEN_PLANS, MAX_PLANS_PER_DAY, Quota},
};

use sqlx::{Any, Transaction};

use super::dishes::{insert_options, library_dishes};
use crate::{
    access::HouseholdAccess,
    closing::lock_slot,
    db::{PlanRule, Store, StoreError, placeholders},
    households::lock_household,
    notifications::outbox::{Event, EventKind, record_event},
};

/// The window [`MAX_PLANS_PER_DAY`] counts in: the last 24 hours.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A plan's dates and deadline, as the rules about it need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanTiming {
    pub first_day: time::Date,
    pub utc_offset_minutes: i32,
    pub deadline_ms: i64,
    pub proposed_by: UserId,
}

/// What [`Store::plan_timing`] reads of a plan.
#[derive(sqlx::FromRow)]
struct TimingRow {
    first_day: String,
    utc_offset_minutes: i64,
    deadline_at: i64,
    proposed_by: String,
}

impl Store {
    /// The household's meal names, or the defaults when it has not named its own.
    #[tracing::instrument(name = "store.meal_names", skip_all)]
    pub async fn meal_names(&self, access: &HouseholdAccess) -> Result<MealNames, StoreError> {
        let stored: Option<String> =
            sqlx::query_scalar(r"select meal_names from households where id = $1")
                .bind(access.household_id().as_str())
                .fetch_one(&mut *self.acquire().await?)
                .await?;
        Ok(stored
            .and_then(|text| MealNames::parse(&text).ok())
            .unwrap_or_else(MealNames::defaults))
    }

    #[tracing::instrument(name = "store.set_meal_names", skip_all)]
    pub async fn set_meal_names(
        &self,
        access: &HouseholdAccess,
        meals: &MealNames,
    ) -> Result<(), StoreError> {
        sqlx::query(r"update households set meal_names = $1 where id = $2")
            .bind(meals.joined())
            .bind(access.household_id().as_str())
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }

    /// Stores a proposal: the plan, one slot per day and meal with the proposal's options
    /// (dishes the library lacks are added to it), and the household's members as the plan's
    /// expected voters.
    #[tracing::instrument(name = "store.create_plan", skip_all)]
    pub async fn create_plan(
        &self,
        access: &HouseholdAccess,
        plan: &NewPlan,
        now_ms: i64,
    ) -> Result<PlanId, StoreError> {
        let id = PlanId::generate();
        let household = access.household_id().as_str();
        // The household's row lock first: two proposals at once count one after the other, so
        // neither bound below can be passed by racing (PostgreSQL; SQLite has one writer anyway).
        let mut tx = lock_household(self, access).await?;
        require_room_for_a_plan(&mut tx, household, now_ms).await?;
        sqlx::query(
            r"insert into plans (id, household_id, proposed_by, title, first_day, last_day,
                                 utc_offset_minutes, deadline_at, created_at, no_repeats)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.as_str())
        .bind(household)
        .bind(access.user_id().as_str())
        .bind(&plan.title)
        .bind(day_iso(plan.first_day))
        .bind(day_iso(plan.last_day))
        .bind(i64::from(plan.utc_offset_minutes))
        .bind(plan.deadline_ms)
        .bind(now_ms)
        .bind(i32::from(plan.no_repeats))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            r"insert into plan_voters (plan_id, user_id)
              select $1, user_id from memberships where household_id = $2",
        )
        .bind(id.as_str())
        .bind(household)
        .execute(&mut *tx)
        .await?;
        let dishes = library_dishes(&mut tx, household, &plan.options, now_ms).await?;
        // One statement for every slot and one for every option: the work of a proposal does not
        // grow with the number of rows it writes.
        let slots = insert_slots(&mut tx, &id, plan).await?;
        let slots: Vec<&SlotId> = slots.iter().collect();
        insert_options(&mut tx, &slots, &dishes).await?;
        record_event(
            &mut tx,
            Event {
                household,
                kind: EventKind::PlanProposed,
                actor: Some(access.user_id().as_str()),
                plan: Some(id.as_str()),
                slot: None,
                data: serde_json::json!({
                    "title": plan.title,
                    "first_day": day_iso(plan.first_day),
                    "last_day": day_iso(plan.last_day),
                    "deadline_ms": plan.deadline_ms,
                }),
            },
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The rules' view of a plan of this household.
    #[tracing::instrument(name = "store.plan_timing", skip_all)]
    pub async fn plan_timing(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
    ) -> Result<PlanTiming, StoreError> {
        let row: Option<TimingRow> = sqlx::query_as(
            r"select first_day, utc_offset_minutes, deadline_at, proposed_by
              from plans where id = $1 and household_id = $2",
        )
        .bind(plan.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *self.acquire().await?)
        .await?;
        let row = row.ok_or(StoreError::NotFound)?;
        Ok(PlanTiming {
            first_day: parse_day(&row.first_day, app::error::Field::FirstDay)
                .map_err(|_| StoreError::Corrupt("plans.first_day"))?,
            utc_offset_minutes: i32::try_from(row.utc_offset_minutes)
                .map_err(|_| StoreError::Corrupt("plans.utc_offset_minutes"))?,
            deadline_ms: row.deadline_at,
            proposed_by: UserId::from_stored(row.proposed_by),
        })
    }

    /// Moves a plan's deadline to `new_deadline_ms` and records the change. Only the plan's manager,
    /// only while voting is open; the caller has checked the new deadline against the plan.
    #[tracing::instrument(name = "store.move_deadline", skip_all)]
    pub async fn move_deadline(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        new_deadline_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let timing = self.plan_timing(access, plan).await?;
        let mut tx = self.begin().await?;
        require_manager(&mut tx, access, timing.proposed_by.as_str()).await?;
        let moved = sqlx::query(
            r"update plans set deadline_at = $1
              where id = $2 and household_id = $3 and deadline_at = $4 and deadline_at > $5",
        )
        .bind(new_deadline_ms)
        .bind(plan.as_str())
        .bind(access.household_id().as_str())
        .bind(timing.deadline_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        sqlx::query(
            r"insert into plan_deadline_changes
                  (plan_id, changed_by, changed_at, old_deadline_at, new_deadline_at)
              values ($1, $2, $3, $4, $5)",
        )
        .bind(plan.as_str())
        .bind(access.user_id().as_str())
        .bind(now_ms)
        .bind(timing.deadline_ms)
        .bind(new_deadline_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a slot's options: only the plan's manager ([`require_manager`]), only before the plan's first ballot and its
    /// deadline. New names join the library.
    #[tracing::instrument(name = "store.replace_slot_options", skip_all)]
    pub async fn replace_slot_options(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        options: &OptionNames,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let plan: Option<(String, String)> = sqlx::query_as(
            r"select p.id, p.proposed_by from slots s join plans p on p.id = s.plan_id
              where s.id = $1 and p.household_id = $2",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *self.acquire().await?)
        .await?;
        let (plan, proposer) = plan.ok_or(StoreError::NotFound)?;
        let household = access.household_id().as_str();
        let mut tx = self.begin().await?;
        lock_slot(&mut tx, slot.as_str(), None).await?;
        require_manager(&mut tx, access, &proposer).await?;
        // The guard and the change in one statement: no ballot in the plan, deadline ahead.
        let cleared = sqlx::query(
            r"delete from slot_options where slot_id = $1
              and not exists (select 1 from ballots b join slots s on s.id = b.slot_id
                              where s.plan_id = $2)
              and exists (select 1 from plans p where p.id = $2 and p.deadline_at > $3)",
        )
        .bind(slot.as_str())
        .bind(&plan)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if cleared.rows_affected() == 0 {
            let deadline: i64 = sqlx::query_scalar(r"select deadline_at from plans where id = $1")
                .bind(&plan)
                .fetch_one(&mut *tx)
                .await?;
            return Err(StoreError::Rule(if deadline <= now_ms {
                PlanRule::Closed
            } else {
                PlanRule::BallotsArrived
            }));
        }
        let dishes = library_dishes(&mut tx, household, options, now_ms).await?;
        insert_options(&mut tx, &[slot], &dishes).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Who manages a plan (moves its deadline, edits its options, re-opens a slot): its proposer, or
/// any admin once the proposer has left the household (`proposer_present` false).
pub(crate) fn may_manage(access: &HouseholdAccess, proposer: &str, proposer_present: bool) -> bool {
    proposer == access.user_id().as_str() || (access.role() == Role::Admin && !proposer_present)
}

/// [`may_manage`], asking whether the proposer is still a member only when that decides it.
pub(crate) async fn require_manager(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    proposer: &str,
) -> Result<(), StoreError> {
    let present = if proposer != access.user_id().as_str() && access.role() == Role::Admin {
        let present: Option<i64> = sqlx::query_scalar(
            r"select cast(1 as bigint) from memberships where household_id = $1 and user_id = $2",
        )
        .bind(access.household_id().as_str())
        .bind(proposer)
        .fetch_optional(&mut *conn)
        .await?;
        present.is_some()
    } else {
        true
    };
    if may_manage(access, proposer, present) {
        Ok(())
    } else {
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    }
}

pub(crate) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// [`Quota::OpenPlans`] or [`Quota::PlansPerDay`] when the household has as many as it may;
/// under the household's row lock, so two proposals at once count one after the other.
async fn require_room_for_a_plan(
    tx: &mut Transaction<'_, Any>,
    household: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let (open, made): (i64, i64) = sqlx::query_as(
        r"select
          cast(coalesce(sum(case when exists (
              select 1 from slots s where s.plan_id = p.id
              and not exists (select 1 from slot_results r where r.slot_id = s.id))
          then 1 else 0 end), 0) as bigint),
          cast(coalesce(sum(case when p.created_at > $2 then 1 else 0 end), 0) as bigint)
          from plans p where p.household_id = $1",
    )
    .bind(household)
    .bind(now_ms - DAY_MS)
    .fetch_one(&mut **tx)
    .await?;
    if open >= i64::from(MAX_OPEN_PLANS) {
        return Err(StoreError::Quota(Quota::OpenPlans));
    }
    if made >= i64::from(MAX_PLANS_PER_DAY) {
        return Err(StoreError::Quota(Quota::PlansPerDay));
    }
    Ok(())
}

/// Writes one slot per day and meal of the proposal, in one statement; their ids in order.
async fn insert_slots(
    tx: &mut Transaction<'_, Any>,
    id: &PlanId,
    plan: &NewPlan,
) -> Result<Vec<SlotId>, StoreError> {
    let mut slots = Vec::new();
    let mut day = plan.first_day;
    while day <= plan.last_day {
        for meal in plan.meals.names() {
            slots.push((SlotId::generate(), day_iso(day), meal.as_str()));
        }
        day = day.next_day().ok_or(StoreError::NotFound)?;
    }
    let sql = format!(
        "insert into slots (id, plan_id, day, meal, position) values {}",
        placeholders(slots.len(), 5)
    );
    let mut insert = sqlx::query(&sql);
    for (position, (slot, day, meal)) in (0_i64..).zip(&slots) {
        insert = insert
            .bind(slot.as_str())
            .bind(id.as_str())
            .bind(day.as_str())
            .bind(*meal)
            .bind(position);
    }
    insert.execute(&mut **tx).await?;
    Ok(slots.into_iter().map(|(slot, _, _)| slot).collect())
}
