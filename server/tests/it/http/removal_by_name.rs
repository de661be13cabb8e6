//! A removal sticks to the person as the household knows them: someone removed who signs up
//! again with another email address cannot come back under their name through an invite made
//! before the removal; others still join through it, and a newer invite (an admin saying yes)
//! admits the name again (docs/security.md, "A removal sticks").

use app::error::{AppError, InviteProblem};
use app::routes;
use reqwest::StatusCode;

use crate::support::{Person, TestApp, TestDatabase, member_id};

crate::on_both_engines!(a_removed_member_signing_up_again_cannot_rejoin_under_their_name,);

/// A new account under `name`, with an address of its own whatever the name's letters.
async fn signed_up_as(app: &TestApp, name: &str) -> Person {
    let mut person = app.person("new");
    person.name = name.to_owned();
    person.email = format!("again-{}@example.com", uuid::Uuid::new_v4().simple());
    person.sign_up().await.assert_ok();
    person
}

async fn a_removed_member_signing_up_again_cannot_rejoin_under_their_name(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let link = ada.create_invite(&household, "7", false).await;
    let mallory = app.signed_up("Mallory").await;
    mallory.join(&link).await.assert_ok();
    let mallory_id = member_id(&ada.overview(&household).await, "Mallory");
    ada.remove_member(&household, mallory_id.as_str())
        .await
        .assert_ok();

    // The attack: a new account with another email, the same name, the same multi-use link; and
    // the name as it reads the same in other letters.
    for name in ["Mallory", "mallory", "Ｍａｌｌｏｒｙ", " MALLORY "] {
        let again = signed_up_as(&app, name).await;
        let join = again.join(&link).await;
        assert_eq!(join.status, StatusCode::GONE, "{name:?}: {join:?}");
        assert_eq!(
            join.error(),
            AppError::Invite(InviteProblem::RemovedName),
            "{name:?}"
        );
        assert!(join.error().to_string().contains("Ask an admin"));
        assert!(!again.is_member_of(&household).await, "{name:?}");
    }
    // Signing up through the link (which joins at once) is refused the same way: the account is
    // made, the household is not joined, and the invite's page says why.
    let through_sign_up = app.person("Mallory");
    let mut fields = through_sign_up.sign_up_fields(crate::support::PASSWORD);
    fields.push(("invite", &link));
    let answer = through_sign_up.call("sign_up", &fields).await;
    assert_eq!(
        answer.location.as_deref(),
        Some(routes::join(&link).as_str())
    );
    assert!(!through_sign_up.is_member_of(&household).await);
    assert_eq!(ada.overview(&household).await.members.len(), 1);

    // Anyone else still joins through the link…
    let cy = app.signed_up("Cy").await;
    cy.join(&link).await.assert_ok();
    assert!(cy.is_member_of(&household).await);
    // …and a newer invite, made knowingly after the removal, admits the name again.
    let newer = ada.create_invite(&household, "7", true).await;
    let mallory_again = app.signed_up("Mallory").await;
    mallory_again.join(&newer).await.assert_ok();
    assert!(mallory_again.is_member_of(&household).await);
}
