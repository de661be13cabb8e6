//! `mealvote tally` as an operator runs it: the built binary re-counts every Schulze vector, and
//! rejects invalid input with exit status 2 and one line on stderr.

use std::{
    collections::BTreeSet,
    io::{ErrorKind, Write},
    path::PathBuf,
    process::{Command, Output, Stdio},
};

use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../app/tests/data/schulze_vectors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the Schulze vectors at {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a list of cases: {e}", path.display()))
}

/// Runs `mealvote tally ARGS` with `stdin` as standard input.
fn tally(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mealvote"))
        .arg("tally")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mealvote binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // mealvote may reject its flags and exit without reading: then the pipe is closed.
    if let Err(error) = input.write_all(stdin.as_bytes()) {
        assert_eq!(
            error.kind(),
            ErrorKind::BrokenPipe,
            "cannot write to mealvote: {error}"
        );
    }
    drop(input);
    child.wait_with_output().expect("mealvote finishes")
}

fn as_sets(tiers: &Value) -> Vec<BTreeSet<String>> {
    let tiers = tiers.as_array().map(Vec::as_slice).unwrap_or_default();
    tiers.iter().map(as_set).collect()
}

fn as_set(ids: &Value) -> BTreeSet<String> {
    let ids = ids.as_array().map(Vec::as_slice).unwrap_or_default();
    ids.iter()
        .filter_map(|id| Some(id.as_str()?.to_owned()))
        .collect()
}

#[test]
fn every_vector_is_reproduced_from_standard_input() {
    let cases = vectors();
    assert!(!cases.is_empty(), "schulze_vectors.json holds no cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let output = tally(&[], &case.to_string());
        if !output.status.success() {
            failures.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
            continue;
        }
        let result: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
        let expect = &case["expect"];
        if !expect["winners"].is_null() && as_set(&result["winners"]) != as_set(&expect["winners"])
        {
            failures.push(format!("{name}: winners {}", result["winners"]));
        }
        if as_sets(&result["ranking"]) != as_sets(&expect["ranking"]) {
            failures.push(format!("{name}: ranking {}", result["ranking"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_file_recounted_with_a_seed_prints_exactly_what_the_library_computes() {
    let case = &vectors()[0];
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tally_cli_case.json");
    std::fs::write(&path, case.to_string()).expect("the test directory is writable");
    let seed = "00112233445566778899aabbccddeeff";
    let output = tally(
        &[
            path.to_str().expect("a UTF-8 path"),
            "--variant",
            "margin",
            "--seed",
            seed,
        ],
        "",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let input = serde_json::from_value(case.clone()).expect("a vector is a tally input");
    let expected = app::tally::recount(
        &input,
        Some("margin".parse().expect("a variant")),
        Some(seed.parse().expect("a seed")),
    )
    .expect("the vector is valid");
    let expected = serde_json::to_string_pretty(&expected).expect("serializes") + "\n";
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

#[test]
fn invalid_input_exits_with_status_2_and_one_line_naming_the_problem() {
    let valid = r#"{"candidates": ["A", "B"], "ballots": []}"#;
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &[],
            "{\"candidates\": [",
            "standard input is not a ballot file",
        ),
        (
            &[],
            r#"{"candidates": ["A"], "ballots": [{"ranking": [["Z"]]}]}"#,
            r#"unknown option "Z""#,
        ),
        (&["--seed", "not-hex"], valid, "--seed:"),
        (
            &["--variant", "borda"],
            valid,
            r#"--variant: unknown variant "borda""#,
        ),
        (
            &["/nonexistent/ballots.json"],
            "",
            "cannot read /nonexistent/ballots.json",
        ),
    ];
    for (args, stdin, problem) in cases {
        let output = tally(args, stdin);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
        assert!(
            stderr.contains(problem),
            "{args:?}: {stderr:?} does not say {problem:?}"
        );
        assert!(output.stdout.is_empty(), "{args:?} printed a result");
    }
}
