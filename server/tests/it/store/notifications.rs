//! Notifications and webhook deliveries in the store, on both engines: the outbox read as each
//! member's notifications, the unread count, and the delivery queue's claims and retries.

use server::{
    db::{Store, StoreError},
    webhooks::{AfterAttempt, AttemptOutcome, MAX_ATTEMPTS, retry_at},
};

use crate::support::{
    TestDatabase,
    store::{
        DEADLINE, NOW, home, insert_delivery, insert_event, member, plan, propose, user, vote,
    },
};

crate::on_both_engines!(
    notifications_are_the_outbox_in_words_newest_first_without_ones_own,
    the_unread_count_starts_where_the_member_last_marked_all_read,
    a_new_member_sees_the_history_but_only_what_follows_is_unread,
    another_households_changes_are_invisible,
    only_admins_set_and_see_the_webhook,
    a_queued_delivery_is_claimed_once_and_retried_with_backoff_until_abandoned,
    one_households_flood_of_deliveries_does_not_hold_back_anothers,
);

async fn texts(store: &Store, access: &server::access::HouseholdAccess) -> Vec<String> {
    store
        .notifications(access)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect()
}

async fn notifications_are_the_outbox_in_words_newest_first_without_ones_own(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (id, slot) = propose(&store, &bob, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    vote(&store, &bob, &slot, &page, 0, NOW + 2)
        .await
        .expect("everyone voted");
    // The other three meals close at the deadline without votes; then the plan is decided.
    store.settle_household(&ada, DEADLINE + 1).await.unwrap();

    let for_ada = texts(&store, &ada).await;
    assert_eq!(for_ada.len(), 8, "{for_ada:?}");
    assert_eq!(for_ada[0], "“Next week” is decided");
    let mut no_votes = for_ada[1..4].to_vec();
    no_votes.sort();
    assert_eq!(
        no_votes,
        [
            "Tue 24 Nov · dinner: closed without votes",
            "Wed 25 Nov · dinner: closed without votes",
            "Wed 25 Nov · lunch: closed without votes",
        ]
    );
    assert_eq!(
        for_ada[4..],
        [
            "Tue 24 Nov · lunch: Curry's ingredients joined the shopping list",
            "Tue 24 Nov · lunch: Curry won",
            "Bob ranked Tue 24 Nov · lunch",
            "Bob proposed “Next week”",
        ]
    );
    let for_bob = texts(&store, &bob).await;
    assert_eq!(
        for_bob.len(),
        7,
        "Bob's proposal and ballot are left out: {for_bob:?}"
    );
    assert_eq!(for_bob[6], "Ada ranked Tue 24 Nov · lunch");
    assert!(!for_bob.iter().any(|text| text.starts_with("Bob ")));

    let items = store.notifications(&ada).await.unwrap();
    assert!(items.windows(2).all(|w| w[0].at_ms >= w[1].at_ms));
    assert_eq!(
        items[0].href.as_deref(),
        Some(app::routes::results(ada.household_id(), &id).as_str())
    );
    assert_eq!(
        items[6].href.as_deref(),
        Some(app::routes::plan(ada.household_id(), &id).as_str())
    );
}

async fn the_unread_count_starts_where_the_member_last_marked_all_read(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    assert_eq!(store.unread_count(&ada).await.unwrap(), 0);
    store.create_plan(&bob, &plan("A\nB"), NOW).await.unwrap();
    assert_eq!(store.unread_count(&ada).await.unwrap(), 1);
    assert_eq!(store.unread_count(&bob).await.unwrap(), 0, "their own");
    assert!(store.notifications(&ada).await.unwrap()[0].unread);

    store.mark_notifications_read(&ada, NOW + 10).await.unwrap();
    assert_eq!(store.unread_count(&ada).await.unwrap(), 0);
    assert!(!store.notifications(&ada).await.unwrap()[0].unread);

    store
        .create_plan(&bob, &plan("C\nD"), NOW + 20)
        .await
        .unwrap();
    assert_eq!(store.unread_count(&ada).await.unwrap(), 1);
    let items = store.notifications(&ada).await.unwrap();
    assert_eq!(
        items.iter().map(|n| n.unread).collect::<Vec<_>>(),
        [true, false]
    );
    // Marking read never moves back in time.
    store.mark_notifications_read(&ada, NOW + 5).await.unwrap();
    assert_eq!(store.unread_count(&ada).await.unwrap(), 1);
}

async fn a_new_member_sees_the_history_but_only_what_follows_is_unread(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    store.create_plan(&bob, &plan("A\nB"), NOW).await.unwrap();
    // Cy joins an hour later.
    let cy = user(&store, "Cy").await;
    store
        .create_invite(
            &ada,
            &server::households::NewInvite {
                token_hash: "invite-cy".into(),
                expires_at_ms: i64::MAX,
                single_use: true,
            },
            NOW,
        )
        .await
        .unwrap();
    store
        .redeem_invite(&cy, "invite-cy", NOW + 3_600_000)
        .await
        .unwrap();
    let cy = store
        .household_access(&cy, ada.household_id())
        .await
        .unwrap();
    assert_eq!(texts(&store, &cy).await, ["Bob proposed “Next week”"]);
    assert_eq!(store.unread_count(&cy).await.unwrap(), 0);
    assert!(!store.notifications(&cy).await.unwrap()[0].unread);

    store
        .create_plan(&bob, &plan("C\nD"), NOW + 2 * 3_600_000)
        .await
        .unwrap();
    assert_eq!(store.unread_count(&cy).await.unwrap(), 1);
    assert_eq!(
        store
            .notifications(&cy)
            .await
            .unwrap()
            .iter()
            .map(|n| n.unread)
            .collect::<Vec<_>>(),
        [true, false]
    );
    assert_eq!(store.unread_count(&ada).await.unwrap(), 2, "Ada was there");
}

async fn another_households_changes_are_invisible(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let other = home(&store).await;
    store.create_plan(&bob, &plan("A\nB"), NOW).await.unwrap();
    store.create_plan(&other, &plan("A\nB"), NOW).await.unwrap();
    assert_eq!(texts(&store, &ada).await, ["Bob proposed “Next week”"]);
    assert!(texts(&store, &other).await.is_empty(), "own plan only");
    assert_eq!(store.unread_count(&other).await.unwrap(), 0);
}

async fn only_admins_set_and_see_the_webhook(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    assert!(matches!(
        store
            .set_webhook(&bob, "https://example.com/hook", "s", NOW)
            .await,
        Err(StoreError::NotAdmin)
    ));
    assert!(matches!(
        store.webhook(&bob).await,
        Err(StoreError::NotAdmin)
    ));
    assert!(matches!(
        store.remove_webhook(&bob).await,
        Err(StoreError::NotAdmin)
    ));
    store
        .set_webhook(&ada, "https://example.com/hook", "s", NOW)
        .await
        .unwrap();
    store
        .set_webhook(&ada, "https://example.com/other", "t", NOW + 1)
        .await
        .unwrap();
    let webhook = store.webhook(&ada).await.unwrap().unwrap();
    assert_eq!(
        (webhook.url.as_str(), webhook.created_at_ms),
        ("https://example.com/other", NOW + 1)
    );
    store
        .create_plan(&bob, &plan("A\nB"), NOW + 2)
        .await
        .unwrap();
    assert_eq!(
        store
            .due_webhook_deliveries(NOW + 2, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    store.remove_webhook(&ada).await.unwrap();
    assert_eq!(store.webhook(&ada).await.unwrap(), None);
    assert!(
        store
            .due_webhook_deliveries(NOW + 2, 10)
            .await
            .unwrap()
            .is_empty(),
        "pending deliveries go with the webhook"
    );
}

async fn a_queued_delivery_is_claimed_once_and_retried_with_backoff_until_abandoned(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    assert!(
        store
            .due_webhook_deliveries(NOW, 10)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .set_webhook(&ada, "https://example.com/hook", "secret", NOW)
        .await
        .unwrap();
    store.create_plan(&ada, &plan("A\nB"), NOW).await.unwrap();
    assert!(
        store
            .due_webhook_deliveries(NOW - 1, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.due_webhook_deliveries(NOW, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let mut due = due.into_iter().next().unwrap();
    assert_eq!(
        (due.kind.as_str(), due.attempts, due.secret.as_str()),
        ("plan_proposed", 0, "secret")
    );
    let payload: serde_json::Value = serde_json::from_str(&due.payload).unwrap();
    assert_eq!(payload["id"], due.outbox_id.as_str());
    assert_eq!(payload["type"], "plan_proposed");

    let mut now = NOW;
    for attempt in 1..=MAX_ATTEMPTS {
        let lease = now + 60_000;
        assert!(store.claim_webhook_delivery(&due, lease).await.unwrap());
        assert!(
            !store.claim_webhook_delivery(&due, lease + 1).await.unwrap(),
            "a second claim of the same attempt fails"
        );
        assert!(
            store
                .due_webhook_deliveries(now, 10)
                .await
                .unwrap()
                .is_empty(),
            "leased"
        );
        let after = store
            .finish_webhook_attempt(
                &due,
                lease,
                &AttemptOutcome::Failed("status 500".into()),
                now,
            )
            .await
            .unwrap();
        if attempt == MAX_ATTEMPTS {
            assert_eq!(after, AfterAttempt::Abandoned);
            break;
        }
        let next = retry_at(now, attempt);
        assert_eq!(after, AfterAttempt::RetryAt(next));
        assert!(
            store
                .due_webhook_deliveries(next - 1, 10)
                .await
                .unwrap()
                .is_empty()
        );
        due = store
            .due_webhook_deliveries(next, 10)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(due.attempts, attempt);
        now = next;
    }
    assert!(
        store
            .due_webhook_deliveries(i64::MAX, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as(r"select attempts, last_error from webhook_deliveries where outbox_id = $1")
            .bind(&due.outbox_id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        (attempts, error.as_deref()),
        (MAX_ATTEMPTS, Some("status 500"))
    );
    assert_eq!(
        (1..=9).map(|n| retry_at(0, n) / 60_000).collect::<Vec<_>>(),
        [1, 2, 4, 8, 16, 32, 64, 128, 256],
        "minutes"
    );
    assert_eq!(retry_at(0, 10), 6 * 3_600_000, "capped at 6 h");
}

async fn one_households_flood_of_deliveries_does_not_hold_back_anothers(db: TestDatabase) {
    let store = db.store().await;
    let flood = home(&store).await;
    let quiet = home(&store).await;
    for access in [&flood, &quiet] {
        store
            .set_webhook(access, "https://example.com/hook", "secret", NOW)
            .await
            .unwrap();
    }
    // The flooding household's events all came first (its receiver is dead, say, and they piled
    // up); the quiet household's one event came last.
    for i in 0..40 {
        let id = format!("flood-{i:02}");
        let household = flood.household_id().as_str();
        insert_event(&store, household, &id, NOW + i).await;
        insert_delivery(&store, household, &id, NOW + i, None).await;
    }
    let household = quiet.household_id().as_str();
    insert_event(&store, household, "quiet", NOW + 100).await;
    insert_delivery(&store, household, "quiet", NOW + 100, None).await;

    let due = store.due_webhook_deliveries(NOW + 200, 8).await.unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.outbox_id.as_str()).collect();
    assert_eq!(ids.len(), 8);
    assert!(ids.contains(&"quiet"), "{ids:?}");
    // Within a household, the order events happened.
    let flooded: Vec<&str> = ids.iter().copied().filter(|id| *id != "quiet").collect();
    assert_eq!(
        flooded,
        [
            "flood-00", "flood-01", "flood-02", "flood-03", "flood-04", "flood-05", "flood-06"
        ]
    );
}
