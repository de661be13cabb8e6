//! `mealvote tally [FILE] [--variant V] [--seed HEX]`: re-count an exported ballot file.
//!
//! Reads JSON in the shape of the test vectors (`app/tests/data/schulze_vectors.json`) and prints
//! the re-count as pretty JSON (see `docs/tally.md`). Any problem with the input is one line on stderr and exit status 2.

use std::{
    io::{self, Read, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use app::tally::{
    self, RecountOutput, Seed, SeedError, TallyError, TallyInput, UnknownVariant, Variant,
};

use crate::closing::count::BallotFile;

#[derive(clap::Args, Debug)]
pub struct TallyArgs {
    /// The ballot file (JSON: `candidates`, `ballots`, optional `variant`); stdin when absent or `-`.
    file: Option<PathBuf>,
    /// Link strength: winning_lex, winning or margin [default: the file's, else winning_lex].
    #[arg(long)]
    variant: Option<String>,
    /// Tie-break seed, 32 hex digits: adds the tie-broken `order`, its record and explanation.
    #[arg(long)]
    seed: Option<String>,
    /// Like --seed, with the seed derived from the file itself (a mealvote ballot file: its
    /// `slot`, `closed_at_ms`, `salt` and ballots); refused when the file's `seed` is another.
    #[arg(long, conflicts_with = "seed")]
    derive_seed: bool,
}

/// Invalid input, each message on one line.
#[derive(Debug, thiserror::Error)]
enum InputError {
    #[error("cannot read {source_name}: {error}")]
    Read {
        source_name: String,
        error: io::Error,
    },
    #[error("{source_name} is not a ballot file: {error}")]
    Json {
        source_name: String,
        error: serde_json::Error,
    },
    #[error("--variant: {0}")]
    Variant(#[from] UnknownVariant),
    #[error("--seed: {0}")]
    Seed(#[from] SeedError),
    #[error(transparent)]
    Tally(#[from] TallyError),
    #[error(
        "the file's seed is {stated}, but its slot, close time, salt and ballots give {derived}"
    )]
    SeedMismatch { stated: Seed, derived: Seed },
}

/// How the tie-break seed is chosen.
enum SeedFrom {
    None,
    Given(Seed),
    /// Derived from the ballot file ([`BallotFile::derived_seed`]).
    File,
}

pub fn run(args: TallyArgs) -> ExitCode {
    let output = match recount(&args) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("mealvote tally: {error}");
            return ExitCode::from(2);
        }
    };
    match print(&output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mealvote tally: cannot write the result: {error}");
            ExitCode::FAILURE
        }
    }
}

fn recount(args: &TallyArgs) -> Result<RecountOutput, InputError> {
    // Flags first, so a typo is reported before a large file is read.
    let variant = args.variant.as_deref().map(str::parse).transpose()?;
    let seed = match args.seed.as_deref().map(str::parse).transpose()? {
        Some(seed) => SeedFrom::Given(seed),
        None if args.derive_seed => SeedFrom::File,
        None => SeedFrom::None,
    };
    let (source_name, text) = read(args.file.as_deref())?;
    count(source_name, &text, variant, seed)
}

fn read(file: Option<&Path>) -> Result<(String, String), InputError> {
    let (source_name, text) = match file.filter(|path| *path != Path::new("-")) {
        Some(path) => (path.display().to_string(), std::fs::read_to_string(path)),
        None => {
            let mut text = String::new();
            let read = io::stdin().read_to_string(&mut text).map(|_| text);
            ("standard input".to_owned(), read)
        }
    };
    match text {
        Ok(text) => Ok((source_name, text)),
        Err(error) => Err(InputError::Read { source_name, error }),
    }
}

