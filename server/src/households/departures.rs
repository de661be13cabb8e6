//! What follows when someone stops being an admin or a member of a household, in the same
//! transaction as the change (docs/security.md, "A removal sticks"):
//! - an admin who is demoted, removed or leaves: the invites they created are withdrawn and the
//!   webhook they set is switched off (deleted, with its pending deliveries) until an admin sets
//!   it again; the remaining admins are told in a notification;
//! - a member who is removed or leaves: their ballots on slots still open stop counting (ballots
//!   of closed slots stay in those slots' ballot files), and a slot on which everyone still
//!   expected has now voted closes. A slot past its deadline is no longer open even when nothing
//!   has closed it yet: it is closed first, with every ballot it had at the deadline
//!   ([`settle_due_in`]);
//! - a member removed by an admin: the removal is recorded, so no invite made before it lets them
//!   back in ([`removed_since`]), nor anyone else under their name ([`name_removed_since`]).

use app::{households::Role, ids::UserId};
use sqlx::{Any, Transaction};

use super::store::{admin_count, lock_household, require_admin_in, role_in};
use crate::{
    access::HouseholdAccess,
    closing::{self, Closed, close_if_everyone_voted, lock_slot, settle_due_in},
    db::{Store, StoreError},
    notifications::outbox::{Event, EventKind, record_event},
    webhooks::drop_pending_deliveries,
};

/// Who is leaving which household, and who did it.
pub(crate) struct Departure<'a> {
    pub household: &'a str,
    pub person: &'a str,
    /// The admin who demoted or removed them; themselves when they leave.
    pub actor: &'a str,
}

