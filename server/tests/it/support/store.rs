//! Store-level fixtures: a user, a household with members, a plan proposed at a fixed "now", and
//! a ballot, written straight through the store (no HTTP).

use app::{
    accounts::{DisplayName, Email},
    households::HouseholdName,
    ids::{PlanId, SlotId, UserId},
    plans::{BallotPage, NewPlan, PlanForm, Ranking},
};
use server::{
    access::HouseholdAccess,
    closing::Closed,
    db::{Store, StoreError},
    households::NewInvite,
};

/// A user with a unique address and a placeholder password hash.
pub async fn user(store: &Store, display_name: &str) -> UserId {
    let address = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    store
        .create_user(
            &Email::try_from(address).unwrap(),
            &DisplayName::try_from(display_name.to_owned()).unwrap(),
            "$argon2id$test",
            1,
        )
        .await
        .unwrap()
}

/// 2026-11-22T12:00:00Z: proposals are made "now", with a deadline a day later.
pub const NOW: i64 = 1_795_348_800_000;
pub const HOUR: i64 = 3_600_000;

pub fn form(options: &str) -> PlanForm {
    PlanForm {
        title: "Next week".into(),
        first_day: "2026-11-24".into(),
        days: "2".into(),
        meals: "lunch, dinner".into(),
        options: options.into(),
        deadline_date: "2026-11-23".into(),
        deadline_time: "12:00".into(),
        utc_offset_minutes: "0".into(),
        allow_repeats: String::new(),
    }
}

pub fn plan(options: &str) -> NewPlan {
    NewPlan::parse(&form(options), NOW).unwrap()
}

pub const DEADLINE: i64 = NOW + 24 * HOUR;

pub async fn home(store: &Store) -> HouseholdAccess {
    let ada = user(store, "Ada").await;
    let id = store
        .create_household(
            &ada,
            &HouseholdName::try_from("Home".to_owned()).unwrap(),
            1,
        )
        .await
        .unwrap();
    store.household_access(&ada, &id).await.unwrap()
}

/// Adds a member to the access's household and returns their access.
pub async fn member(store: &Store, admin: &HouseholdAccess, name: &str) -> HouseholdAccess {
    let person = user(store, name).await;
    let hash = format!("invite-{name}");
    store
        .create_invite(
            admin,
            &NewInvite {
                token_hash: hash.clone(),
                expires_at_ms: i64::MAX,
                single_use: true,
            },
            2,
        )
        .await
        .unwrap();
    store.redeem_invite(&person, &hash, 3).await.unwrap();
    store
        .household_access(&person, admin.household_id())
        .await
        .unwrap()
}

/// Proposes a plan of `options` as `proposer` at [`NOW`]: the plan's id and its first slot.
pub async fn propose(store: &Store, proposer: &HouseholdAccess, options: &str) -> (PlanId, SlotId) {
    let id = store
        .create_plan(proposer, &plan(options), NOW)
        .await
        .unwrap();
    let slot = first_slot(store, proposer, &id).await;
    (id, slot)
}

/// [`propose`], for a plan that lets a dish win more than one meal: each slot closes on its own,
/// and the same dish may win them all.
pub async fn propose_allowing_repeats(
    store: &Store,
    proposer: &HouseholdAccess,
    options: &str,
) -> (PlanId, SlotId) {
    let mut allowing = form(options);
    allowing.allow_repeats = "on".into();
    let plan = NewPlan::parse(&allowing, NOW).unwrap();
    let id = store.create_plan(proposer, &plan, NOW).await.unwrap();
    let slot = first_slot(store, proposer, &id).await;
    (id, slot)
}

/// How many rows `table` holds (an error where there is no such table).
pub async fn row_count(store: &Store, table: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("select cast(count(*) as bigint) from {table}"))
        .fetch_one(store.pool())
        .await
}

pub async fn first_slot(store: &Store, access: &HouseholdAccess, plan: &PlanId) -> SlotId {
    store.plan(access, plan, NOW).await.unwrap().slots[0]
        .id
        .clone()
}

/// `voter` ranks option `i` of `page` first on `slot` at `at`, and the store accepts it: whether
/// that ballot closed the slot.
pub async fn vote(
    store: &Store,
    voter: &HouseholdAccess,
    slot: &SlotId,
    page: &BallotPage,
    i: usize,
    at: i64,
) -> Option<Closed> {
    save_ballot(store, voter, slot, &rank_first(page, i), at)
        .await
        .unwrap()
}

/// Saves `voter`'s ballot on `slot` at `at` the way the app does (`plans/service.rs`): the
/// ranking, as given, to [`Store::save_ballot`].
pub async fn save_ballot(
    store: &Store,
    voter: &HouseholdAccess,
    slot: &SlotId,
    ranking: &Ranking,
    at: i64,
) -> Result<Option<Closed>, StoreError> {
    store
        .save_ballot(voter, slot, |_| Ok(ranking.clone()), at)
        .await
        .map(|saved| saved.closed)
}

pub fn rank_first(page: &BallotPage, i: usize) -> Ranking {
    Ranking(vec![vec![page.options[i].id.clone()]])
}

/// An outbox event written directly: a `plan_proposed` with an empty payload, created at `at`.
pub async fn insert_event(store: &Store, household: &str, id: &str, at: i64) {
    sqlx::query(
        "insert into outbox (id, household_id, kind, payload, created_at)
         values ($1, $2, 'plan_proposed', '{}', $3)",
    )
    .bind(id)
    .bind(household)
    .bind(at)
    .execute(store.pool())
    .await
    .unwrap();
}

/// A webhook delivery of the event `id`, due at `next_attempt_at`; delivered at `delivered_at`
/// when given.
pub async fn insert_delivery(
    store: &Store,
    household: &str,
    id: &str,
    next_attempt_at: i64,
    delivered_at: Option<i64>,
) {
    sqlx::query(
        "insert into webhook_deliveries (outbox_id, household_id, next_attempt_at, delivered_at)
         values ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(household)
    .bind(next_attempt_at)
    .bind(delivered_at)
    .execute(store.pool())
    .await
    .unwrap();
}