fn count(
    source_name: String,
    text: &str,
    variant: Option<Variant>,
    seed: SeedFrom,
) -> Result<RecountOutput, InputError> {
    let json = |error| InputError::Json { source_name, error };
    let parse = |text: &str| -> Result<TallyInput, serde_json::Error> {
        let envelope: Envelope = serde_json::from_str(text)?;
        let input: TallyInput = serde_json::from_str(text)?;
        Ok(match envelope.eligibility {
            Some(eligibility) => input.restricted_to(&eligibility.eligible),
            None => input,
        })
    };
    let (input, seed) = match seed {
        SeedFrom::None => (parse(text).map_err(json)?, None),
        SeedFrom::Given(seed) => (parse(text).map_err(json)?, Some(seed)),
        SeedFrom::File => {
            let file: BallotFile = serde_json::from_str(text).map_err(json)?;
            let derived = file.derived_seed()?;
            if derived != file.seed {
                return Err(InputError::SeedMismatch {
                    stated: file.seed,
                    derived,
                });
            }
            (file.counted_input(), Some(derived))
        }
    };
    Ok(tally::recount(&input, variant, seed)?)
}

/// What a ballot file says beside the tally's input: a format-2 file is counted over its
/// eligible options only (docs/tally.md, "Eligibility"); a test vector or a format-1 file has
/// no `eligibility` and is counted as it is.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    eligibility: Option<EligibleOnly>,
}

#[derive(serde::Deserialize)]
struct EligibleOnly {
    eligible: Vec<String>,
}

