//! Changing a list: check-offs, members' items, aisles and pantry staples. A change a phone
//! sends carries its operation id, recorded in the change's own transaction: sent again (after
//! the phone was offline, say), it changes nothing.

use app::{
    ids::{AisleId, LineId, PlanId},
    shopping::{CheckState, DEFAULT_AISLES, NewItem, OpId, addition_by_member, food_key},
};
use sqlx::{Any, Transaction};

use super::lines::add;
use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError, placeholders},
};

impl Store {
    /// Sets a line's state; a replayed operation changes nothing. [`StoreError::NotFound`] for
    /// a line of another plan or household.
    #[tracing::instrument(name = "store.set_line_checked", skip_all)]
    pub async fn set_line_checked(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        line: &LineId,
        state: &CheckState,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !record_op(&mut tx, access, plan, state.op(), now_ms).await? {
            return Ok(());
        }
        let (checked, seen) = match state {
            CheckState::Checked { seen, .. } => (true, *seen),
            CheckState::Unchecked { .. } => (false, None),
        };
        let changed = sqlx::query(
            r"update shopping_lines set
                  checked = $3,
                  checked_amount = case when $3 = 0 or amount is null then null
                                        when $4 < 0 or $4 > amount then amount
                                        else $4 end,
                  checked_by = case when $3 = 1 then $5 else null end,
                  checked_at = case when $3 = 1 then $6 else null end,
                  revision = revision + 1
              where id = $1 and plan_id = $2",
        )
        .bind(line.as_str())
        .bind(plan.as_str())
        .bind(i64::from(checked))
        // A null would need a type of its own on PostgreSQL: "nothing seen" is -1.
        .bind(seen.unwrap_or(-1.0))
        .bind(access.user_id().as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a member's item to the list (merged like any line); a replay changes nothing.
    #[tracing::instrument(name = "store.add_list_item", skip_all)]
    pub async fn add_list_item(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        item: &NewItem,
        member_name: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !record_op(&mut tx, access, plan, &item.op, now_ms).await? {
            return Ok(());
        }
        let addition = addition_by_member(&item.line, member_name);
        let household = access.household_id().as_str();
        add(&mut tx, household, plan, vec![addition], now_ms).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the line's food in `aisle` for this household's lists; the line's revision moves so
    /// that other phones see it.
    #[tracing::instrument(name = "store.move_line_to_aisle", skip_all)]
    pub async fn move_line_to_aisle(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        line: &LineId,
        aisle: &AisleId,
    ) -> Result<(), StoreError> {
        let household = access.household_id().as_str();
        let mut tx = self.begin().await?;
        let learned = sqlx::query(
            r"insert into food_aisles (household_id, food_key, aisle_id)
              select $1, l.food_key, a.id from shopping_lines l
              join plans p on p.id = l.plan_id and p.household_id = $1
              join aisles a on a.id = $4 and a.household_id = $1
              where l.id = $2 and l.plan_id = $3
              on conflict (household_id, food_key) do update set aisle_id = excluded.aisle_id",
        )
        .bind(household)
        .bind(line.as_str())
        .bind(plan.as_str())
        .bind(aisle.as_str())
        .execute(&mut *tx)
        .await?;
        if learned.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(r"update shopping_lines set revision = revision + 1 where id = $1")
            .bind(line.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(name = "store.rename_aisle", skip_all)]
    pub async fn rename_aisle(
        &self,
        access: &HouseholdAccess,
        aisle: &AisleId,
        name: &str,
    ) -> Result<(), StoreError> {
        let renamed =
            sqlx::query(r"update aisles set name = $3 where id = $1 and household_id = $2")
                .bind(aisle.as_str())
                .bind(access.household_id().as_str())
                .bind(name)
                .execute(&mut *self.acquire().await?)
                .await?;
        if renamed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Swaps the aisle with its neighbour before (`up`) or after it; at either end, nothing.
    #[tracing::instrument(name = "store.reorder_aisle", skip_all)]
    pub async fn reorder_aisle(
        &self,
        access: &HouseholdAccess,
        aisle: &AisleId,
        up: bool,
    ) -> Result<(), StoreError> {
        let household = access.household_id().as_str();
        let mut tx = self.begin().await?;
        let aisles: Vec<(String, i64)> = sqlx::query_as(
            r"select id, position from aisles where household_id = $1 order by position, id",
        )
        .bind(household)
        .fetch_all(&mut *tx)
        .await?;
        let at = aisles
            .iter()
            .position(|(id, _)| id == aisle.as_str())
            .ok_or(StoreError::NotFound)?;
        let other = if up { at.checked_sub(1) } else { Some(at + 1) };
        let Some((other_id, other_position)) = other.and_then(|i| aisles.get(i)) else {
            return Ok(());
        };
        let position = aisles[at].1;
        sqlx::query(
            r"update aisles set position = case when id = $1 then $2 else $3 end
              where household_id = $4 and id in ($1, $5)",
        )
        .bind(aisle.as_str())
        .bind(other_position)
        .bind(position)
        .bind(household)
        .bind(other_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds or removes a pantry staple.
    #[tracing::instrument(name = "store.set_staple", skip_all)]
    pub async fn set_staple(
        &self,
        access: &HouseholdAccess,
        food: &str,
        staple: bool,
    ) -> Result<(), StoreError> {
        let household = access.household_id().as_str();
        let query = if staple {
            sqlx::query(
                r"insert into pantry_staples (household_id, food_key, food) values ($1, $2, $3)
                  on conflict (household_id, food_key) do nothing",
            )
            .bind(household)
            .bind(food_key(food))
            .bind(food.to_owned())
        } else {
            sqlx::query(r"delete from pantry_staples where household_id = $1 and food_key = $2")
                .bind(household)
                .bind(food_key(food))
        };
        query.execute(&mut *self.acquire().await?).await?;
        Ok(())
    }

    /// Lays out the household's aisles the first time one of its lists is opened; one
    /// statement, once per household. Returns them in order.
    #[tracing::instrument(name = "store.lay_out_aisles", skip_all)]
    pub async fn lay_out_aisles(
        &self,
        access: &HouseholdAccess,
    ) -> Result<Vec<(AisleId, String, i64)>, StoreError> {
        let household = access.household_id().as_str();
        let ids: Vec<AisleId> = DEFAULT_AISLES.iter().map(|_| AisleId::generate()).collect();
        let sql = format!(
            "insert into aisles (id, household_id, name, position) values {}",
            placeholders(DEFAULT_AISLES.len(), 4)
        );
        let mut insert = sqlx::query(&sql);
        for ((id, name), position) in ids.iter().zip(DEFAULT_AISLES).zip(0_i64..) {
            insert = insert
                .bind(id.as_str().to_owned())
                .bind(household)
                .bind(name)
                .bind(position);
        }
        insert.execute(&mut *self.acquire().await?).await?;
        Ok(ids
            .into_iter()
            .zip(DEFAULT_AISLES)
            .zip(0_i64..)
            .map(|((id, name), position)| (id, name.to_owned(), position))
            .collect())
    }
}

/// Records `op` for `plan`, the transaction's first statement (on SQLite a transaction that
/// writes first waits its turn instead of failing); false when it was applied before.
/// [`StoreError::NotFound`] for a plan of another household.
async fn record_op(
    tx: &mut Transaction<'_, Any>,
    access: &HouseholdAccess,
    plan: &PlanId,
    op: &OpId,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let recorded = sqlx::query(
        r"insert into shopping_ops (op_id, plan_id, user_id, applied_at)
          select $1, $2, $3, $4 where exists
              (select 1 from plans where id = $2 and household_id = $5)
          on conflict (op_id) do nothing",
    )
    .bind(op.as_str())
    .bind(plan.as_str())
    .bind(access.user_id().as_str())
    .bind(now_ms)
    .bind(access.household_id().as_str())
    .execute(&mut **tx)
    .await?;
    if recorded.rows_affected() == 1 {
        return Ok(true);
    }
    let replayed: Option<i64> = sqlx::query_scalar(
        r"select cast(1 as bigint) from shopping_ops where op_id = $1 and plan_id = $2",
    )
    .bind(op.as_str())
    .bind(plan.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    replayed.map(|_| false).ok_or(StoreError::NotFound)
}
