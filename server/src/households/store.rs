//! Households and their members: creating one, listing them, roles, and the household's row lock
//! that role and membership changes take. Who belongs is decided in `crate::access`.

use app::{
    households::{HouseholdName, MemberView, Role},
    ids::{HouseholdId, UserId},
    quotas::{MAX_HOUSEHOLDS_PER_ACCOUNT, Quota},
};
use sqlx::{Any, Transaction};

use crate::{
    access::{HouseholdAccess, HouseholdRecord, stored_role},
    db::{Store, StoreError},
};

/// A household of a person's list, with their role in it.
#[derive(sqlx::FromRow)]
struct HouseholdRow {
    id: String,
    name: String,
    role: String,
}

/// A member of a household, with their role.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    display_name: String,
    role: String,
}

impl Store {
    /// Creates a household with `creator` as its admin.
    #[tracing::instrument(name = "store.create_household", skip_all)]
    pub async fn create_household(
        &self,
        creator: &UserId,
        name: &HouseholdName,
        now_ms: i64,
    ) -> Result<HouseholdId, StoreError> {
        let id = HouseholdId::generate();
        let mut tx = self.begin().await?;
        require_room_for_one_more(&mut tx, creator).await?;
        sqlx::query(r"insert into households (id, name, created_at) values ($1, $2, $3)")
            .bind(id.as_str())
            .bind(name.as_str())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"insert into memberships (household_id, user_id, role, joined_at)
              values ($1, $2, 'admin', $3)",
        )
        .bind(id.as_str())
        .bind(creator.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The households `user` belongs to, by name.
    #[tracing::instrument(name = "store.households_of", skip_all)]
    pub async fn households_of(&self, user: &UserId) -> Result<Vec<HouseholdRecord>, StoreError> {
        let rows: Vec<HouseholdRow> = sqlx::query_as(
            r"select h.id, h.name, m.role
              from memberships m join households h on h.id = m.household_id
              where m.user_id = $1
              order by lower(h.name), h.id",
        )
        .bind(user.as_str())
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| HouseholdRecord {
                id: HouseholdId::from_stored(row.id),
                name: row.name,
                role: stored_role(&row.role),
            })
            .collect())
    }

    #[tracing::instrument(name = "store.household_name", skip_all)]
    pub async fn household_name(&self, access: &HouseholdAccess) -> Result<String, StoreError> {
        Ok(
            sqlx::query_scalar(r"select name from households where id = $1")
                .bind(access.household_id().as_str())
                .fetch_one(&mut *self.acquire().await?)
                .await?,
        )
    }

    /// Members with their roles: admins first, then by name.
    #[tracing::instrument(name = "store.members", skip_all)]
    pub async fn members(&self, access: &HouseholdAccess) -> Result<Vec<MemberView>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            r"select u.id, u.display_name, m.role
              from memberships m join users u on u.id = m.user_id
              where m.household_id = $1
              order by case when m.role = 'admin' then 0 else 1 end, lower(u.display_name), u.id",
        )
        .bind(access.household_id().as_str())
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| MemberView {
                user_id: UserId::from_stored(row.id),
                display_name: row.display_name,
                role: stored_role(&row.role),
            })
            .collect())
    }
}

/// Starts a transaction that holds the household's row lock until it ends, so role and
/// membership changes of one household happen one at a time on PostgreSQL (two admins demoting
/// each other at once must not leave none). SQLite allows one writer at a time anyway.
pub(crate) async fn lock_household(
    store: &Store,
    access: &HouseholdAccess,
) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = store.begin().await?;
    let locked = sqlx::query(r"update households set name = name where id = $1")
        .bind(access.household_id().as_str())
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(tx)
}

/// The actor's role may have changed since the access check: admin actions re-check it under
/// the household lock.
pub(crate) async fn require_admin_in(
    tx: &mut Transaction<'static, Any>,
    access: &HouseholdAccess,
) -> Result<(), StoreError> {
    match role_in(tx, access.household_id(), access.user_id()).await? {
        Some(Role::Admin) => Ok(()),
        Some(Role::Member) => Err(StoreError::NotAdmin),
        None => Err(StoreError::NotFound),
    }
}

pub(crate) async fn role_in(
    conn: &mut sqlx::AnyConnection,
    household: &HouseholdId,
    user: &UserId,
) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = sqlx::query_scalar(
        r"select role from memberships where household_id = $1 and user_id = $2",
    )
    .bind(household.as_str())
    .bind(user.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(role.as_deref().map(stored_role))
}

pub(crate) async fn admin_count(
    tx: &mut Transaction<'static, Any>,
    access: &HouseholdAccess,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        r"select cast(count(*) as bigint) from memberships
          where household_id = $1 and role = 'admin'",
    )
    .bind(access.household_id().as_str())
    .fetch_one(&mut **tx)
    .await?)
}

/// [`Quota::Households`] when `user` belongs to as many households as an account may.
pub(crate) async fn require_room_for_one_more(
    conn: &mut sqlx::AnyConnection,
    user: &UserId,
) -> Result<(), StoreError> {
    let households: i64 =
        sqlx::query_scalar(r"select cast(count(*) as bigint) from memberships where user_id = $1")
            .bind(user.as_str())
            .fetch_one(&mut *conn)
            .await?;
    if households >= i64::from(MAX_HOUSEHOLDS_PER_ACCOUNT) {
        return Err(StoreError::Quota(Quota::Households));
    }
    Ok(())
}
