//! Web Push in the store, on both engines: devices and their bound, the vote reminder written once
//! per member per meal with two instances racing and never in quiet hours, and the pushes queued
//! from the outbox (one per device, a plan's meals decided together in one push, switches and
//! quiet hours honoured).

use app::ids::UserId;
use server::{
    access::HouseholdAccess,
    closing::ClosePath,
    db::Store,
    push::{Message, Subscribed, Subscription},
};

use crate::support::{
    TestDatabase,
    store::{DEADLINE, HOUR, NOW, home, member, propose, row_count, vote},
};

crate::on_both_engines!(
    a_member_subscribes_at_most_ten_devices_and_removes_only_their_own,
    subscriptions_at_once_never_pass_the_limit,
    the_vote_reminder_is_written_once_per_member_per_meal_by_two_instances,
    no_reminder_in_quiet_hours_nor_outside_the_two_hours,
    pushes_are_queued_per_device_of_who_sees_the_notification,
    the_meals_of_a_plan_decided_together_are_one_push,
);

/// A device in `zone` for `user`; `n` makes its endpoint unique.
async fn subscribe(store: &Store, user: &UserId, n: usize, zone: &str) -> Subscribed {
    let device = Subscription {
        endpoint: format!("https://push.example.com/{}/{n}", user.as_str()),
        p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
            .to_owned(),
        auth: "BTBZMqHH6r4Tts7J_aSIgg".to_owned(),
        label: "Chrome on Android".to_owned(),
        time_zone: zone.to_owned(),
    };
    store.subscribe_push(user, &device, NOW).await.unwrap()
}

/// Eight of Ada's phones subscribe at once with one place left: one is added, the others are
/// refused (the member's row lock; without it PostgreSQL let two through).
async fn subscriptions_at_once_never_pass_the_limit(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    for n in 0..app::push::MAX_DEVICES - 1 {
        subscribe(&store, &user(&ada), n, "UTC").await;
    }
    let at_once = (100..108).map(|n| {
        let (store, ada) = (store.clone(), user(&ada));
        tokio::spawn(async move { subscribe(&store, &ada, n, "UTC").await })
    });
    let mut added = 0;
    for joined in at_once.collect::<Vec<_>>() {
        if joined.await.unwrap() == Subscribed::Added {
            added += 1;
        }
    }
    assert_eq!(added, 1);
    assert_eq!(
        store.push_devices(&user(&ada)).await.unwrap().len(),
        app::push::MAX_DEVICES
    );
}

fn user(access: &HouseholdAccess) -> UserId {
    access.user_id().clone()
}

/// The queued pushes: (device owner's id, message, next_attempt_at), oldest first.
async fn queued(store: &Store) -> Vec<(String, Message, i64)> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        r"select ps.user_id, d.payload, d.next_attempt_at
          from push_deliveries d join push_subscriptions ps on ps.id = d.subscription_id
          order by d.created_at, ps.user_id, d.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(user, payload, at)| (user, serde_json::from_str(&payload).unwrap(), at))
        .collect()
}

async fn a_member_subscribes_at_most_ten_devices_and_removes_only_their_own(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    for n in 0..app::push::MAX_DEVICES {
        assert_eq!(
            subscribe(&store, &user(&ada), n, "UTC").await,
            Subscribed::Added
        );
    }
    assert_eq!(
        subscribe(&store, &user(&ada), 99, "UTC").await,
        Subscribed::Full
    );
    // The same browser subscribing again replaces its subscription: still ten.
    assert_eq!(
        subscribe(&store, &user(&ada), 3, "UTC").await,
        Subscribed::Added
    );
    let devices = store.push_devices(&user(&ada)).await.unwrap();
    assert_eq!(devices.len(), app::push::MAX_DEVICES);
    assert_eq!(devices[0].label, "Chrome on Android");

    let theirs = &devices[0].id;
    assert!(
        store.remove_push_device(&user(&bob), theirs).await.is_err(),
        "Bob cannot remove Ada's device"
    );
    store.remove_push_device(&user(&ada), theirs).await.unwrap();
    assert_eq!(store.push_devices(&user(&ada)).await.unwrap().len(), 9);

    store
        .set_push_muted(&user(&ada), &["plan_proposed", "slot_nudged"])
        .await
        .unwrap();
    store
        .set_push_muted(&user(&ada), &["slot_nudged"])
        .await
        .unwrap();
    assert_eq!(
        store.push_muted(&user(&ada)).await.unwrap(),
        ["slot_nudged"]
    );
}

