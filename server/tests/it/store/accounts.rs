//! Conformance of the account, session and rate-limit store methods, on both engines.

use app::accounts::{DisplayName, Email};
use server::{accounts::StoredSession, db::StoreError};

use crate::support::TestDatabase;

crate::on_both_engines!(
    a_new_user_can_be_found_by_id_and_by_email,
    an_email_belongs_to_one_account_whatever_its_case,
    an_unknown_email_has_no_credentials,
    a_session_round_trips_and_saving_updates_it,
    an_expired_session_is_gone_and_swept_on_the_next_create,
    a_taken_session_id_is_reported_not_overwritten,
    saving_a_deleted_session_does_not_bring_it_back,
    rate_limit_hits_count_up_within_a_window_and_restart_in_the_next,
    rate_limit_keys_count_separately,
);

fn email(raw: &str) -> Email {
    Email::try_from(raw.to_owned()).unwrap()
}

fn name(raw: &str) -> DisplayName {
    DisplayName::try_from(raw.to_owned()).unwrap()
}

async fn a_new_user_can_be_found_by_id_and_by_email(db: TestDatabase) {
    let store = db.store().await;
    let id = store
        .create_user(
            &email("ada@example.com"),
            &name("Ada"),
            "$argon2id$hash",
            1_000,
        )
        .await
        .unwrap();
    let user = store.user(&id).await.unwrap().unwrap();
    assert_eq!(user.id, id);
    assert_eq!(user.display_name, "Ada");
    let (found, hash) = store
        .credentials(&email("ada@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, id);
    assert_eq!(hash, "$argon2id$hash");
}

async fn an_email_belongs_to_one_account_whatever_its_case(db: TestDatabase) {
    let store = db.store().await;
    store
        .create_user(&email("ada@example.com"), &name("Ada"), "h", 1)
        .await
        .unwrap();
    let again = store
        .create_user(&email("  ADA@Example.com"), &name("Other Ada"), "h", 2)
        .await;
    assert!(matches!(again, Err(StoreError::EmailTaken)), "{again:?}");
}

async fn an_unknown_email_has_no_credentials(db: TestDatabase) {
    let store = db.store().await;
    assert!(
        store
            .credentials(&email("nobody@example.com"))
            .await
            .unwrap()
            .is_none()
    );
    let unknown =
        app::ids::UserId::try_from("00000000-0000-4000-8000-000000000000".to_owned()).unwrap();
    assert!(store.user(&unknown).await.unwrap().is_none());
}

fn session(data: &str, expires_at_ms: i64) -> StoredSession {
    StoredSession {
        data: data.to_owned(),
        expires_at_ms,
    }
}

async fn a_session_round_trips_and_saving_updates_it(db: TestDatabase) {
    let store = db.store().await;
    assert!(
        store
            .create_session("hash-1", &session(r#"{"a":1}"#, 5_000), 1_000)
            .await
            .unwrap()
    );
    assert_eq!(
        store.load_session("hash-1", 1_000).await.unwrap(),
        Some(session(r#"{"a":1}"#, 5_000))
    );
    store
        .save_session("hash-1", &session(r#"{"a":2}"#, 9_000))
        .await
        .unwrap();
    assert_eq!(
        store.load_session("hash-1", 6_000).await.unwrap(),
        Some(session(r#"{"a":2}"#, 9_000)),
        "saving slides the expiry"
    );
    store.delete_session("hash-1").await.unwrap();
    assert_eq!(store.load_session("hash-1", 6_000).await.unwrap(), None);
}

async fn an_expired_session_is_gone_and_swept_on_the_next_create(db: TestDatabase) {
    let store = db.store().await;
    store
        .create_session("old", &session("{}", 2_000), 1_000)
        .await
        .unwrap();
    assert_eq!(store.load_session("old", 2_000).await.unwrap(), None);
    store
        .create_session("new", &session("{}", 9_000), 3_000)
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("select cast(count(*) as bigint) from sessions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 1, "the expired session was swept");
}

async fn a_taken_session_id_is_reported_not_overwritten(db: TestDatabase) {
    let store = db.store().await;
    assert!(
        store
            .create_session("same", &session("first", 9_000), 1)
            .await
            .unwrap()
    );
    assert!(
        !store
            .create_session("same", &session("second", 9_000), 1)
            .await
            .unwrap()
    );
    assert_eq!(
        store.load_session("same", 1).await.unwrap().unwrap().data,
        "first"
    );
}

async fn saving_a_deleted_session_does_not_bring_it_back(db: TestDatabase) {
    let store = db.store().await;
    store
        .create_session("gone", &session("{}", 9_000), 1)
        .await
        .unwrap();
    store.delete_session("gone").await.unwrap();
    store
        .save_session("gone", &session("{}", 9_000))
        .await
        .unwrap();
    assert_eq!(store.load_session("gone", 1).await.unwrap(), None);
}

async fn rate_limit_hits_count_up_within_a_window_and_restart_in_the_next(db: TestDatabase) {
    let store = db.store().await;
    assert_eq!(
        store.hit_rate_limit("k", 1_000, 5_100).await.unwrap(),
        (1, 5_000)
    );
    assert_eq!(
        store.hit_rate_limit("k", 1_000, 5_900).await.unwrap(),
        (2, 5_000)
    );
    assert_eq!(
        store.hit_rate_limit("k", 1_000, 6_000).await.unwrap(),
        (1, 6_000)
    );
}

async fn rate_limit_keys_count_separately(db: TestDatabase) {
    let store = db.store().await;
    store.hit_rate_limit("a", 1_000, 10).await.unwrap();
    store.hit_rate_limit("a", 1_000, 10).await.unwrap();
    assert_eq!(store.hit_rate_limit("b", 1_000, 10).await.unwrap(), (1, 0));
}
