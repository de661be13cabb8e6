//! The wasm half of the parity check (docs/tally.md: the browser and the server compute the same bytes).
//! It prints one `parity` line per profile; `scripts/test-wasm-parity` runs it under node with
//! `--nocapture` and compares the lines with the native `tally_parity` example's.
#![cfg(target_arch = "wasm32")]

#[path = "../examples/tally_parity/profiles.rs"]
mod profiles;

use app::tally::{Election, Seed, TallyInput, Variant};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen]
extern "C" {
    /// Milliseconds with sub-millisecond resolution (`Instant` does not exist on wasm32).
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

/// Microseconds per call of `run`, over 500 calls after as many to warm up: the engine compiles
/// hot wasm functions again once they run often.
fn micros_per_run(mut run: impl FnMut()) -> f64 {
    const RUNS: u32 = 500;
    (0..RUNS).for_each(|_| run());
    let start = now();
    (0..RUNS).for_each(|_| run());
    (now() - start) * 1000.0 / f64::from(RUNS)
}

/// Which build a timing is of: only an optimised one gives a meaningful figure.
fn build() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimised"
    }
}

#[wasm_bindgen_test]
fn every_profile_prints_its_recount() {
    for index in 0..profiles::PROFILES {
        console_log!("{}", profiles::parity_line(index));
    }
}

/// Prints (does not assert) how long the browser preview takes: 20 ballots × 30 options. Only an
/// optimised build (`--release`) gives a meaningful figure.
#[wasm_bindgen_test]
fn the_preview_of_20_ballots_by_30_options_is_timed() {
    let (input, _, seed): (TallyInput, Variant, Seed) = profiles::profile(9);
    let micros = micros_per_run(|| {
        let election = Election::try_from(&input).expect("profile 9 is valid");
        std::hint::black_box(election.tally(Variant::WinningLex).finalize(seed));
    });
    let build = build();
    console_log!(
        "timing wasm ({build} build): {} ballots x {} options, validate + tally + finalize: {micros:.1} µs",
        input.ballots.len(),
        input.candidates.len()
    );
}

/// Prints how long the ranking board's preview (`app::plans::preview`, what runs on every edit)
/// takes for 20 ballots × 20 options: 19 other members' ballots plus the draft.
#[wasm_bindgen_test]
fn the_ranking_boards_preview_of_20_ballots_by_20_options_is_timed() {
    use app::{
        ids::OptionId,
        plans::{MemberBallot, OptionView, Ranking, preview},
    };
    let options: Vec<OptionView> = (0..20)
        .map(|i| OptionView {
            id: OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap(),
            name: format!("Dish {i}"),
            note: None,
            link: None,
        })
        .collect();
    // Each member ranks the options in a rotated order, with a tie and some left unranked.
    let ranking = |shift: usize| {
        let ids: Vec<OptionId> = (0..20)
            .map(|i| options[(i + shift) % 20].id.clone())
            .collect();
        let mut tiers: Vec<Vec<OptionId>> = ids[..15].iter().map(|id| vec![id.clone()]).collect();
        tiers[3].push(ids[15].clone());
        Ranking(tiers)
    };
    let others: Vec<MemberBallot> = (0..19)
        .map(|m| MemberBallot {
            member: format!("member {m}"),
            ranking: ranking(m * 7),
        })
        .collect();
    let draft = ranking(3);
    let micros = micros_per_run(|| {
        std::hint::black_box(preview(&options, &others, &draft, &[]));
    });
    let build = build();
    console_log!(
        "timing wasm ({build} build): ranking board preview, 20 ballots x 20 options: {micros:.1} µs"
    );
}
