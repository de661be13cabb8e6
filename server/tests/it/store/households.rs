//! Conformance of the household, membership and invite store methods, on both engines.

use app::{
    error::InviteProblem,
    households::{HouseholdName, Role},
    ids::{HouseholdId, InviteId, UserId},
};
use server::{
    access::HouseholdAccess,
    db::{Store, StoreError},
    households::NewInvite,
};

use crate::support::{TestDatabase, store::user};

crate::on_both_engines!(
    the_creator_of_a_household_is_its_admin,
    a_non_member_and_an_unknown_household_are_the_same_not_found,
    a_persons_households_are_listed_by_name_with_roles,
    members_are_listed_admins_first,
    only_admins_create_and_revoke_invites,
    pending_invites_leave_out_revoked_expired_and_used_ones,
    an_invite_is_found_by_its_token_hash_and_says_why_it_cannot_be_used,
    redeeming_an_invite_makes_a_member_once_for_single_use_links,
    a_member_redeeming_again_is_let_in_without_using_the_invite,
    admins_promote_demote_and_remove_members,
    the_last_admin_can_neither_step_down_nor_leave_while_others_remain,
    the_last_member_leaving_deletes_the_household,
    a_removed_member_loses_access,
);

const DAY: i64 = 86_400_000;

fn household_name(raw: &str) -> HouseholdName {
    HouseholdName::try_from(raw.to_owned()).unwrap()
}

async fn household(store: &Store, admin: &UserId, name: &str) -> (HouseholdId, HouseholdAccess) {
    let id = store
        .create_household(admin, &household_name(name), 10)
        .await
        .unwrap();
    let access = store.household_access(admin, &id).await.unwrap();
    (id, access)
}

fn invite(hash: &str, expires_at_ms: i64, single_use: bool) -> NewInvite {
    NewInvite {
        token_hash: hash.to_owned(),
        expires_at_ms,
        single_use,
    }
}

/// A household with an admin and a member.
async fn pair(store: &Store) -> (HouseholdId, HouseholdAccess, UserId) {
    let admin = user(store, "Ada").await;
    let member = user(store, "Bob").await;
    let (id, access) = household(store, &admin, "Home").await;
    store
        .create_invite(&access, &invite("pair", 100 * DAY, false), 10)
        .await
        .unwrap();
    store.redeem_invite(&member, "pair", 20).await.unwrap();
    (id, access, member)
}

async fn the_creator_of_a_household_is_its_admin(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let (id, access) = household(&store, &ada, "The Lovelaces").await;
    assert_eq!(access.role(), Role::Admin);
    assert_eq!(access.household_id(), &id);
    assert_eq!(access.user_id(), &ada);
    assert_eq!(
        store.household_name(&access).await.unwrap(),
        "The Lovelaces"
    );
}

