//! Quotas and retention in the store, on both engines (docs/security.md): each limit refuses the
//! one past it with its own error and keeps nothing of the refused change; the background batch's
//! prune deletes only what is past its retention.

use app::{
    households::HouseholdName,
    plans::{DishDetails, DishName},
    quotas::{MAX_DISHES, MAX_HOUSEHOLDS_PER_ACCOUNT, MAX_OPEN_PLANS, Quota},
};
use server::{
    batch::{DELIVERY_RETENTION_MS, OUTBOX_RETENTION_MS},
    db::{Store, StoreError},
    households::NewInvite,
};

use crate::support::{
    TestDatabase,
    store::{NOW, home, insert_delivery, insert_event, plan, user},
};

crate::on_both_engines!(
    a_household_has_at_most_ten_plans_open_at_once,
    a_full_dish_library_refuses_new_dishes_and_keeps_nothing_of_the_refused_plan,
    an_account_belongs_to_at_most_ten_households,
    prune_deletes_only_what_is_past_its_retention,
);

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn a_household_has_at_most_ten_plans_open_at_once(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    for _ in 0..MAX_OPEN_PLANS {
        store.create_plan(&ada, &plan("A\nB"), NOW).await.unwrap();
    }
    let refused = store.create_plan(&ada, &plan("A\nB"), NOW).await;
    assert!(
        matches!(refused, Err(StoreError::Quota(Quota::OpenPlans))),
        "{refused:?}"
    );
    assert_eq!(
        count(&store, "select cast(count(*) as bigint) from plans").await,
        i64::from(MAX_OPEN_PLANS)
    );
    // Once the deadlines pass and the plans close, there is room again.
    store
        .settle_household(&ada, NOW + 48 * 3_600_000)
        .await
        .unwrap();
    store
        .create_plan(&ada, &plan("A\nB"), NOW + 48 * 3_600_000)
        .await
        .expect("closed plans do not count");
}

async fn a_full_dish_library_refuses_new_dishes_and_keeps_nothing_of_the_refused_plan(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let household = ada.household_id().as_str();
    for i in 0..MAX_DISHES - 1 {
        sqlx::query(
            "insert into dishes (id, household_id, name, name_key, created_at)
             values ($1, $2, $3, $3, 0)",
        )
        .bind(format!("dish-{i}"))
        .bind(household)
        .bind(format!("dish {i}"))
        .execute(store.pool())
        .await
        .unwrap();
    }
    let name = |text: &str| DishName::parse(text, app::error::Field::DishName).unwrap();
    store
        .add_dish(&ada, &name("The last one"), &DishDetails::default(), NOW)
        .await
        .expect("room for one more");
    let full = store
        .add_dish(&ada, &name("One too many"), &DishDetails::default(), NOW)
        .await;
    assert!(
        matches!(full, Err(StoreError::Quota(Quota::Dishes))),
        "{full:?}"
    );
    // A proposal naming dishes the library has is fine; one that adds dishes is refused whole.
    store
        .create_plan(&ada, &plan("dish 1\ndish 2"), NOW)
        .await
        .expect("known dishes");
    let refused = store
        .create_plan(&ada, &plan("dish 3\nBrand new"), NOW)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Quota(Quota::Dishes))),
        "{refused:?}"
    );
    assert_eq!(
        count(&store, "select cast(count(*) as bigint) from plans").await,
        1
    );
    assert_eq!(
        count(&store, "select cast(count(*) as bigint) from dishes").await,
        i64::from(MAX_DISHES)
    );
}

async fn an_account_belongs_to_at_most_ten_households(db: TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let name = HouseholdName::try_from("Home".to_owned()).unwrap();
    for _ in 0..MAX_HOUSEHOLDS_PER_ACCOUNT {
        store.create_household(&ada, &name, NOW).await.unwrap();
    }
    let refused = store.create_household(&ada, &name, NOW).await;
    assert!(
        matches!(refused, Err(StoreError::Quota(Quota::Households))),
        "{refused:?}"
    );
    // Joining counts too.
    let bob = user(&store, "Bob").await;
    let bobs = store.create_household(&bob, &name, NOW).await.unwrap();
    let access = store.household_access(&bob, &bobs).await.unwrap();
    store
        .create_invite(
            &access,
            &NewInvite {
                token_hash: "join".into(),
                expires_at_ms: NOW + 1_000_000,
                single_use: false,
            },
            NOW,
        )
        .await
        .unwrap();
    let join = store.redeem_invite(&ada, "join", NOW + 1).await;
    assert!(
        matches!(join, Err(StoreError::Quota(Quota::Households))),
        "{join:?}"
    );
    assert!(store.household_access(&ada, &bobs).await.is_err());
}

async fn prune_deletes_only_what_is_past_its_retention(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let household = ada.household_id().as_str();
    let now = NOW + OUTBOX_RETENTION_MS + 10;
    for (id, at) in [("old", NOW), ("new", now - 1)] {
        insert_event(&store, household, id, at).await;
        insert_delivery(&store, household, id, 0, Some(at)).await;
    }
    for (key, window_start) in [("old", NOW), ("new", now)] {
        sqlx::query("insert into rate_limits (key, window_start, hits) values ($1, $2, 1)")
            .bind(key)
            .bind(window_start)
            .execute(store.pool())
            .await
            .unwrap();
    }

    let report = store.prune(now).await.unwrap();
    assert_eq!((report.outbox, report.rate_limits), (1, 1), "{report:?}");
    let left: Vec<String> = sqlx::query_scalar("select id from outbox")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(left, ["new"]);
    let keys: Vec<String> = sqlx::query_scalar("select key from rate_limits")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(keys, ["new"]);
    // The kept event's delivery stays while it is younger than its own retention.
    assert!(now - 1 > now - DELIVERY_RETENTION_MS);
    assert_eq!(
        count(
            &store,
            "select cast(count(*) as bigint) from webhook_deliveries"
        )
        .await,
        1
    );
    assert_eq!(
        store.prune(now).await.unwrap(),
        Default::default(),
        "again: nothing"
    );
}
