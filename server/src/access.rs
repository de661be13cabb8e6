//! The one membership check. Every household-scoped method takes a [`HouseholdAccess`], which
//! only [`Member::access`] makes: holding one proves the person belongs to the household. A
//! request reads its [`Member`] once (`auth::request_member`) and services ask `Services::access`,
//! which asks [`Member::access`]; callers without a request (the calendar feed, the store tests)
//! read the member with [`Store::household_access`], which asks the same.
//! Admin-only methods check the role on it, and re-check it inside their transaction.

use app::{
    households::Role,
    ids::{HouseholdId, UserId},
};

use crate::db::{Store, StoreError};

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

    pub(crate) fn require_admin(&self) -> Result<(), StoreError> {
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

impl Store {
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

    /// [`Member::access`] for `user`, read now: for callers without a request's member.
    #[tracing::instrument(name = "store.household_access", skip_all)]
    pub async fn household_access(
        &self,
        user: &UserId,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, StoreError> {
        self.member(user, crate::clock::now_ms())
            .await?
            .ok_or(StoreError::NotFound)?
            .access(household)
    }
}

/// Roles are written only by this module and constrained by a `check`: anything but `admin` is a
/// member.
pub(crate) fn stored_role(role: &str) -> Role {
    if role == "admin" {
        Role::Admin
    } else {
        Role::Member
    }
}
