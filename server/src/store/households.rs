//! Households, memberships and invites, with the one membership check that guards them.
//!
//! Every household-scoped method takes a [`HouseholdAccess`], which only
//! [`Store::household_access`] and [`Member::access`] can make: holding one proves the person
//! belongs to the household.
//! Admin-only methods check the role on it, and re-check it inside their transaction.

use app::{
    households::{HouseholdName, MemberView, Role},
    ids::{HouseholdId, UserId},
};
use sqlx::{Any, Transaction};

use super::{Store, StoreError, invites::require_room_for_one_more};

/// Proof that `user` belongs to `household`, with their role at the time of the check.
/// Fields are private and there is no public constructor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdAccess {
    household: HouseholdId,
    user: UserId,
    role: Role,
}

impl HouseholdAccess {
    pub fn household_id(&self) -> &HouseholdId {
        &self.household
    }

    pub fn user_id(&self) -> &UserId {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub(super) fn require_admin(&self) -> Result<(), StoreError> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Member => Err(StoreError::NotAdmin),
        }
    }
}

/// A household as one of its members sees it in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdRecord {
    pub id: HouseholdId,
    pub name: String,
    pub role: Role,
}

/// A signed-in person as one statement finds them ([`Store::member`]): their name and every
/// household they belong to. A request reads it once; access to a household is granted from it
/// ([`Member::access`]), so the membership check and the lazy close's "anything due?" cost no
/// statement of their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: UserId,
    pub display_name: String,
    /// Sessions signed in before this time (ms) are no longer valid.
    pub sessions_valid_from: i64,
    pub households: Vec<Membership>,
}

/// One of a member's households, and whether it has slots past their deadline still open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub household: HouseholdRecord,
    pub overdue: bool,
}

impl Member {
    /// The membership check: proof that this member belongs to `household`, or
    /// [`StoreError::NotFound`] alike for a household that does not exist and one they are not in.
    pub fn access(&self, household: &HouseholdId) -> Result<HouseholdAccess, StoreError> {
        self.membership(household)
            .map(|m| HouseholdAccess {
                household: household.clone(),
                user: self.id.clone(),
                role: m.household.role,
            })
            .ok_or(StoreError::NotFound)
    }

    /// Whether `household` had overdue open slots when this was read.
    pub fn overdue(&self, household: &HouseholdId) -> bool {
        self.membership(household).is_some_and(|m| m.overdue)
    }

    /// This member with `household`'s overdue slots known to be settled.
    pub fn settled(&self, household: &HouseholdId) -> Self {
        let mut member = self.clone();
        for m in &mut member.households {
            if m.household.id == *household {
                m.overdue = false;
            }
        }
        member
    }

    fn membership(&self, household: &HouseholdId) -> Option<&Membership> {
        self.households
            .iter()
            .find(|m| m.household.id == *household)
    }
}

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

    /// The member `user`, with their households by name; `None` if the account is gone. One
    /// statement: the account, its memberships and, per household, whether any slot is past its
    /// deadline at `now_ms` and still open (the lazy close path's question).
    #[tracing::instrument(name = "store.member", skip_all)]
    pub async fn member(&self, user: &UserId, now_ms: i64) -> Result<Option<Member>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            display_name: String,
            sessions_valid_from: i64,
            household_id: Option<String>,
            household_name: Option<String>,
            role: Option<String>,
            overdue: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            r"select u.display_name, u.sessions_valid_from, h.id as household_id, h.name as household_name, m.role,
                     cast(case when h.id is not null and exists (
                         select 1 from plans p join slots s on s.plan_id = p.id
                         where p.household_id = h.id
                           and coalesce(s.deadline_at, p.deadline_at) <= $2
                           and not exists (select 1 from slot_results r where r.slot_id = s.id)
                     ) then 1 else 0 end as bigint) as overdue
              from users u
              left join memberships m on m.user_id = u.id
              left join households h on h.id = m.household_id
              where u.id = $1
              order by lower(h.name), h.id",
        )
        .bind(user.as_str())
        .bind(now_ms)
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let display_name = first.display_name.clone();
        let sessions_valid_from = first.sessions_valid_from;
        let households = rows
            .into_iter()
            .filter_map(|row| {
                Some(Membership {
                    household: HouseholdRecord {
                        id: HouseholdId::from_stored(row.household_id?),
                        name: row.household_name?,
                        role: stored_role(&row.role?),
                    },
                    overdue: row.overdue == 1,
                })
            })
            .collect();
        Ok(Some(Member {
            id: user.clone(),
            display_name,
            sessions_valid_from,
            households,
        }))
    }

    /// The membership check: the only way to a [`HouseholdAccess`]. A household that does not
    /// exist and one `user` is not in give the same [`StoreError::NotFound`].
    #[tracing::instrument(name = "store.household_access", skip_all)]
    pub async fn household_access(
        &self,
        user: &UserId,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, StoreError> {
        let role: Option<String> = sqlx::query_scalar(
            r"select role from memberships where household_id = $1 and user_id = $2",
        )
        .bind(household.as_str())
        .bind(user.as_str())
        .fetch_optional(&mut *self.acquire().await?)
        .await?;
        let role = role.ok_or(StoreError::NotFound)?;
        Ok(HouseholdAccess {
            household: household.clone(),
            user: user.clone(),
            role: stored_role(&role),
        })
    }

    #[tracing::instrument(name = "store.household_name", skip_all)]
    pub async fn household_name(&self, access: &HouseholdAccess) -> Result<String, StoreError> {
        Ok(
            sqlx::query_scalar(r"select name from households where id = $1")
                .bind(access.household.as_str())
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
        .bind(access.household.as_str())
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
pub(super) async fn lock_household(
    store: &Store,
    access: &HouseholdAccess,
) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = store.begin().await?;
    let locked = sqlx::query(r"update households set name = name where id = $1")
        .bind(access.household.as_str())
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(tx)
}

/// The actor's role may have changed since the access check: admin actions re-check it under
/// the household lock.
pub(super) async fn require_admin_in(
    tx: &mut Transaction<'static, Any>,
    access: &HouseholdAccess,
) -> Result<(), StoreError> {
    match role_in(tx, &access.household, &access.user).await? {
        Some(Role::Admin) => Ok(()),
        Some(Role::Member) => Err(StoreError::NotAdmin),
        None => Err(StoreError::NotFound),
    }
}

pub(super) async fn role_in(
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

pub(super) async fn admin_count(
    tx: &mut Transaction<'static, Any>,
    access: &HouseholdAccess,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        r"select cast(count(*) as bigint) from memberships
          where household_id = $1 and role = 'admin'",
    )
    .bind(access.household.as_str())
    .fetch_one(&mut **tx)
    .await?)
}

/// Roles are written only by this module and constrained by a `check`: anything but `admin` is a
/// member.
fn stored_role(role: &str) -> Role {
    if role == "admin" {
        Role::Admin
    } else {
        Role::Member
    }
}
