//! Abuse at the HTTP level: each attack as a person with only a free account would send it, and
//! what it must now get (docs/security.md). Storage decides each outcome, so every test runs on
//! both engines. The hashing flood, webhook SSRF and lock-out attacks live beside the features they
//! attack (`hashing_flood.rs`, `notifications.rs`, `accounts.rs`).

use app::{
    error::{AppError, InviteProblem},
    ids::UserId,
    notifications::{NotificationsPage, WebhookSettings},
};

use crate::support::{Person, TestApp, TestDatabase, household_with_plan, member_id};

crate::on_both_engines!(
    a_removed_member_cannot_rejoin_through_the_link_they_joined_by,
    a_demoted_admin_loses_their_invites_and_webhook_and_the_admins_are_told,
    a_removed_members_ballot_on_an_open_slot_stops_counting,
    any_admin_manages_a_plan_whose_proposer_has_left,
    a_flood_of_ballot_saves_is_refused_past_thirty_a_minute,
    a_proposal_of_84_meals_is_refused_naming_the_limit,
);

async fn remove(admin: &Person, household: &str, member: &UserId) {
    admin
        .call(
            "remove_member",
            &[("household_id", household), ("user_id", member.as_str())],
        )
        .await
        .assert_ok();
}

async fn notifications(person: &Person, household: &str) -> Vec<String> {
    let answer = person
        .call("get_notifications", &[("household_id", household)])
        .await;
    let page: NotificationsPage = serde_json::from_str(&answer.assert_ok().body).unwrap();
    page.items.into_iter().map(|n| n.text).collect()
}

/// Moves the plan's deadline to the day after tomorrow at `time` (UTC).
async fn move_deadline(
    person: &Person,
    household: &str,
    plan: &str,
    time: &str,
) -> crate::support::Answer {
    person
        .call(
            "move_deadline",
            &[
                ("household_id", household),
                ("plan_id", plan),
                ("deadline_date", &crate::support::day_from_now(2)),
                ("deadline_time", time),
                ("utc_offset_minutes", "0"),
            ],
        )
        .await
}

async fn a_removed_member_cannot_rejoin_through_the_link_they_joined_by(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let old_link = ada.create_invite(&household, "7", false).await;
    let mallory = app.signed_up("Mallory").await;
    mallory.join(&old_link).await.assert_ok();
    let mallory_id = member_id(&ada.overview(&household).await, "Mallory");
    remove(&ada, &household, &mallory_id).await;

    // The attack: the multi-use link is still in Mallory's history.
    let rejoin = mallory.join(&old_link).await;
    assert!(rejoin.status.is_client_error(), "{rejoin:?}");
    assert_eq!(
        rejoin.error(),
        AppError::Invite(InviteProblem::RemovedSince)
    );
    assert!(rejoin.error().to_string().contains("Ask an admin"));
    assert!(!mallory.is_member_of(&household).await);

    // The link still works for anyone else it was meant for…
    let cy = app.signed_up("Cy").await;
    cy.join(&old_link).await.assert_ok();
    // …and a new invite, made knowingly after the removal, lets Mallory back.
    let new_link = ada.create_invite(&household, "7", true).await;
    mallory.join(&new_link).await.assert_ok();
    assert!(mallory.is_member_of(&household).await);
}

async fn a_demoted_admin_loses_their_invites_and_webhook_and_the_admins_are_told(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let cy = app.joined(&ada, &household, "Cy").await;
    let dee = app.joined(&ada, &household, "Dee").await;
    let overview = ada.overview(&household).await;
    let bob_id = member_id(&overview, "Bob");
    for id in [&bob_id, &member_id(&overview, "Cy")] {
        ada.call(
            "set_member_role",
            &[
                ("household_id", &household),
                ("user_id", id.as_str()),
                ("role", "admin"),
            ],
        )
        .await
        .assert_ok();
    }
    // While an admin, Bob leaves himself a way in and a copy of every household event.
    let bobs_link = bob.create_invite(&household, "30", false).await;
    bob.call(
        "set_webhook",
        &[
            ("household_id", &household),
            ("url", "https://1.1.1.1/hook"),
        ],
    )
    .await
    .assert_ok();

    ada.call(
        "set_member_role",
        &[
            ("household_id", &household),
            ("user_id", bob_id.as_str()),
            ("role", "member"),
        ],
    )
    .await
    .assert_ok();

    let eve = app.signed_up("Eve").await;
    let used = eve.join(&bobs_link).await;
    assert_eq!(used.error(), AppError::Invite(InviteProblem::Revoked));
    let settings: WebhookSettings = serde_json::from_str(
        &ada.call("get_webhook_settings", &[("household_id", &household)])
            .await
            .assert_ok()
            .body,
    )
    .unwrap();
    assert_eq!(
        settings.url, None,
        "switched off until an admin sets it again"
    );
    assert_eq!(
        ada.overview(&household).await.invites.len(),
        3,
        "Ada's invites stay"
    );

    let told = "Bob is no longer an admin: their invite link was withdrawn, and the webhook they \
                set is switched off until an admin sets it again";
    // Ada did it and knows; the other admin is told; a plain member is not.
    assert!(
        notifications(&cy, &household)
            .await
            .iter()
            .any(|t| t == told)
    );
    assert!(
        !notifications(&dee, &household)
            .await
            .iter()
            .any(|t| t.contains("admin")),
        "admins only"
    );
}

