//! Changing a meal's cook: one transaction that first takes the slot's turn
//! (`closing::lock_slot`, which also moves the plan's and slot's live version, so open pages show
//! the new cook), reads the proposer, the current cook and whether the chosen person is a member
//! in one statement, applies the one rule (`app::cooks::decide`) and writes the slot, forgetting a
//! reminder sent to the cook it replaces.

use app::{
    cooks::{CookChange, decide, manages_cooks},
    households::Role,
    ids::SlotId,
};

use crate::{
    access::HouseholdAccess,
    closing::lock_slot,
    db::{Store, StoreError},
};

/// The slot's plan's proposer, its cook while a member, and whether the chosen person (`$3`) is a
/// member.
#[derive(sqlx::FromRow)]
struct CookRow {
    proposed_by: String,
    cook_id: Option<String>,
    chosen_is_member: i64,
}

impl Store {
    /// Applies `change` by the member of `access` to the cook of a slot of their household.
    /// [`StoreError::Cook`] (nothing written) when the rule refuses it, [`StoreError::NotFound`]
    /// for a slot of another household.
    #[tracing::instrument(name = "store.set_cook", skip_all)]
    pub async fn set_cook(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        change: &CookChange,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let household = access.household_id().as_str();
        if !lock_slot(&mut tx, slot.as_str(), Some(household)).await? {
            return Err(StoreError::NotFound);
        }
        let chosen = match change {
            CookChange::Assign(user) => user.as_str(),
            CookChange::Volunteer | CookChange::StepBack => access.user_id().as_str(),
        };
        let row: CookRow = sqlx::query_as(
            r"select p.proposed_by,
                     (select m.user_id from memberships m
                      where m.household_id = p.household_id and m.user_id = s.cook_id) as cook_id,
                     cast(case when exists (select 1 from memberships m
                                            where m.household_id = p.household_id
                                              and m.user_id = $3)
                          then 1 else 0 end as bigint) as chosen_is_member
              from slots s join plans p on p.id = s.plan_id
              where s.id = $1 and p.household_id = $2",
        )
        .bind(slot.as_str())
        .bind(household)
        .bind(chosen)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let actor = access.user_id().as_str();
        let manages = manages_cooks(row.proposed_by == actor, access.role() == Role::Admin);
        // Refused: dropping the transaction rolls the turn back, nothing is written.
        let cook = decide(
            change,
            actor,
            manages,
            row.cook_id.as_deref(),
            row.chosen_is_member == 1,
        )
        .map_err(StoreError::Cook)?;
        if cook.as_deref() == row.cook_id.as_deref() {
            // Nothing changes: the slot's turn rolls back, no live version moves.
            return Ok(());
        }
        sqlx::query("update slots set cook_id = $2 where id = $1")
            .bind(slot.as_str())
            .bind(&cook)
            .execute(&mut *tx)
            .await?;
        // A reminder already sent was the previous cook's: the new one is reminded by the next
        // sweep while the evening lasts (`cooks::reminders`).
        sqlx::query("delete from cook_reminders where slot_id = $1")
            .bind(slot.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