async fn a_non_member_and_an_unknown_household_are_the_same_not_found(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let eve = user(&store, "Eve").await;
    let (id, _) = household(&store, &ada, "Home").await;
    let outsider = store.household_access(&eve, &id).await;
    assert!(
        matches!(outsider, Err(StoreError::NotFound)),
        "{outsider:?}"
    );
    let unknown = HouseholdId::try_from("00000000-0000-4000-8000-000000000000".to_owned()).unwrap();
    let missing = store.household_access(&ada, &unknown).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

async fn a_persons_households_are_listed_by_name_with_roles(db: TestDatabase) {
    let store = db.store().await;
    let (_, access, bob) = pair(&store).await;
    let (own, _) = household(&store, &bob, "Allotment").await;
    let listed = store.households_of(&bob).await.unwrap();
    let summary: Vec<(&str, Role)> = listed.iter().map(|h| (h.name.as_str(), h.role)).collect();
    assert_eq!(
        summary,
        [("Allotment", Role::Admin), ("Home", Role::Member)]
    );
    assert_eq!(listed[0].id, own);
    assert_eq!(&listed[1].id, access.household_id());
    let nobody = user(&store, "Nobody").await;
    assert!(store.households_of(&nobody).await.unwrap().is_empty());
}

async fn members_are_listed_admins_first(db: TestDatabase) {
    let store = db.store().await;
    let (_, access, bob) = pair(&store).await;
    let members = store.members(&access).await.unwrap();
    let summary: Vec<(&str, Role)> = members
        .iter()
        .map(|m| (m.display_name.as_str(), m.role))
        .collect();
    assert_eq!(summary, [("Ada", Role::Admin), ("Bob", Role::Member)]);
    assert_eq!(members[1].user_id, bob);
}

async fn only_admins_create_and_revoke_invites(db: TestDatabase) {
    let store = db.store().await;
    let (id, access, bob) = pair(&store).await;
    let bobs = store.household_access(&bob, &id).await.unwrap();
    let refused = store
        .create_invite(&bobs, &invite("b", 5 * DAY, false), 30)
        .await;
    assert!(matches!(refused, Err(StoreError::NotAdmin)), "{refused:?}");
    let invite_id = store
        .create_invite(&access, &invite("a", 5 * DAY, false), 30)
        .await
        .unwrap();
    let refused = store.revoke_invite(&bobs, &invite_id, 40).await;
    assert!(matches!(refused, Err(StoreError::NotAdmin)), "{refused:?}");
    store.revoke_invite(&access, &invite_id, 40).await.unwrap();
    let again = store.revoke_invite(&access, &invite_id, 41).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
}

async fn pending_invites_leave_out_revoked_expired_and_used_ones(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let bob = user(&store, "Bob").await;
    let (_, access) = household(&store, &ada, "Home").await;
    let open = store
        .create_invite(&access, &invite("open", 9 * DAY, false), 10)
        .await
        .unwrap();
    let revoked = store
        .create_invite(&access, &invite("revoked", 9 * DAY, false), 10)
        .await
        .unwrap();
    store.revoke_invite(&access, &revoked, 20).await.unwrap();
    store
        .create_invite(&access, &invite("expired", 100, false), 10)
        .await
        .unwrap();
    store
        .create_invite(&access, &invite("used", 9 * DAY, true), 10)
        .await
        .unwrap();
    store.redeem_invite(&bob, "used", 30).await.unwrap();
    let single = store
        .create_invite(&access, &invite("single", 8 * DAY, true), 10)
        .await
        .unwrap();
    let pending = store.pending_invites(&access, 1_000).await.unwrap();
    let ids: Vec<&InviteId> = pending.iter().map(|i| &i.id).collect();
    assert_eq!(ids, [&single, &open], "soonest to expire first");
    assert!(pending[0].single_use);
    assert_eq!(pending[1].created_by, "Ada");
    assert_eq!(pending[1].expires_at_ms, 9 * DAY);
}

async fn an_invite_is_found_by_its_token_hash_and_says_why_it_cannot_be_used(db: TestDatabase) {
    let store = db.store().await;
    let (id, access, _) = pair(&store).await;
    store
        .create_invite(&access, &invite("fine", 5 * DAY, false), 10)
        .await
        .unwrap();
    let found = store.invite_by_token_hash("fine", 20).await.unwrap();
    assert_eq!(found.household_id, id);
    assert_eq!(found.household_name, "Home");
    assert_eq!(found.invited_by, "Ada");
    let expired = store.invite_by_token_hash("fine", 5 * DAY).await;
    assert!(
        matches!(expired, Err(StoreError::Invite(InviteProblem::Expired))),
        "{expired:?}"
    );
    let revoked_id = store
        .create_invite(&access, &invite("withdrawn", 5 * DAY, false), 10)
        .await
        .unwrap();
    store.revoke_invite(&access, &revoked_id, 11).await.unwrap();
    let revoked = store.invite_by_token_hash("withdrawn", 20).await;
    assert!(
        matches!(revoked, Err(StoreError::Invite(InviteProblem::Revoked))),
        "{revoked:?}"
    );
    let unknown = store.invite_by_token_hash("no-such-hash", 20).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
}

async fn redeeming_an_invite_makes_a_member_once_for_single_use_links(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let bob = user(&store, "Bob").await;
    let cy = user(&store, "Cy").await;
    let (id, access) = household(&store, &ada, "Home").await;
    store
        .create_invite(&access, &invite("once", 5 * DAY, true), 10)
        .await
        .unwrap();
    assert_eq!(store.redeem_invite(&bob, "once", 20).await.unwrap(), id);
    assert_eq!(
        store.household_access(&bob, &id).await.unwrap().role(),
        Role::Member
    );
    let late = store.redeem_invite(&cy, "once", 30).await;
    assert!(
        matches!(late, Err(StoreError::Invite(InviteProblem::Used))),
        "{late:?}"
    );
    assert!(store.household_access(&cy, &id).await.is_err());
    let expired = store
        .create_invite(&access, &invite("late", 40, false), 10)
        .await;
    expired.unwrap();
    let too_late = store.redeem_invite(&cy, "late", 40).await;
    assert!(
        matches!(too_late, Err(StoreError::Invite(InviteProblem::Expired))),
        "{too_late:?}"
    );
}

async fn a_member_redeeming_again_is_let_in_without_using_the_invite(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let bob = user(&store, "Bob").await;
    let (id, access) = household(&store, &ada, "Home").await;
    store
        .create_invite(&access, &invite("once", 5 * DAY, true), 10)
        .await
        .unwrap();
    assert_eq!(store.redeem_invite(&ada, "once", 20).await.unwrap(), id);
    assert_eq!(store.redeem_invite(&bob, "once", 21).await.unwrap(), id);
}

async fn admins_promote_demote_and_remove_members(db: TestDatabase) {
    let store = db.store().await;
    let (id, access, bob) = pair(&store).await;
    let bobs = store.household_access(&bob, &id).await.unwrap();
    let refused = store
        .set_member_role(&bobs, access.user_id(), Role::Member, 30)
        .await;
    assert!(matches!(refused, Err(StoreError::NotAdmin)), "{refused:?}");
    store
        .set_member_role(&access, &bob, Role::Admin, 30)
        .await
        .unwrap();
    assert_eq!(
        store.household_access(&bob, &id).await.unwrap().role(),
        Role::Admin
    );
    store
        .set_member_role(&access, &bob, Role::Member, 30)
        .await
        .unwrap();
    let stranger = user(&store, "Eve").await;
    let missing = store
        .set_member_role(&access, &stranger, Role::Admin, 30)
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let missing = store.remove_member(&access, &stranger, 30).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let refused = store.remove_member(&bobs, access.user_id(), 30).await;
    assert!(matches!(refused, Err(StoreError::NotAdmin)), "{refused:?}");
    store.remove_member(&access, &bob, 30).await.unwrap();
    assert_eq!(store.members(&access).await.unwrap().len(), 1);
}

async fn the_last_admin_can_neither_step_down_nor_leave_while_others_remain(db: TestDatabase) {
    let store = db.store().await;
    let (id, access, bob) = pair(&store).await;
    let demoted = store
        .set_member_role(&access, access.user_id(), Role::Member, 30)
        .await;
    assert!(matches!(demoted, Err(StoreError::LastAdmin)), "{demoted:?}");
    let left = store.leave_household(&access, 30).await;
    assert!(matches!(left, Err(StoreError::LastAdmin)), "{left:?}");
    let removed_self = store.remove_member(&access, access.user_id(), 30).await;
    assert!(
        matches!(removed_self, Err(StoreError::LastAdmin)),
        "{removed_self:?}"
    );
    // Handing over first makes leaving possible.
    store
        .set_member_role(&access, &bob, Role::Admin, 30)
        .await
        .unwrap();
    store.leave_household(&access, 30).await.unwrap();
    assert!(store.household_access(access.user_id(), &id).await.is_err());
    let bobs = store.household_access(&bob, &id).await.unwrap();
    assert_eq!(bobs.role(), Role::Admin);
    // A member (not admin) may always leave.
    let cy = user(&store, "Cy").await;
    store
        .create_invite(&bobs, &invite("cy", 5 * DAY, false), 10)
        .await
        .unwrap();
    store.redeem_invite(&cy, "cy", 20).await.unwrap();
    let cys = store.household_access(&cy, &id).await.unwrap();
    store.leave_household(&cys, 30).await.unwrap();
}

async fn the_last_member_leaving_deletes_the_household(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let (id, access) = household(&store, &ada, "Solo").await;
    store
        .create_invite(&access, &invite("solo", 5 * DAY, false), 10)
        .await
        .unwrap();
    store.leave_household(&access, 30).await.unwrap();
    assert!(store.households_of(&ada).await.unwrap().is_empty());
    let rows: i64 =
        sqlx::query_scalar("select cast(count(*) as bigint) from households where id = $1")
            .bind(id.as_str())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(rows, 0);
    let gone = store.invite_by_token_hash("solo", 20).await;
    assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");
}

async fn a_removed_member_loses_access(db: TestDatabase) {
    let store = db.store().await;
    let (id, access, bob) = pair(&store).await;
    let bobs = store.household_access(&bob, &id).await.unwrap();
    store.remove_member(&access, &bob, 30).await.unwrap();
    let after = store.household_access(&bob, &id).await;
    assert!(matches!(after, Err(StoreError::NotFound)), "{after:?}");
    // An access value taken before the removal is re-checked by admin actions and leaving.
    let stale = store.leave_household(&bobs, 30).await;
    assert!(matches!(stale, Err(StoreError::NotFound)), "{stale:?}");
}