fn print(output: &RecountOutput) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, output)?;
    writeln!(stdout)?;
    stdout.flush()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ONE_BALLOT: &str =
        r#"{"candidates": ["A", "B"], "ballots": [{"ranking": [["A"], ["B"]]}]}"#;

    fn message(error: InputError) -> String {
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message:?} spans lines");
        message
    }

    #[test]
    fn a_ballot_file_is_recounted_with_the_requested_variant_and_seed() {
        let seed: Seed = "000102030405060708090a0b0c0d0e0f"
            .parse()
            .expect("a valid seed");
        let output = count(
            "test".into(),
            ONE_BALLOT,
            Some(Variant::Margin),
            SeedFrom::Given(seed),
        );
        let json = serde_json::to_value(output.expect("valid input")).expect("serializes");
        assert_eq!(json["variant"], "margin");
        assert_eq!(json["winners"], json!(["A"]));
        assert_eq!(json["order"], json!(["A", "B"]));
        assert_eq!(
            json["tie_break"]["seed"],
            "000102030405060708090a0b0c0d0e0f"
        );
    }

    #[test]
    fn a_ballot_files_seed_is_derived_from_it_and_a_changed_seed_or_salt_is_refused() {
        let file = json!({
            "candidates": ["A", "B"],
            "ballots": [{"id": "ann", "ranking": [["A"]]}, {"id": "bob", "ranking": [["B"]]}],
            "variant": "winning_lex",
            "slot": "slot-1",
            "closed_at_ms": 1_700_000_000_000_i64,
            "seed": "00000000000000000000000000000000",
            "salt": "00112233445566778899aabbccddeeff",
            "options": {"A": "Soup", "B": "Pasta"},
        });
        let parsed: BallotFile = serde_json::from_value(file.clone()).unwrap();
        let derived = parsed.derived_seed().unwrap();
        let mut honest = file.clone();
        honest["seed"] = json!(derived.to_string());
        let output = count("f".into(), &honest.to_string(), None, SeedFrom::File);
        let json = serde_json::to_value(output.expect("the seed derives")).unwrap();
        assert_eq!(json["tie_break"]["seed"], derived.to_string());
        assert_eq!(json["order"].as_array().map(Vec::len), Some(2));

        // The stated seed is checked against the file, so a salt or seed changed after the close
        // is caught: either one alone no longer matches.
        let error = count("f".into(), &file.to_string(), None, SeedFrom::File);
        let error = message(error.expect_err("a seed that does not derive"));
        assert!(error.starts_with("the file's seed is 00000000"), "{error}");
        let mut resalted = honest.clone();
        resalted["salt"] = json!("ffffffffffffffffffffffffffffffff");
        let error = count("f".into(), &resalted.to_string(), None, SeedFrom::File);
        assert!(matches!(error, Err(InputError::SeedMismatch { .. })));

        let error = count("f".into(), ONE_BALLOT, None, SeedFrom::File);
        let error = message(error.expect_err("not a mealvote ballot file"));
        assert!(
            error.starts_with("f is not a ballot file: missing field"),
            "{error}"
        );
    }

    /// A format-2 file is counted over its eligible options only, every ballot restricted to
    /// them; the same ballots without `eligibility` (format 1) are counted as they are.
    #[test]
    fn a_format_2_file_is_counted_over_its_eligible_options_and_format_1_as_before() {
        let mut file = json!({
            "format": 2,
            "candidates": ["A", "B", "C"],
            "ballots": [
                {"id": "ann", "ranking": [["A"], ["C"], ["B"]]},
                {"id": "bob", "ranking": [["A"], ["C"], ["B"]]},
                {"id": "cy", "ranking": [["B"], ["C"], ["A"]]},
            ],
            "variant": "winning_lex",
            "slot": "slot-2",
            "closed_at_ms": 1_700_000_000_000_i64,
            "seed": "00000000000000000000000000000000",
            "salt": "00112233445566778899aabbccddeeff",
            "options": {"A": "Curry", "B": "Pasta", "C": "Soup"},
            "attendance": {"attendees": ["ann", "bob", "cy"], "out": {"dee": "Dee"}, "guests": 0},
            "eligibility": {"eligible": ["B", "C"], "repeats_excluded": ["A"], "fell_back": false},
        });
        let parsed: BallotFile = serde_json::from_value(file.clone()).unwrap();
        file["seed"] = json!(parsed.derived_seed().unwrap().to_string());
        for seed in [SeedFrom::File, SeedFrom::None] {
            let output = count("f".into(), &file.to_string(), None, seed).expect("counts");
            let json = serde_json::to_value(output).unwrap();
            assert_eq!(json["winners"], json!(["C"]), "Curry could not win");
            assert_eq!(json["ranking"], json!([["C"], ["B"]]));
        }
        let mut version_one = file.clone();
        let object = version_one.as_object_mut().unwrap();
        for field in ["format", "attendance", "eligibility"] {
            object.remove(field);
        }
        let output = count("f".into(), &version_one.to_string(), None, SeedFrom::File);
        let json = serde_json::to_value(output.expect("a format-1 file")).unwrap();
        assert_eq!(json["winners"], json!(["A"]));
        assert_eq!(json["order"], json!(["A", "C", "B"]));
    }

    #[test]
    fn bad_json_and_unknown_options_are_named_in_one_line() {
        let error = count(
            "votes.json".into(),
            "{\"candidates\": [",
            None,
            SeedFrom::None,
        );
        let error = message(error.expect_err("truncated JSON"));
        assert!(
            error.starts_with("votes.json is not a ballot file: EOF"),
            "{error}"
        );

        let unknown = r#"{"candidates": ["A"], "ballots": [{"ranking": [["Z"]]}]}"#;
        let error =
            message(count("votes.json".into(), unknown, None, SeedFrom::None).expect_err("Z"));
        assert_eq!(error, r#"ballot #1 names unknown option "Z""#);
    }

    #[test]
    fn bad_flags_are_named_before_the_file_is_read() {
        let args = |variant: &str, seed: &str| TallyArgs {
            file: Some(PathBuf::from("/nonexistent/ballots.json")),
            variant: Some(variant.into()),
            seed: Some(seed.into()),
            derive_seed: false,
        };
        let zeros = "0".repeat(32);
        let error = message(recount(&args("borda", &zeros)).expect_err("borda"));
        assert!(
            error.starts_with(r#"--variant: unknown variant "borda""#),
            "{error}"
        );
        let error = message(recount(&args("margin", "12ab")).expect_err("short seed"));
        assert_eq!(error, "--seed: a seed must be 32 hex digits, not 4");
        let error = message(recount(&args("margin", &zeros)).expect_err("no file"));
        assert!(
            error.starts_with("cannot read /nonexistent/ballots.json: "),
            "{error}"
        );
    }
}
