//! Invites: links that let someone join a household, stored as a hash of their token; using
//! one re-checks everything (expiry, revocation, use, room, removal, a removed member's name)
//! inside the transaction.

use app::{
    error::InviteProblem,
    households::InviteView,
    ids::{HouseholdId, InviteId, UserId},
};
use subtle::ConstantTimeEq;

use super::{
    departures,
    store::{require_room_for_one_more, role_in},
};
use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

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

struct UsableInvite {
    id: String,
    created_at: i64,
    target: StoredInvite,
}

/// A pending invite as [`Store::pending_invites`] reads it.
#[derive(sqlx::FromRow)]
struct PendingRow {
    id: String,
    /// The display name of the admin who made it.
    created_by: String,
    expires_at: i64,
    single_use: i64,
}

impl Store {
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
        .bind(access.household_id().as_str())
        .bind(&invite.token_hash)
        .bind(access.user_id().as_str())
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
        let rows: Vec<PendingRow> = sqlx::query_as(
            r"select i.id, u.display_name as created_by, i.expires_at, i.single_use
              from invites i join users u on u.id = i.created_by
              where i.household_id = $1 and i.revoked_at is null and i.expires_at > $2
                and (i.single_use = 0 or i.uses = 0)
              order by i.expires_at, i.id",
        )
        .bind(access.household_id().as_str())
        .bind(now_ms)
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| InviteView {
                id: InviteId::from_stored(row.id),
                created_by: row.created_by,
                expires_at_ms: row.expires_at,
                single_use: row.single_use != 0,
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
        .bind(access.household_id().as_str())
        .bind(now_ms)
        .execute(&mut *self.acquire().await?)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
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
        if departures::name_removed_since(
            &mut tx,
            household.as_str(),
            user.as_str(),
            invite.created_at,
        )
        .await?
        {
            return Err(StoreError::Invite(InviteProblem::RemovedName));
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
