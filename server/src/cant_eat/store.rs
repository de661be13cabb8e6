//! The member's own list: read and changed only through the member's own access, so nobody else
//! can name it. An addition takes the member's membership row first, so two additions at once
//! count one after the other and the bound holds on PostgreSQL too: two statements (three when it
//! is refused, to say why). A removal is one.

use app::{
    cant_eat::{CantEatDish, CantEatFood, CantEatList, OptionDish},
    ids::{DishId, OptionId, UserId},
    quotas::{MAX_CANT_EAT, Quota},
    shopping::food_key,
};

use sqlx::{Any, Transaction};

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

/// One row of the list page's read: the household's name (`part` 0), a food on the list (1), a
/// dish on the list (2), a dish of the library not on it (3), a dish's ingredient lines (4).
#[derive(sqlx::FromRow)]
struct ListRow {
    part: i64,
    id: String,
    name: String,
}

/// Why a change added nothing: how full the list is, and whether the thing is already on it
/// (or, for a dish, whether the household has it).
#[derive(sqlx::FromRow)]
struct Refusal {
    total: i64,
    present: i64,
    known: i64,
}

impl Store {
    /// `member`'s list in the household of `access`: only their own, anyone else's is
    /// [`StoreError::NotFound`] (as a household they are not in). One statement.
    #[tracing::instrument(name = "store.cant_eat_list", skip_all)]
    pub async fn cant_eat_list(
        &self,
        access: &HouseholdAccess,
        member: &UserId,
    ) -> Result<CantEatList, StoreError> {
        if member != access.user_id() {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<ListRow> = sqlx::query_as(
            r"select cast(0 as bigint) as part, h.id as id, h.name as name, '' as sort
              from households h where h.id = $1
              union all
              select cast(1 as bigint), f.food_key, f.food, f.food_key from cant_eat_foods f
              where f.household_id = $1 and f.user_id = $2
              union all
              select cast(2 as bigint), d.id, d.name, d.name_key
              from cant_eat_dishes c join dishes d on d.id = c.dish_id
              where c.household_id = $1 and c.user_id = $2
              union all
              select cast(3 as bigint), d.id, d.name, d.name_key from dishes d
              where d.household_id = $1
                and not exists (select 1 from cant_eat_dishes c
                                where c.household_id = $1 and c.user_id = $2 and c.dish_id = d.id)
              union all
              select cast(4 as bigint), d.id, d.ingredients, '' from dishes d
              where d.household_id = $1 and d.ingredients is not null
              order by 1, 4, 2",
        )
        .bind(access.household_id().as_str())
        .bind(member.as_str())
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        let mut list = CantEatList {
            household_id: access.household_id().clone(),
            household_name: String::new(),
            member_id: member.clone(),
            foods: Vec::new(),
            dishes: Vec::new(),
            dish_choices: Vec::new(),
            food_choices: Vec::new(),
        };
        for row in rows {
            match row.part {
                0 => list.household_name = row.name,
                1 => list.foods.push(CantEatFood {
                    key: row.id,
                    food: row.name,
                }),
                2 | 3 => {
                    let dish = CantEatDish {
                        id: DishId::from_stored(row.id),
                        name: row.name,
                    };
                    if row.part == 2 {
                        list.dishes.push(dish);
                    } else {
                        list.dish_choices.push(dish);
                    }
                }
                _ => {
                    let dish = OptionDish::from_stored(
                        OptionId::from_stored(row.id),
                        String::new(),
                        Some(&row.name),
                    );
                    list.food_choices.extend(dish.foods);
                }
            }
        }
        list.food_choices.sort_by_key(|food| food_key(food));
        list.food_choices.dedup_by_key(|food| food_key(food));
        Ok(list)
    }

    /// Adds `food` to the member's own list; already on it changes nothing. Past
    /// [`MAX_CANT_EAT`] foods, [`Quota::CantEatFoods`].
    #[tracing::instrument(name = "store.add_cant_eat_food", skip_all)]
    pub async fn add_cant_eat_food(
        &self,
        access: &HouseholdAccess,
        food: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let key = food_key(food);
        let mut tx = lock_list(self, access).await?;
        // The limit and the insert in one statement: a full list takes nothing more.
        let added = sqlx::query(
            r"insert into cant_eat_foods (household_id, user_id, food_key, food, created_at)
              select $1, $2, $3, $4, $5
              where (select count(*) from cant_eat_foods
                     where household_id = $1 and user_id = $2) < $6
              on conflict (household_id, user_id, food_key) do nothing",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(&key)
        .bind(food)
        .bind(now_ms)
        .bind(i64::from(MAX_CANT_EAT))
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() > 0 {
            tx.commit().await?;
            return Ok(());
        }
        let refusal: Refusal = sqlx::query_as(
            r"select cast(count(*) as bigint) as total,
                     cast(coalesce(sum(case when food_key = $3 then 1 else 0 end), 0) as bigint) as present,
                     cast(1 as bigint) as known
              from cant_eat_foods where household_id = $1 and user_id = $2",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(&key)
        .fetch_one(&mut *tx)
        .await?;
        refused(&refusal, Quota::CantEatFoods)
    }

    /// Takes the food of key `food_key` off the member's own list.
    #[tracing::instrument(name = "store.remove_cant_eat_food", skip_all)]
    pub async fn remove_cant_eat_food(
        &self,
        access: &HouseholdAccess,
        food_key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            r"delete from cant_eat_foods where household_id = $1 and user_id = $2 and food_key = $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(food_key)
        .execute(&mut *self.acquire().await?)
        .await?;
        Ok(())
    }

    /// Adds the household's dish `dish` to the member's own list; already on it changes
    /// nothing; a dish of no household of theirs is [`StoreError::NotFound`]. Past
    /// [`MAX_CANT_EAT`] dishes, [`Quota::CantEatDishes`].
    #[tracing::instrument(name = "store.add_cant_eat_dish", skip_all)]
    pub async fn add_cant_eat_dish(
        &self,
        access: &HouseholdAccess,
        dish: &DishId,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = lock_list(self, access).await?;
        let added = sqlx::query(
            r"insert into cant_eat_dishes (household_id, user_id, dish_id, created_at)
              select $1, $2, d.id, $4 from dishes d
              where d.id = $3 and d.household_id = $1
                and (select count(*) from cant_eat_dishes
                     where household_id = $1 and user_id = $2) < $5
              on conflict (household_id, user_id, dish_id) do nothing",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(dish.as_str())
        .bind(now_ms)
        .bind(i64::from(MAX_CANT_EAT))
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() > 0 {
            tx.commit().await?;
            return Ok(());
        }
        let refusal: Refusal = sqlx::query_as(
            r"select (select cast(count(*) as bigint) from cant_eat_dishes
                      where household_id = $1 and user_id = $2) as total,
                     (select cast(count(*) as bigint) from cant_eat_dishes
                      where household_id = $1 and user_id = $2 and dish_id = $3) as present,
                     (select cast(count(*) as bigint) from dishes
                      where household_id = $1 and id = $3) as known",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(dish.as_str())
        .fetch_one(&mut *tx)
        .await?;
        refused(&refusal, Quota::CantEatDishes)
    }

    /// Takes dish `dish` off the member's own list.
    #[tracing::instrument(name = "store.remove_cant_eat_dish", skip_all)]
    pub async fn remove_cant_eat_dish(
        &self,
        access: &HouseholdAccess,
        dish: &DishId,
    ) -> Result<(), StoreError> {
        sqlx::query(
            r"delete from cant_eat_dishes where household_id = $1 and user_id = $2 and dish_id = $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(dish.as_str())
        .execute(&mut *self.acquire().await?)
        .await?;
        Ok(())
    }
}

/// A transaction holding the member's membership row (the household of `access`) until it ends:
/// changes of one member's list happen one at a time. [`StoreError::NotFound`] once they have left.
async fn lock_list(
    store: &Store,
    access: &HouseholdAccess,
) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = store.begin().await?;
    let locked =
        sqlx::query(r"update memberships set role = role where household_id = $1 and user_id = $2")
            .bind(access.household_id().as_str())
            .bind(access.user_id().as_str())
            .execute(&mut *tx)
            .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(tx)
}

/// What an insert that added nothing means: already there (fine), unknown, or a full list.
fn refused(refusal: &Refusal, quota: Quota) -> Result<(), StoreError> {
    if refusal.present > 0 {
        Ok(())
    } else if refusal.known == 0 {
        Err(StoreError::NotFound)
    } else if refusal.total >= i64::from(MAX_CANT_EAT) {
        Err(StoreError::Quota(quota))
    } else {
        Err(StoreError::Corrupt("cant_eat (nothing added)"))
    }
}
