//! Households, memberships and invites, with the one membership check that guards them.
//!
//! Every household-scoped method takes a [`HouseholdAccess`], which only
//! [`Store::household_access`] and [`Member::access`] can make: holding one proves the person
//! belongs to the household.
//! Admin-only methods check the role on it, and re-check it inside their transaction.

use app::{
    error::InviteProblem,
    households::{HouseholdName, InviteView, MemberView, Role},
    ids::{HouseholdId, InviteId, UserId},
    quotas::{MAX_HOUSEHOLDS_PER_ACCOUNT, Quota},
};
use sqlx::{Any, Transaction};
use subtle::ConstantTimeEq;

use super::{
    Store, StoreError,
    closing::count_closed,
    departures::{self, Departure},
};

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

/// An invite about to be stored: the hash of its token, never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvite {
    pub token_hash: String,
    pub expires_at_ms: i64,
    pub single_use: bool,
}

/// What a usable invite leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredInvite {
    pub household_id: HouseholdId,
    pub household_name: String,
    pub invited_by: String,
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
        let rows: Vec<(String, String, String)> = sqlx::query_as(
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
            .map(|(id, name, role)| HouseholdRecord {
                id: HouseholdId::from_stored(id),
                name,
                role: stored_role(&role),
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
        let rows: Vec<(String, String, String)> = sqlx::query_as(
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
            .map(|(id, display_name, role)| MemberView {
                user_id: UserId::from_stored(id),
                display_name,
                role: stored_role(&role),
            })
            .collect())
    }

    /// Stores a new invite (admins only).
    #[tracing::instrument(name = "store.create_invite", skip_all)]
    pub async fn create_invite(
        &self,
        access: &HouseholdAccess,
        invite: &NewInvite,
        now_ms: i64,
    ) -> Result<InviteId, StoreError> {
        access.require_admin()?;
        let id = InviteId::generate();
        sqlx::query(
            r"insert into invites
                  (id, household_id, token_hash, created_by, created_at, expires_at, single_use)
              values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(access.household.as_str())
        .bind(&invite.token_hash)
        .bind(access.user.as_str())
        .bind(now_ms)
        .bind(invite.expires_at_ms)
        .bind(i64::from(invite.single_use))
        .execute(&mut *self.acquire().await?)
        .await?;
        Ok(id)
    }

    /// Invites that can still be used: not revoked, not expired, not used up. Soonest to expire
    /// first.
    #[tracing::instrument(name = "store.pending_invites", skip_all)]
    pub async fn pending_invites(
        &self,
        access: &HouseholdAccess,
        now_ms: i64,
    ) -> Result<Vec<InviteView>, StoreError> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            r"select i.id, u.display_name, i.expires_at, i.single_use
              from invites i join users u on u.id = i.created_by
              where i.household_id = $1 and i.revoked_at is null and i.expires_at > $2
                and (i.single_use = 0 or i.uses = 0)
              order by i.expires_at, i.id",
        )
        .bind(access.household.as_str())
        .bind(now_ms)
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, created_by, expires_at_ms, single_use)| InviteView {
                id: InviteId::from_stored(id),
                created_by,
                expires_at_ms,
                single_use: single_use != 0,
            })
            .collect())
    }

    /// Withdraws a pending invite of this household (admins only); anything else is not found.
    #[tracing::instrument(name = "store.revoke_invite", skip_all)]
    pub async fn revoke_invite(
        &self,
        access: &HouseholdAccess,
        invite: &InviteId,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        access.require_admin()?;
        let revoked = sqlx::query(
            r"update invites set revoked_at = $3
              where id = $1 and household_id = $2 and revoked_at is null",
        )
        .bind(invite.as_str())
        .bind(access.household.as_str())
        .bind(now_ms)
        .execute(&mut *self.acquire().await?)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Removes another member (admins only). Removing oneself is leaving, with its rules. The
    /// removal sticks: no invite made before it lets them back ([`departures`]).
    #[tracing::instrument(name = "store.remove_member", skip_all)]
    pub async fn remove_member(
        &self,
        access: &HouseholdAccess,
        member: &UserId,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        access.require_admin()?;
        if *member == access.user {
            return self.leave_household(access, now_ms).await;
        }
        let mut tx = lock_household(self, access).await?;
        require_admin_in(&mut tx, access).await?;
        let role = role_in(&mut tx, &access.household, member)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query(r"delete from memberships where household_id = $1 and user_id = $2")
            .bind(access.household.as_str())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await?;
        let departure = Departure {
            household: access.household.as_str(),
            person: member.as_str(),
            actor: access.user.as_str(),
        };
        departures::record_removal(&mut tx, &departure, now_ms).await?;
        if role == Role::Admin {
            departures::end_admin_access(&mut tx, &departure, now_ms).await?;
        }
        let closed = departures::drop_open_ballots(&mut tx, &departure, now_ms).await?;
        tx.commit().await?;
        closed.iter().for_each(count_closed);
        Ok(())
    }

    /// Promotes or demotes a member (admins only); the last admin cannot step down.
    #[tracing::instrument(name = "store.set_member_role", skip_all)]
    pub async fn set_member_role(
        &self,
        access: &HouseholdAccess,
        member: &UserId,
        role: Role,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        access.require_admin()?;
        let mut tx = lock_household(self, access).await?;
        require_admin_in(&mut tx, access).await?;
        let current = role_in(&mut tx, &access.household, member)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current == Role::Admin
            && role == Role::Member
            && admin_count(&mut tx, access).await? <= 1
        {
            return Err(StoreError::LastAdmin);
        }
        sqlx::query(r"update memberships set role = $3 where household_id = $1 and user_id = $2")
            .bind(access.household.as_str())
            .bind(member.as_str())
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        if current == Role::Admin && role == Role::Member {
            let departure = Departure {
                household: access.household.as_str(),
                person: member.as_str(),
                actor: access.user.as_str(),
            };
            departures::end_admin_access(&mut tx, &departure, now_ms).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Leaves the household. The last admin must hand over first while others remain; the last
    /// member leaving deletes the household (there is nobody left to hand it to). Their ballots on
    /// open slots stop counting, and an admin's invites and webhook end with them ([`departures`]).
    #[tracing::instrument(name = "store.leave_household", skip_all)]
    pub async fn leave_household(
        &self,
        access: &HouseholdAccess,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = lock_household(self, access).await?;
        let role = role_in(&mut tx, &access.household, &access.user)
            .await?
            .ok_or(StoreError::NotFound)?;
        let members: i64 = sqlx::query_scalar(
            r"select cast(count(*) as bigint) from memberships where household_id = $1",
        )
        .bind(access.household.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let mut closed = Vec::new();
        if members == 1 {
            // Plans first: their slots' options reference the household's dishes, and PostgreSQL
            // checks that reference before the cascade through `plans` has removed them.
            sqlx::query(r"delete from plans where household_id = $1")
                .bind(access.household.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query(r"delete from households where id = $1")
                .bind(access.household.as_str())
                .execute(&mut *tx)
                .await?;
        } else {
            if role == Role::Admin && admin_count(&mut tx, access).await? <= 1 {
                return Err(StoreError::LastAdmin);
            }
            sqlx::query(r"delete from memberships where household_id = $1 and user_id = $2")
                .bind(access.household.as_str())
                .bind(access.user.as_str())
                .execute(&mut *tx)
                .await?;
            let departure = Departure {
                household: access.household.as_str(),
                person: access.user.as_str(),
                actor: access.user.as_str(),
            };
            if role == Role::Admin {
                departures::end_admin_access(&mut tx, &departure, now_ms).await?;
            }
            closed = departures::drop_open_ballots(&mut tx, &departure, now_ms).await?;
        }
        tx.commit().await?;
        closed.iter().for_each(count_closed);
        Ok(())
    }

    /// The household a usable invite leads to. Unknown: [`StoreError::NotFound`]; revoked,
    /// expired or used up: [`StoreError::Invite`].
    #[tracing::instrument(name = "store.invite_by_token_hash", skip_all)]
    pub async fn invite_by_token_hash(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<StoredInvite, StoreError> {
        let mut conn = self.acquire().await?;
        let row = usable_invite(&mut conn, token_hash, now_ms).await?;
        Ok(row.target)
    }

    /// Joins `user` to the household of a usable invite, counting one use. A person who is a
    /// member already is let in without using the invite up.
    #[tracing::instrument(name = "store.redeem_invite", skip_all)]
    pub async fn redeem_invite(
        &self,
        user: &UserId,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<HouseholdId, StoreError> {
        let mut tx = self.begin().await?;
        let invite = usable_invite(&mut tx, token_hash, now_ms).await?;
        let household = invite.target.household_id;
        if role_in(&mut tx, &household, user).await?.is_some() {
            return Ok(household);
        }
        if departures::removed_since(
            &mut tx,
            household.as_str(),
            user.as_str(),
            invite.created_at,
        )
        .await?
        {
            return Err(StoreError::Invite(InviteProblem::RemovedSince));
        }
        require_room_for_one_more(&mut tx, user).await?;
        // The condition repeats the checks, so two people racing for a single-use link cannot
        // both win: only one update matches.
        let counted = sqlx::query(
            r"update invites set uses = uses + 1
              where id = $1 and revoked_at is null and expires_at > $2
                and (single_use = 0 or uses = 0)",
        )
        .bind(&invite.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if counted.rows_affected() == 0 {
            return Err(StoreError::Invite(InviteProblem::Used));
        }
        sqlx::query(
            r"insert into memberships (household_id, user_id, role, joined_at)
              values ($1, $2, 'member', $3)",
        )
        .bind(household.as_str())
        .bind(user.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(household)
    }
}

struct UsableInvite {
    id: String,
    created_at: i64,
    target: StoredInvite,
}

async fn usable_invite(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    now_ms: i64,
) -> Result<UsableInvite, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        token_hash: String,
        household_id: String,
        household_name: String,
        created_at: i64,
        expires_at: i64,
        single_use: i64,
        uses: i64,
        revoked_at: Option<i64>,
        invited_by: String,
    }
    let row: Option<Row> = sqlx::query_as(
        r"select i.id, i.token_hash, h.id as household_id, h.name as household_name, i.created_at,
                 i.expires_at, i.single_use, i.uses, i.revoked_at, u.display_name as invited_by
          from invites i
          join households h on h.id = i.household_id
          join users u on u.id = i.created_by
          where i.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound);
    };
    // The database found the row by this hash already; comparing again in constant time keeps
    // any comparison of secret material free of timing differences.
    if !bool::from(row.token_hash.as_bytes().ct_eq(token_hash.as_bytes())) {
        return Err(StoreError::NotFound);
    }
    if row.revoked_at.is_some() {
        return Err(StoreError::Invite(InviteProblem::Revoked));
    }
    if row.expires_at <= now_ms {
        return Err(StoreError::Invite(InviteProblem::Expired));
    }
    if row.single_use != 0 && row.uses > 0 {
        return Err(StoreError::Invite(InviteProblem::Used));
    }
    Ok(UsableInvite {
        id: row.id,
        created_at: row.created_at,
        target: StoredInvite {
            household_id: HouseholdId::from_stored(row.household_id),
            household_name: row.household_name,
            invited_by: row.invited_by,
        },
    })
}

/// Starts a transaction that holds the household's row lock until it ends, so role and
/// membership changes of one household happen one at a time on PostgreSQL (two admins demoting
/// each other at once must not leave none). SQLite allows one writer at a time anyway.
async fn lock_household(
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
async fn require_admin_in(
    tx: &mut Transaction<'static, Any>,
    access: &HouseholdAccess,
) -> Result<(), StoreError> {
    match role_in(tx, &access.household, &access.user).await? {
        Some(Role::Admin) => Ok(()),
        Some(Role::Member) => Err(StoreError::NotAdmin),
        None => Err(StoreError::NotFound),
    }
}

/// [`Quota::Households`] when `user` belongs to as many households as an account may.
async fn require_room_for_one_more(
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

async fn role_in(
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

async fn admin_count(
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
