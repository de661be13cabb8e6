//! Households over HTTP, through the real app: create, switch, invite, join, roles, leave.

use app::routes;
use app::{
    error::{AppError, InviteProblem},
    households::Role,
};
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, input_value};

#[tokio::test]
async fn a_new_household_has_its_creator_as_admin_and_becomes_current() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let id = ada.create_household("The Lovelaces").await;
    let overview = ada.overview(&id).await;
    assert_eq!(overview.name, "The Lovelaces");
    assert_eq!(overview.my_role, Role::Admin);
    assert_eq!(overview.members.len(), 1);
    assert_eq!(
        ada.viewer().await.current_household.map(|h| h.to_string()),
        Some(id)
    );
}

#[tokio::test]
async fn an_empty_household_name_is_refused_on_its_field() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let answer = ada.call("create_household", &[("name", "   ")]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer
            .error()
            .for_field(app::error::Field::HouseholdName)
            .is_some()
    );
}

#[tokio::test]
async fn a_person_in_two_households_switches_the_current_one() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let allotment = ada.create_household("Allotment").await;
    assert_eq!(
        ada.viewer().await.current_household.map(|h| h.to_string()),
        Some(allotment)
    );
    ada.call("switch_household", &[("household_id", &home)])
        .await
        .assert_ok();
    let viewer = ada.viewer().await;
    assert_eq!(viewer.current_household.map(|h| h.to_string()), Some(home));
    assert_eq!(viewer.households.len(), 2);
}

#[tokio::test]
async fn an_invited_person_joins_and_shows_up_as_a_member() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "7", false).await;
    let overview = ada.overview(&home).await;
    assert_eq!(overview.invites.len(), 1, "the invite is pending");
    assert!(!overview.invites[0].single_use);

    let bob = app.signed_up("Bob").await;
    let preview = bob.call("get_invite_preview", &[("token", &token)]).await;
    assert!(preview.assert_ok().body.contains("Home"), "{preview:?}");
    let joined = bob.join(&token).await;
    joined.assert_ok();
    assert_eq!(joined.location, Some(routes::household(&home)));
    let members: Vec<(String, Role)> = ada
        .overview(&home)
        .await
        .members
        .into_iter()
        .map(|m| (m.display_name, m.role))
        .collect();
    assert_eq!(
        members,
        [
            ("Ada".to_owned(), Role::Admin),
            ("Bob".to_owned(), Role::Member)
        ]
    );
}

#[tokio::test]
async fn signing_up_from_an_invite_lands_in_the_household() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "7", true).await;
    let bob = app.person("Bob");
    let mut fields = bob.sign_up_fields(PASSWORD);
    fields.push(("invite", &token));
    let answer = bob.call("sign_up", &fields).await;
    answer.assert_ok();
    assert_eq!(answer.location, Some(routes::household(&home)));
    assert_eq!(bob.overview(&home).await.my_role, Role::Member);
}

/// An existing account is never joined by a link alone (the link may come from someone who wants
/// the person's votes in their household): signing in through it asks "Join Home?" first.
#[tokio::test]
async fn signing_in_from_an_invite_asks_before_joining() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "7", false).await;
    let bob = app.signed_up("Bob").await;
    bob.sign_out().await.assert_ok();
    let fields = [
        ("email", bob.email.as_str()),
        ("password", PASSWORD),
        ("invite", &token),
    ];
    let answer = bob.call("sign_in", &fields).await;
    answer.assert_ok();
    assert_eq!(answer.location, Some(routes::join(&token)));
    let not_yet = bob
        .call("get_household_overview", &[("household_id", &home)])
        .await;
    assert_eq!(not_yet.status, StatusCode::NOT_FOUND, "not joined yet");
    let page = bob.open(&routes::join(&token)).await;
    assert!(
        page.body.contains("<h1>Join <!>Home"),
        "asks first: {}",
        page.body
    );
    bob.join(&token).await.assert_ok();
    assert_eq!(bob.overview(&home).await.my_role, Role::Member);
}

