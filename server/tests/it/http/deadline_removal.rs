//! The attack over HTTP: Y leads 2–1 at the deadline, nothing has closed the meal yet (closing is
//! lazy), and an admin removes one Y voter. The meal must still close 2–1 for Y, at the deadline,
//! not 1–1 by lot (docs/closing.md, "A deadline is final"). Both engines.

use app::plans::{ResultsPage, SlotOutcome};

use crate::support::{TestApp, TestDatabase};

crate::on_both_engines!(a_removal_after_the_deadline_does_not_change_the_result);

async fn a_removal_after_the_deadline_does_not_change_the_result(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let mut voters = Vec::new();
    for name in ["Bob", "Cy", "Dee"] {
        voters.push(app.joined(&ada, &household, name).await);
    }
    let plan = ada.propose_plan(&household, "Pasta\nCurry").await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    // Ada does not vote, so nothing closes early.
    for (voter, dish) in voters.iter().zip(["Curry", "Curry", "Pasta"]) {
        voter.rank_first(&household, &slot, dish).await;
    }
    let cy = ada
        .overview(&household)
        .await
        .members
        .into_iter()
        .find(|m| m.display_name == "Cy")
        .expect("Cy is a member")
        .user_id;
    // The deadline passes with no request since: it is moved into the past in the database
    // rather than waited for.
    let deadline = server::clock::now_ms() - 60_000;
    sqlx::query(r"update plans set deadline_at = $1 where id = $2")
        .bind(deadline)
        .bind(&plan)
        .execute(app.store.pool())
        .await
        .unwrap();

    ada.remove_member(&household, cy.as_str()).await.assert_ok();

    let answer = ada
        .call(
            "get_results",
            &[("household_id", &household), ("plan_id", &plan)],
        )
        .await;
    let page: ResultsPage = serde_json::from_str(&answer.assert_ok().body).unwrap();
    let SlotOutcome::Decided(decided) = &page.slots[0].outcome else {
        panic!("the meal is decided: {:?}", page.slots[0].outcome);
    };
    assert_eq!(
        decided.result.winner, "Curry",
        "Curry led 2–1 at the deadline"
    );
    assert_eq!(decided.result.ballots, 3, "Cy's in-time ballot is counted");
    assert!(!decided.result.winner_by_lot);
    assert_eq!(decided.closed_at_ms, deadline);
}