async fn the_vote_reminder_is_written_once_per_member_per_meal_by_two_instances(db: TestDatabase) {
    let one = db.store().await;
    let two = db.store().await;
    let ada = home(&one).await;
    let bob = member(&one, &ada, "Bob").await;
    let cy = member(&one, &ada, "Cy").await;
    let (_plan, slot) = propose(&one, &ada, "Curry\nSoup").await;
    let page = one.ballot_page(&bob, &slot, NOW).await.unwrap();
    vote(&one, &bob, &slot, &page, 0, NOW + 1).await;
    // Bob has ranked the first meal of four, Cy none; Ada has no phone subscribed.
    subscribe(&one, &user(&bob), 0, "Europe/Berlin").await;
    subscribe(&one, &user(&bob), 1, "Europe/Berlin").await;
    subscribe(&one, &user(&cy), 0, "Europe/Berlin").await;

    let now = DEADLINE - HOUR; // 12:00 in Berlin
    for _ in 0..3 {
        let (a, b) = tokio::join!(one.remind_voters(now), two.remind_voters(now));
        let _ = (a.unwrap(), b.unwrap());
    }
    assert_eq!(
        row_count(&one, "push_reminders").await.unwrap(),
        7,
        "3 for Bob, 4 for Cy"
    );
    let reminders: i64 = sqlx::query_scalar(
        "select cast(count(*) as bigint) from outbox where kind = 'vote_reminder'",
    )
    .fetch_one(one.pool())
    .await
    .unwrap();
    assert_eq!(
        reminders, 7,
        "one event per member per meal, however many batches"
    );

    // Bob sees his reminder in words; Cy does not see Bob's.
    let texts: Vec<String> = one
        .notifications(&bob)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .filter(|text| text.starts_with("Voting on"))
        .collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts.contains(
            &"Voting on Tue 24 Nov · dinner closes within 2 hours: rank it now".to_owned()
        )
    );

    // Queued as pushes: one per device (Bob's two phones, Cy's one), once.
    let (a, b) = tokio::join!(one.queue_pushes(now), two.queue_pushes(now));
    let pushes = a.unwrap() + b.unwrap();
    let reminder_pushes: Vec<_> = queued(&one)
        .await
        .into_iter()
        .filter(|(_, message, _)| message.body.starts_with("Voting on"))
        .collect();
    assert_eq!(reminder_pushes.len(), 3 * 2 + 4, "{reminder_pushes:?}");
    assert_eq!(pushes, 13, "and the proposal's three, once");
    assert!(
        reminder_pushes
            .iter()
            .all(|(_, m, at)| *at == now && m.url.contains("/slots/"))
    );
}

async fn no_reminder_in_quiet_hours_nor_outside_the_two_hours(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    propose(&store, &ada, "Curry\nSoup").await;
    // 2026-11-23: Auckland is UTC+13, so an hour before the 12:00 UTC deadline is midnight there.
    subscribe(&store, &user(&bob), 0, "Pacific/Auckland").await;
    // Cy, in Berlin, turned reminders off.
    subscribe(&store, &user(&cy), 0, "Europe/Berlin").await;
    store
        .set_push_muted(&user(&cy), &["vote_reminder"])
        .await
        .unwrap();

    assert_eq!(
        store.remind_voters(DEADLINE - 3 * HOUR).await.unwrap(),
        0,
        "too early"
    );
    assert_eq!(
        store.remind_voters(DEADLINE - HOUR).await.unwrap(),
        0,
        "quiet hours"
    );
    assert_eq!(
        store.remind_voters(DEADLINE).await.unwrap(),
        0,
        "voting has closed"
    );
    assert_eq!(row_count(&store, "push_reminders").await.unwrap(), 0);

    // Bob with a phone in Berlin (noon there) is reminded, once per meal; Cy still not.
    subscribe(&store, &user(&bob), 1, "Europe/Berlin").await;
    assert_eq!(store.remind_voters(DEADLINE - HOUR).await.unwrap(), 4);
    assert_eq!(store.remind_voters(DEADLINE - HOUR).await.unwrap(), 0);
}

async fn pushes_are_queued_per_device_of_who_sees_the_notification(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let dee = member(&store, &ada, "Dee").await;
    subscribe(&store, &user(&ada), 0, "Europe/Berlin").await;
    subscribe(&store, &user(&bob), 0, "Europe/Berlin").await;
    subscribe(&store, &user(&bob), 1, "Pacific/Auckland").await;
    subscribe(&store, &user(&cy), 0, "Europe/Berlin").await;
    store
        .set_push_muted(&user(&cy), &["plan_proposed"])
        .await
        .unwrap();
    let _ = dee; // no device: nothing queued for her

    propose(&store, &ada, "Curry\nSoup").await;
    assert_eq!(store.queue_pushes(NOW).await.unwrap(), 2);
    assert_eq!(store.queue_pushes(NOW).await.unwrap(), 0, "queued once");
    let pushes = queued(&store).await;
    assert_eq!(
        pushes.len(),
        2,
        "Bob's two phones; not Ada's own, not Cy's (off)"
    );
    for (owner, message, _) in &pushes {
        assert_eq!(owner, user(&bob).as_str());
        assert_eq!(message.title, "Home");
        assert_eq!(message.body, "Ada proposed “Next week”");
        assert!(message.url.contains("/plans/"), "{}", message.url);
    }
    // Berlin (13:00) at once; Auckland (01:00 on the 23rd) at 07:00 there, 18:00 UTC.
    let mut times: Vec<i64> = pushes.iter().map(|(_, _, at)| *at).collect();
    times.sort_unstable();
    assert_eq!(times, [NOW, NOW + 6 * HOUR]);
}

async fn the_meals_of_a_plan_decided_together_are_one_push(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    store.queue_pushes(NOW).await.unwrap(); // the proposal: nobody subscribed yet
    subscribe(&store, &user(&bob), 0, "Europe/Berlin").await;

    // All four meals close in one batch at the deadline (13:00 in Berlin).
    let closed = store
        .finalize_due(ClosePath::Trigger, DEADLINE + 1, 100)
        .await
        .unwrap();
    assert_eq!(closed.closed, 4);
    assert_eq!(store.queue_pushes(DEADLINE + 2).await.unwrap(), 1);
    let pushes = queued(&store).await;
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let message = &pushes[0].1;
    assert!(
        message.body.starts_with("Tue 24 Nov · "),
        "in the order of the days: {}",
        message.body
    );
    assert!(message.body.contains(": Curry won"), "{}", message.body);
    assert!(message.body.ends_with(" — see why"), "{}", message.body);
    assert_eq!(message.body.matches("Nov ·").count(), 4, "{}", message.body);
    assert!(message.url.ends_with("/results"), "{}", message.url);
}