#[tokio::test]
async fn a_used_single_use_invite_is_refused_and_shown_as_used() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "7", true).await;
    app.signed_up("Bob").await.join(&token).await.assert_ok();
    assert!(
        ada.overview(&home).await.invites.is_empty(),
        "no longer pending"
    );
    let cy = app.signed_up("Cy").await;
    let answer = cy.join(&token).await;
    assert_eq!(answer.status, StatusCode::GONE);
    assert_eq!(answer.error(), AppError::Invite(InviteProblem::Used));
    let page = cy.open(&routes::join(&token)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("already been used"), "{}", page.body);
}

#[tokio::test]
async fn a_revoked_invite_is_refused() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "7", false).await;
    let invite = ada.overview(&home).await.invites[0].id.to_string();
    ada.call(
        "revoke_invite",
        &[("household_id", &home), ("invite_id", &invite)],
    )
    .await
    .assert_ok();
    assert!(ada.overview(&home).await.invites.is_empty());
    let bob = app.signed_up("Bob").await;
    assert_eq!(
        bob.join(&token).await.error(),
        AppError::Invite(InviteProblem::Revoked)
    );
}

#[tokio::test]
async fn an_expired_invite_is_refused() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let token = ada.create_invite(&home, "1", false).await;
    // Let a day pass, as far as this invite knows.
    sqlx::query("update invites set expires_at = 1")
        .execute(app.store.pool())
        .await
        .unwrap();
    let bob = app.signed_up("Bob").await;
    assert_eq!(
        bob.join(&token).await.error(),
        AppError::Invite(InviteProblem::Expired)
    );
    let page = bob.open(&routes::join(&token)).await;
    assert!(page.body.contains("has expired"), "{}", page.body);
}

