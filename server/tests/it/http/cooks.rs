//! A meal's cook as browsers and scripts change it: volunteering and stepping back are plain
//! forms that come back to their page, which then says who cooks; the refusals (someone else
//! cooks, not yours to take off, only the proposer or an admin chooses someone else, only a
//! member cooks, a stranger's household) answer with a message and change nothing.

use app::{error::AppError, routes};
use reqwest::StatusCode;

use crate::support::{Answer, Person, TestApp};

/// `answer` is a 409 refusal whose message says `words`.
fn refused(answer: &Answer, words: &str) {
    assert_eq!(answer.status, StatusCode::CONFLICT, "{answer:?}");
    assert!(
        matches!(answer.error(), AppError::Conflict(message) if message.contains(words)),
        "{answer:?}"
    );
}

async fn id_of(person: &Person) -> String {
    person.viewer().await.user_id.to_string()
}

#[tokio::test]
async fn members_volunteer_step_back_and_the_proposer_or_an_admin_chooses_the_cook() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let cy = app.joined(&ada, &household, "Cy").await;
    let plan = ada.propose_plan(&household, "Pasta\nCurry\nSoup").await;
    let slot = ada
        .ballot_page_of_plan(&household, &plan)
        .await
        .slot_id
        .to_string();
    let ballot = routes::ballot(&household, &slot);
    let plan_page = routes::plan(&household, &plan);
    let fields = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
    ];

    // Without JavaScript: "I'll cook" is a plain form that comes back to its page.
    let shown = bob.open(&ballot).await.body;
    assert!(shown.contains("Nobody cooks yet"), "{shown}");
    let answer = bob.submit(&ballot, "volunteer_to_cook", &fields).await;
    let back = answer.location.expect("back to the page");
    assert!(back.trim_end_matches('?').ends_with(&ballot), "{back}");
    assert!(bob.open(&ballot).await.body.contains("You cook"));
    for page in [&ballot, &plan_page, &routes::results(&household, &plan)] {
        let shown = cy.open(page).await.body;
        assert!(shown.contains("Bob cooks"), "{page}: {shown}");
    }

    // Cy may neither take over nor take Bob off, and Bob may not choose Cy.
    refused(
        &cy.call("volunteer_to_cook", &fields).await,
        "Someone else cooks",
    );
    refused(
        &cy.call("step_back_from_cooking", &fields).await,
        "Only the cook",
    );
    let cy_id = id_of(&cy).await;
    let assign_cy = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
        ("cook_id", cy_id.as_str()),
    ];
    refused(
        &bob.call("assign_cook", &assign_cy).await,
        "proposer or an admin",
    );
    assert!(
        ada.open(&plan_page).await.body.contains("Bob cooks"),
        "unchanged"
    );

    // A stranger's household: not found, whatever the slot.
    let eve = app.signed_up("Eve").await;
    eve.create_household("Elsewhere").await;
    let answer = eve.call("volunteer_to_cook", &fields).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    // Only a member can be chosen.
    let eve_id = id_of(&eve).await;
    let assign_eve = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
        ("cook_id", eve_id.as_str()),
    ];
    refused(&ada.call("assign_cook", &assign_eve).await, "Only a member");

    // Ada proposed the plan: she chooses Cy, from the ballot page's list of members.
    let shown = ada.open(&ballot).await.body;
    assert!(shown.contains("Choose the cook"), "{shown}");
    assert!(!bob.open(&ballot).await.body.contains("Choose the cook"));
    let answer = ada.submit(&ballot, "assign_cook", &assign_cy).await;
    assert!(answer.location.is_some(), "{answer:?}");
    assert!(bob.open(&plan_page).await.body.contains("Cy cooks"));

    // An admin who did not propose the plan may choose too.
    let bob_id = id_of(&bob).await;
    ada.set_member_role(&household, &bob_id, "admin")
        .await
        .assert_ok();
    let ada_id = id_of(&ada).await;
    let assign_ada = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
        ("cook_id", ada_id.as_str()),
    ];
    bob.call("assign_cook", &assign_ada).await.assert_ok();
    assert!(cy.open(&plan_page).await.body.contains("Ada cooks"));

    // The cook steps back: nobody cooks.
    ada.call("step_back_from_cooking", &fields)
        .await
        .assert_ok();
    assert!(cy.open(&ballot).await.body.contains("Nobody cooks yet"));
}