impl Store {
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
        if *member == *access.user_id() {
            return self.leave_household(access, now_ms).await;
        }
        let mut tx = lock_household(self, access).await?;
        require_admin_in(&mut tx, access).await?;
        let role = role_in(&mut tx, access.household_id(), member)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut closed = settle_due_in(&mut tx, access.household_id().as_str(), now_ms).await?;
        sqlx::query(r"delete from memberships where household_id = $1 and user_id = $2")
            .bind(access.household_id().as_str())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await?;
        let departure = Departure {
            household: access.household_id().as_str(),
            person: member.as_str(),
            actor: access.user_id().as_str(),
        };
        record_removal(&mut tx, &departure, now_ms).await?;
        if role == Role::Admin {
            end_admin_access(&mut tx, &departure, now_ms).await?;
        }
        closed.extend(drop_open_ballots(&mut tx, &departure, now_ms).await?);
        closing::commit(tx, &closed).await
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
        let current = role_in(&mut tx, access.household_id(), member)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current == Role::Admin
            && role == Role::Member
            && admin_count(&mut tx, access).await? <= 1
        {
            return Err(StoreError::LastAdmin);
        }
        sqlx::query(r"update memberships set role = $3 where household_id = $1 and user_id = $2")
            .bind(access.household_id().as_str())
            .bind(member.as_str())
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        if current == Role::Admin && role == Role::Member {
            let departure = Departure {
                household: access.household_id().as_str(),
                person: member.as_str(),
                actor: access.user_id().as_str(),
            };
            end_admin_access(&mut tx, &departure, now_ms).await?;
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
        let role = role_in(&mut tx, access.household_id(), access.user_id())
            .await?
            .ok_or(StoreError::NotFound)?;
        let members: i64 = sqlx::query_scalar(
            r"select cast(count(*) as bigint) from memberships where household_id = $1",
        )
        .bind(access.household_id().as_str())
        .fetch_one(&mut *tx)
        .await?;
        let mut closed = Vec::new();
        if members == 1 {
            // Plans first: their slots' options reference the household's dishes, and PostgreSQL
            // checks that reference before the cascade through `plans` has removed them.
            sqlx::query(r"delete from plans where household_id = $1")
                .bind(access.household_id().as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query(r"delete from households where id = $1")
                .bind(access.household_id().as_str())
                .execute(&mut *tx)
                .await?;
        } else {
            if role == Role::Admin && admin_count(&mut tx, access).await? <= 1 {
                return Err(StoreError::LastAdmin);
            }
            closed = settle_due_in(&mut tx, access.household_id().as_str(), now_ms).await?;
            sqlx::query(r"delete from memberships where household_id = $1 and user_id = $2")
                .bind(access.household_id().as_str())
                .bind(access.user_id().as_str())
                .execute(&mut *tx)
                .await?;
            let departure = Departure {
                household: access.household_id().as_str(),
                person: access.user_id().as_str(),
                actor: access.user_id().as_str(),
            };
            if role == Role::Admin {
                end_admin_access(&mut tx, &departure, now_ms).await?;
            }
            closed.extend(drop_open_ballots(&mut tx, &departure, now_ms).await?);
        }
        closing::commit(tx, &closed).await
    }
}

/// Withdraws the invites `person` created in the household and switches off the webhook they
/// set; tells the admins when either happened.
pub(crate) async fn end_admin_access(
    tx: &mut Transaction<'_, Any>,
    departure: &Departure<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let withdrawn = sqlx::query(
        r"update invites set revoked_at = $3
          where household_id = $1 and created_by = $2 and revoked_at is null
            and expires_at > $3 and (single_use = 0 or uses = 0)",
    )
    .bind(departure.household)
    .bind(departure.person)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let webhook_off = sqlx::query(r"delete from webhooks where household_id = $1 and set_by = $2")
        .bind(departure.household)
        .bind(departure.person)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        > 0;
    if webhook_off {
        drop_pending_deliveries(tx, departure.household).await?;
    }
    if withdrawn == 0 && !webhook_off {
        return Ok(());
    }
    let name: String = sqlx::query_scalar(r"select display_name from users where id = $1")
        .bind(departure.person)
        .fetch_one(&mut **tx)
        .await?;
    record_event(
        tx,
        Event {
            household: departure.household,
            kind: EventKind::AdminAccessEnded,
            actor: Some(departure.actor),
            plan: None,
            slot: None,
            data: serde_json::json!({
                "name": name,
                "invites_withdrawn": withdrawn,
                "webhook_switched_off": webhook_off,
            }),
        },
        now_ms,
    )
    .await
}

/// Drops `person`'s ballots on the household's open slots and closes each open slot on which
/// everyone still expected has now voted. Call after their membership row is gone, and after
/// [`settle_due_in`]: a slot past its deadline keeps its ballots even if that did not close it.
pub(crate) async fn drop_open_ballots(
    tx: &mut Transaction<'_, Any>,
    departure: &Departure<'_>,
    now_ms: i64,
) -> Result<Vec<Closed>, StoreError> {
    // Every open slot with a ballot: the person's own to drop, or others' that may now be all the
    // vote waits for. (A slot nobody voted on cannot close early.) Open means no result and the
    // deadline ahead.
    let slots: Vec<String> = sqlx::query_scalar(
        r"select s.id from slots s join plans p on p.id = s.plan_id
          where p.household_id = $1
            and coalesce(s.deadline_at, p.deadline_at) > $2
            and not exists (select 1 from slot_results r where r.slot_id = s.id)
            and exists (select 1 from ballots b where b.slot_id = s.id)
          order by p.id, s.position, s.id",
    )
    .bind(departure.household)
    .bind(now_ms)
    .fetch_all(&mut **tx)
    .await?;
    let mut closed = Vec::new();
    for slot in &slots {
        // The slot's turn first, as every writer of its ballots takes it.
        lock_slot(tx, slot, None).await?;
        sqlx::query(r"delete from ballots where slot_id = $1 and user_id = $2")
            .bind(slot)
            .bind(departure.person)
            .execute(&mut **tx)
            .await?;
        closed.extend(close_if_everyone_voted(tx, slot, now_ms).await?);
    }
    Ok(closed)
}

/// Records that an admin removed `person` at `now_ms`.
pub(crate) async fn record_removal(
    tx: &mut Transaction<'_, Any>,
    departure: &Departure<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        r"insert into removals (household_id, user_id, removed_at) values ($1, $2, $3)
          on conflict (household_id, user_id) do update set removed_at = excluded.removed_at",
    )
    .bind(departure.household)
    .bind(departure.person)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether `person` was removed from the household at or after `invite_created_ms`: such an
/// invite cannot bring them back.
pub(crate) async fn removed_since(
    conn: &mut sqlx::AnyConnection,
    household: &str,
    person: &str,
    invite_created_ms: i64,
) -> Result<bool, StoreError> {
    let removed_at: Option<i64> = sqlx::query_scalar(
        r"select removed_at from removals where household_id = $1 and user_id = $2",
    )
    .bind(household)
    .bind(person)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(removed_at.is_some_and(|at| invite_created_ms <= at))
}

/// Whether the name `person` goes by is, as people read it ([`name_key`]), the name of someone
/// removed from the household at or after `invite_created_ms`. A household knows a member by
/// their name: an invite made before the removal does not admit a new account under it either,
/// so signing up again with another email does not undo the removal. A newer invite does.
pub(crate) async fn name_removed_since(
    conn: &mut sqlx::AnyConnection,
    household: &str,
    person: &str,
    invite_created_ms: i64,
) -> Result<bool, StoreError> {
    let name: String = sqlx::query_scalar(r"select display_name from users where id = $1")
        .bind(person)
        .fetch_one(&mut *conn)
        .await?;
    let removed: Vec<String> = sqlx::query_scalar(
        r"select u.display_name from removals r join users u on u.id = r.user_id
          where r.household_id = $1 and r.removed_at >= $2",
    )
    .bind(household)
    .bind(invite_created_ms)
    .fetch_all(&mut *conn)
    .await?;
    let name = name_key(&name);
    Ok(removed.iter().any(|removed| name_key(removed) == name))
}

/// A name as people read it: compatibility-normalized (full-width letters, ligatures), in lower
/// case, with its spaces collapsed. Names that differ only in these read as the same person.
fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_that_read_the_same_have_one_key() {
        assert_eq!(name_key("Mallory"), name_key("mallory"));
        assert_eq!(name_key("Mallory  Smith"), name_key(" mallory smith"));
        assert_eq!(name_key("Ｍａｌｌｏｒｙ"), name_key("Mallory"));
        assert_ne!(name_key("Mallory"), name_key("Malory"));
    }
}