#[tokio::test]
async fn an_unknown_invite_link_is_not_found() {
    let app = TestApp::spawn().await;
    let bob = app.signed_up("Bob").await;
    let made_up = "A".repeat(43);
    assert_eq!(bob.join(&made_up).await.error(), AppError::NotFound);
    assert_eq!(bob.join("short").await.error(), AppError::NotFound);
    let page = bob.open(&routes::join(&made_up)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invite_options_out_of_range_are_refused_on_their_field() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let answer = ada
        .call(
            "create_invite",
            &[("household_id", &home), ("expires_in_days", "31")],
        )
        .await;
    assert!(
        answer
            .error()
            .for_field(app::error::Field::ExpiresInDays)
            .is_some(),
        "{answer:?}"
    );
}

#[tokio::test]
async fn invite_redemption_per_ip_is_limited() {
    let app = TestApp::spawn().await;
    let bob = app.signed_up("Bob").await;
    let made_up = "B".repeat(43);
    for attempt in 1..=30 {
        let answer = bob.call("get_invite_preview", &[("token", &made_up)]).await;
        assert_eq!(answer.error(), AppError::NotFound, "attempt {attempt}");
    }
    let answer = bob.call("get_invite_preview", &[("token", &made_up)]).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn admins_promote_demote_and_remove_while_members_cannot() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let bob = app.joined(&ada, &home, "Bob").await;
    let cy = app.joined(&ada, &home, "Cy").await;
    let ids = |o: &app::households::HouseholdOverview, name: &str| {
        o.members
            .iter()
            .find(|m| m.display_name == name)
            .unwrap()
            .user_id
            .to_string()
    };
    let overview = ada.overview(&home).await;
    let (ada_id, bob_id, cy_id) = (
        ids(&overview, "Ada"),
        ids(&overview, "Bob"),
        ids(&overview, "Cy"),
    );

    let refused = bob.remove_member(&home, &cy_id).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.error(), AppError::AdminOnly);
    let refused = bob
        .call(
            "create_invite",
            &[("household_id", &home), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(refused.error(), AppError::AdminOnly);

    ada.set_member_role(&home, &bob_id, "admin")
        .await
        .assert_ok();
    assert_eq!(bob.overview(&home).await.my_role, Role::Admin);
    bob.set_member_role(&home, &ada_id, "member")
        .await
        .assert_ok();
    assert_eq!(ada.overview(&home).await.my_role, Role::Member);
    bob.remove_member(&home, &cy_id).await.assert_ok();
    assert_eq!(
        cy.call("get_household_overview", &[("household_id", &home)])
            .await
            .error(),
        AppError::NotFound
    );
}

#[tokio::test]
async fn the_last_admin_cannot_leave_until_someone_else_is_admin() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let bob = app.joined(&ada, &home, "Bob").await;
    let leave = ada.leave_household(&home).await;
    assert_eq!(leave.status, StatusCode::CONFLICT);
    assert_eq!(leave.error(), AppError::LastAdmin);
    let bob_id = bob.viewer().await.user_id.to_string();
    ada.set_member_role(&home, &bob_id, "admin")
        .await
        .assert_ok();
    let leave = ada.leave_household(&home).await;
    leave.assert_ok();
    assert_eq!(leave.location.as_deref(), Some(routes::HOUSEHOLDS));
    assert!(ada.viewer().await.households.is_empty());
    assert_eq!(ada.viewer().await.current_household, None);
}

#[tokio::test]
async fn the_household_page_shows_members_invites_and_a_new_link_once() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let created = ada
        .call(
            "create_invite",
            &[
                ("household_id", &home),
                ("expires_in_days", "7"),
                ("single_use", "on"),
            ],
        )
        .await;
    created.assert_ok();
    let page = ada.open(&routes::household(&home)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body;
    assert!(html.contains("Invite link created"), "{html}");
    let link = input_value(&html, "new-invite-link").expect("the new link is shown");
    let token = link.rsplit(&routes::join("")).next().unwrap().to_owned();
    assert_eq!(token.len(), 43, "{link}");
    assert!(html.contains("single use"), "{html}");
    assert!(html.contains("Ada"), "{html}");
    let again = ada.open(&routes::household(&home)).await.body;
    assert!(
        !again.contains(&token) && !again.contains("Invite link created"),
        "shown once: the link is not stored, so a reload cannot show it"
    );
    let bob = app.signed_up("Bob").await;
    bob.join(&token).await.assert_ok();
}

#[tokio::test]
async fn a_secret_in_the_url_is_never_shown_as_if_the_server_made_it() {
    // Links an attacker could send an admin, hoping they copy the planted value into a chat
    // (an invite to the attacker's household) or into their webhook receiver (a secret the
    // attacker knows, so forged deliveries would verify).
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let planted_token = "A".repeat(43);
    let planted_secret = "ab".repeat(32);
    for path in [
        format!("{}?new_invite={planted_token}", routes::household(&home)),
        format!(
            "{}?new_webhook_secret={planted_secret}",
            routes::household(&home)
        ),
        format!("{}?new_calendar={planted_token}", routes::HOUSEHOLDS),
    ] {
        let page = ada.open(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains(&planted_token) && !page.body.contains(&planted_secret),
            "{path} shows a value the server did not create"
        );
    }
}

#[tokio::test]
async fn a_new_link_waits_for_its_own_household_and_for_its_own_session() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let work = ada.create_household("Work").await;
    ada.call(
        "create_invite",
        &[("household_id", &home), ("expires_in_days", "7")],
    )
    .await
    .assert_ok();
    let elsewhere = ada.open(&routes::household(&work)).await.body;
    assert!(
        !elsewhere.contains("Invite link created"),
        "not on Work's page"
    );
    let ada_on_her_phone = app.second_device(&ada).await;
    assert_eq!(
        ada_on_her_phone
            .take_new_secret("invite_token", Some(&home))
            .await,
        None,
        "another session of the same person does not get it"
    );
    let here = ada.open(&routes::household(&home)).await.body;
    assert!(input_value(&here, "new-invite-link").is_some(), "{here}");
}

#[tokio::test]
async fn without_javascript_creating_an_invite_shows_the_link_on_the_household_page() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let page = routes::household(&home);
    let answer = ada
        .submit(
            &page,
            "create_invite",
            &[("household_id", &home), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let location = answer.location.expect("back to the household");
    assert_eq!(
        location,
        format!("{page}#new-invite-heading"),
        "the link is not in the URL"
    );
    let shown = ada.open(&location).await.body;
    assert!(input_value(&shown, "new-invite-link").is_some(), "{shown}");
}
