//! A household's dish library: the dishes it plans with, added one at a time or by proposing.
//! A library holds at most [`MAX_DISHES`] dishes.

use app::{
    ids::{DishId, OptionId, SlotId},
    plans::{DishDetails, DishName, DishView, OptionNames},
    quotas::{MAX_DISHES, Quota},
};
use sqlx::{Any, Transaction};

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError, is_unique_violation, placeholders},
};

/// A dish of the library.
#[derive(sqlx::FromRow)]
struct DishRow {
    id: String,
    name: String,
    note: Option<String>,
    link: Option<String>,
}

/// A dish found by its name key, with the size of the household's library.
#[derive(sqlx::FromRow)]
struct KeyedDishRow {
    id: String,
    name_key: String,
    total: i64,
}

impl Store {
    /// The dish library, by name.
    #[tracing::instrument(name = "store.dishes", skip_all)]
    pub async fn dishes(&self, access: &HouseholdAccess) -> Result<Vec<DishView>, StoreError> {
        let rows: Vec<DishRow> = sqlx::query_as(
            r"select id, name, note, link from dishes where household_id = $1
              order by name_key, id",
        )
        .bind(access.household_id().as_str())
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| DishView {
                id: DishId::from_stored(row.id),
                name: row.name,
                note: row.note,
                link: row.link,
            })
            .collect())
    }

    /// Adds a dish; a name the library has already (in any case) is [`StoreError::DishExists`].
    #[tracing::instrument(name = "store.add_dish", skip_all)]
    pub async fn add_dish(
        &self,
        access: &HouseholdAccess,
        name: &DishName,
        details: &DishDetails,
        now_ms: i64,
    ) -> Result<DishId, StoreError> {
        let id = DishId::generate();
        // The limit and the insert in one statement: a full library takes nothing more.
        let added = sqlx::query(
            r"insert into dishes (id, household_id, name, name_key, note, link, created_at)
              select $1, $2, $3, $4, $5, $6, $7
              where (select count(*) from dishes where household_id = $2) < $8",
        )
        .bind(id.as_str())
        .bind(access.household_id().as_str())
        .bind(name.as_str())
        .bind(name.key())
        .bind(details.note.as_deref())
        .bind(details.link.as_deref())
        .bind(now_ms)
        .bind(i64::from(MAX_DISHES))
        .execute(&mut *self.acquire().await?)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::DishExists
            } else {
                error.into()
            }
        })?;
        if added.rows_affected() == 0 {
            return Err(StoreError::Quota(Quota::Dishes));
        }
        Ok(id)
    }
}

/// The library's dishes for `names`, adding the ones it lacks; in the order given. Two
/// statements whatever the number of names; [`Quota::Dishes`] when the additions would pass the
/// library's limit (the caller's transaction then keeps nothing).
pub(crate) async fn library_dishes(
    tx: &mut Transaction<'_, Any>,
    household: &str,
    names: &OptionNames,
    now_ms: i64,
) -> Result<Vec<String>, StoreError> {
    let dishes = names.dishes();
    let sql = format!(
        "insert into dishes (id, household_id, name, name_key, created_at) values {}
         on conflict (household_id, name_key) do nothing",
        placeholders(dishes.len(), 5)
    );
    let ids: Vec<DishId> = dishes.iter().map(|_| DishId::generate()).collect();
    let mut insert = sqlx::query(&sql);
    for (dish, id) in dishes.iter().zip(&ids) {
        insert = insert
            .bind(id.as_str())
            .bind(household)
            .bind(dish.as_str())
            .bind(dish.key())
            .bind(now_ms);
    }
    insert.execute(&mut **tx).await?;

    let keys: Vec<String> = (0..dishes.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "select id, name_key,
                (select cast(count(*) as bigint) from dishes where household_id = $1) as total
         from dishes where household_id = $1 and name_key in ({})",
        keys.join(", ")
    );
    let mut select = sqlx::query_as::<_, KeyedDishRow>(&sql).bind(household);
    for dish in dishes {
        select = select.bind(dish.key());
    }
    let rows = select.fetch_all(&mut **tx).await?;
    if rows
        .first()
        .is_some_and(|row| row.total > i64::from(MAX_DISHES))
    {
        return Err(StoreError::Quota(Quota::Dishes));
    }
    dishes
        .iter()
        .map(|dish| {
            rows.iter()
                .find(|row| row.name_key == dish.key())
                .map(|row| row.id.clone())
                .ok_or(StoreError::Corrupt("dishes.name_key"))
        })
        .collect()
}

/// Gives each of `slots` the options `dishes`, in that order: one statement.
pub(crate) async fn insert_options(
    tx: &mut Transaction<'_, Any>,
    slots: &[&SlotId],
    dishes: &[String],
) -> Result<(), StoreError> {
    let sql = format!(
        "insert into slot_options (id, slot_id, dish_id, position) values {}",
        placeholders(slots.len() * dishes.len(), 4)
    );
    let mut insert = sqlx::query(&sql);
    for slot in slots {
        for (position, dish) in (0_i64..).zip(dishes) {
            insert = insert
                .bind(OptionId::generate().as_str().to_owned())
                .bind(slot.as_str())
                .bind(dish.as_str())
                .bind(position);
        }
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}