async fn a_removed_members_ballot_on_an_open_slot_stops_counting(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let first = format!("rank-{}", page.options[0].id);
    bob.call(
        "cast_ballot",
        &[
            ("household_id", household.as_str()),
            ("slot_id", page.slot_id.as_str()),
            (first.as_str(), "1"),
        ],
    )
    .await
    .assert_ok();
    assert_eq!(ada.plan(&household, &plan).await.slots[0].ballots, 1);

    let bob_id = member_id(&ada.overview(&household).await, "Bob");
    remove(&ada, &household, &bob_id).await;
    let view = ada.plan(&household, &plan).await;
    assert_eq!(view.slots[0].ballots, 0, "Bob's ballot no longer counts");
    assert_eq!(view.expected_voters, 1, "nor is he waited for");
    assert!(!view.slots[0].closed, "Ada has not voted yet");
}

async fn any_admin_manages_a_plan_whose_proposer_has_left(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let cy = app.joined(&ada, &household, "Cy").await;
    let plan = bob.propose_plan(&household, "Pasta\nCurry").await;
    assert!(!ada.plan(&household, &plan).await.deadline_movable);
    assert_eq!(
        move_deadline(&ada, &household, &plan, "12:00")
            .await
            .status
            .as_u16(),
        409
    );

    bob.call("leave_household", &[("household_id", &household)])
        .await
        .assert_ok();
    assert!(ada.plan(&household, &plan).await.deadline_movable);
    assert!(ada.plan(&household, &plan).await.options_editable);
    move_deadline(&ada, &household, &plan, "18:00")
        .await
        .assert_ok();
    assert!(!cy.plan(&household, &plan).await.deadline_movable);
    assert_eq!(
        move_deadline(&cy, &household, &plan, "20:00")
            .await
            .status
            .as_u16(),
        409,
        "members still may not"
    );
}

async fn a_flood_of_ballot_saves_is_refused_past_thirty_a_minute(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (_ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let rank = |i: usize| format!("rank-{}", page.options[i].id);
    let limit = app::quotas::MAX_BALLOT_SAVES_PER_MINUTE as usize;
    let mut refused = None;
    for i in 0..=limit {
        let (first, second) = (rank(i % 2), rank((i + 1) % 2));
        let slot = page.slot_id.to_string();
        let fields = [
            ("household_id", household.as_str()),
            ("slot_id", slot.as_str()),
            (first.as_str(), "1"),
            (second.as_str(), "2"),
        ];
        let answer = bob.call("cast_ballot", &fields).await;
        if !answer.status.is_success() {
            refused = Some((i, answer));
            break;
        }
    }
    // Every save up to the limit went through, unless a minute boundary fell inside the loop and
    // restarted the count (then the flood simply goes on into the next window).
    let Some((at, answer)) = refused else {
        return;
    };
    assert_eq!(at, limit, "the first {limit} saves in a minute go through");
    assert_eq!(answer.status.as_u16(), 429);
    assert!(answer.error().to_string().contains("Too many attempts"));
    // What was saved stays saved.
    let kept = bob.ballot_page_of_plan(&household, &plan).await;
    assert!(kept.mine.is_some(), "the last accepted ballot is kept");
}

async fn a_proposal_of_84_meals_is_refused_naming_the_limit(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let options: Vec<String> = (1..=20).map(|i| format!("Dish {i}")).collect();
    let answer = ada
        .call(
            "propose_plan",
            &[
                ("household_id", household.as_str()),
                ("title", ""),
                ("first_day", &crate::support::day_from_now(3)),
                ("days", "14"),
                ("meals", "a, b, c, d, e, f"),
                ("options", &options.join("\n")),
                ("deadline_date", &crate::support::day_from_now(1)),
                ("deadline_time", "18:00"),
                ("utc_offset_minutes", "0"),
            ],
        )
        .await;
    assert_eq!(answer.status.as_u16(), 400);
    assert!(
        answer.error().to_string().contains("at most 28 meals"),
        "{answer:?}"
    );
    let plans = ada
        .call("list_plans", &[("household_id", household.as_str())])
        .await;
    assert_eq!(plans.assert_ok().body, "[]", "nothing was stored");
}
