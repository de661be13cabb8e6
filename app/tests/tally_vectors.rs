//! Every case in `app/tests/data/schulze_vectors.json` (docs/tally.md "Test data"): winners as a
//! set, the ranking tier by tier, and the strongest paths and defeats where a case gives them.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
};

use app::tally::{CandidateId, Election, TallyInput, recount};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(flatten)]
    input: TallyInput,
    expect: Expect,
}

/// `ranking_count_of_beaters` (the tiers a wrong method gives) is deliberately not read.
#[derive(Deserialize)]
struct Expect {
    winners: Option<BTreeSet<String>>,
    ranking: Vec<BTreeSet<String>>,
    strongest_paths: Option<BTreeMap<String, BTreeMap<String, Value>>>,
    defeats: Option<BTreeSet<(String, String)>>,
}

fn vectors() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/schulze_vectors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the Schulze vectors at {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a list of cases: {e}", path.display()))
}

fn names(ids: Vec<CandidateId>) -> BTreeSet<String> {
    ids.into_iter().map(String::from).collect()
}

/// What differs between a case's expectation and the tally, one line per difference.
fn differences(case: &Case) -> Vec<String> {
    let election = match Election::try_from(&case.input) {
        Ok(election) => election,
        Err(e) => return vec![format!("rejected: {e}")],
    };
    let tally = election.tally(case.input.variant.unwrap_or_default());
    let mut found = Vec::new();

    let winners = names(tally.potential_winners());
    if let Some(expected) = case.expect.winners.as_ref().filter(|&w| *w != winners) {
        found.push(format!("winners {winners:?}, expected {expected:?}"));
    }
    let ranking: Vec<_> = tally.ranking().into_iter().map(names).collect();
    if ranking != case.expect.ranking {
        found.push(format!(
            "ranking {ranking:?}, expected {:?}",
            case.expect.ranking
        ));
    }
    if let Some(expected) = &case.expect.defeats {
        let candidates = tally.candidates();
        let defeats: BTreeSet<(String, String)> = candidates
            .iter()
            .flat_map(|a| candidates.iter().map(move |b| (a, b)))
            .filter(|(a, b)| tally.beats(a, b))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        if defeats != *expected {
            found.push(format!("defeats {defeats:?}, expected {expected:?}"));
        }
    }
    if let Some(expected) = &case.expect.strongest_paths {
        found.extend(path_differences(case, expected));
    }
    found
}

/// Compares the re-count's JSON `strongest_paths`, so the printed shape is checked too.
fn path_differences(
    case: &Case,
    expected: &BTreeMap<String, BTreeMap<String, Value>>,
) -> Vec<String> {
    let output = recount(&case.input, None, None).expect("the input was accepted above");
    let paths = serde_json::to_value(&output.strongest_paths).expect("paths serialize");
    let mut found = Vec::new();
    for (a, row) in expected {
        for (b, strength) in row {
            let actual = &paths[a][b];
            if actual != strength {
                found.push(format!("p[{a}][{b}] = {actual}, expected {strength}"));
            }
        }
    }
    found
}

#[test]
fn every_published_and_synthetic_case_gives_the_expected_outcome() {
    let cases = vectors();
    assert!(!cases.is_empty(), "schulze_vectors.json holds no cases");
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|case| {
            differences(case)
                .into_iter()
                .map(move |d| format!("{}: {d}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} differences over {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
