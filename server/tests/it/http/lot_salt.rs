//! The tie-break lot cannot be computed before a slot closes: its seed commits a salt the server
//! draws at the close, which no page, server function or download shows before it and the ballot
//! file shows after, so the result can still be re-counted by anyone (docs/tally.md, "The seed").
//! Both engines.

use app::routes;
use app::tally::{self, Election};
use reqwest::StatusCode;
use server::closing::count::BallotFile;

use crate::support::{Person, TestApp, TestDatabase, household_with_plan, mealvote_bin};

crate::on_both_engines!(
    the_lot_is_seeded_with_a_salt_nobody_sees_before_the_close_and_the_file_recounts_with_it,
);

/// Everything a member can read about the household while `slot` is open.
async fn what_a_member_sees(who: &Person, household: &str, plan: &str, slot: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for path in [
        routes::household(household),
        routes::plans(household),
        routes::plan(household, plan),
        routes::results(household, plan),
        routes::ballot(household, slot),
        routes::notifications(household),
    ] {
        let page = who.open(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        seen.push(page.body);
    }
    for (function, fields) in [
        ("get_plan", [("household_id", household), ("plan_id", plan)]),
        (
            "get_results",
            [("household_id", household), ("plan_id", plan)],
        ),
        (
            "get_ballot_page",
            [("household_id", household), ("slot_id", slot)],
        ),
    ] {
        seen.push(who.call(function, &fields).await.assert_ok().body.clone());
    }
    let export = who.get(&routes::export(household, slot)).await;
    assert_eq!(
        export.status(),
        StatusCode::CONFLICT,
        "nothing to download yet"
    );
    seen.push(export.text().await.unwrap());
    seen
}

async fn tally(file: &std::path::Path, flags: &[&str]) -> std::process::Output {
    tokio::process::Command::new(mealvote_bin())
        .arg("tally")
        .arg(file)
        .args(flags)
        .output()
        .await
        .expect("run mealvote tally")
}

async fn the_lot_is_seeded_with_a_salt_nobody_sees_before_the_close_and_the_file_recounts_with_it(
    db: TestDatabase,
) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    // Ada and Bob disagree, 1–1: the lot decides, so its seed matters.
    ada.rank_first(&household, &slot, "Pasta").await;
    let mut seen = what_a_member_sees(&ada, &household, &plan, &slot).await;
    seen.extend(what_a_member_sees(&bob, &household, &plan, &slot).await);
    bob.rank_first(&household, &slot, "Curry").await;

    let download = bob.get(&routes::export(&household, &slot)).await;
    assert_eq!(
        download.status(),
        StatusCode::OK,
        "Bob's ballot closed the vote"
    );
    let bytes = download.bytes().await.unwrap();
    let file: BallotFile = serde_json::from_slice(&bytes).unwrap();
    let salt = file.salt.clone().expect("the ballot file reveals the salt");
    assert_eq!(salt.len(), 32);
    assert!(salt.bytes().all(|b| b.is_ascii_hexdigit()), "{salt}");
    for (i, body) in seen.iter().enumerate() {
        assert!(
            !body.contains(&salt),
            "answer {i} showed the salt before the close"
        );
    }
    // What the members knew before the close (the slot, the close time, every ballot) no longer
    // gives the seed: they could not have tried ballots against the lot.
    let election = Election::try_from(&file.input).unwrap();
    let guessable = tally::derive_seed(&slot, file.closed_at_ms, &election);
    assert_ne!(guessable, file.seed);
    assert_eq!(file.derived_seed().unwrap(), file.seed);

    // Anyone re-counts it with the real binary: the seed derived from the file, the same winner.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("mealvote-{slot}.json"));
    std::fs::write(&path, &bytes).unwrap();
    let output = tally(&path, &["--derive-seed"]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let recount: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(recount["tie_break"]["seed"], file.seed.to_string());
    let winner = recount["order"][0].as_str().expect("a winner");
    let results = ada.plan(&household, &plan).await;
    assert_eq!(
        results.slots[0].winner.as_deref(),
        Some(file.options[winner].as_str()),
        "the binary picks the winner the site shows"
    );

    // A salt changed after the fact is caught.
    let mut forged: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    forged["salt"] = serde_json::json!("0".repeat(32));
    std::fs::write(&path, forged.to_string()).unwrap();
    let output = tally(&path, &["--derive-seed"]).await;
    assert_eq!(output.status.code(), Some(2));
}
