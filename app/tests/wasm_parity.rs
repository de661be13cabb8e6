//! The wasm half of the parity check (SPEC: the browser and the server compute the same bytes).
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
    const RUNS: u32 = 500;
    let preview = || {
        let election = Election::try_from(&input).expect("profile 9 is valid");
        std::hint::black_box(election.tally(Variant::WinningLex).finalize(seed));
    };
    // Warm up first: the engine compiles hot wasm functions again once they run often.
    (0..RUNS).for_each(|_| preview());
    let start = now();
    (0..RUNS).for_each(|_| preview());
    let micros = (now() - start) * 1000.0 / f64::from(RUNS);
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimised"
    };
    console_log!(
        "timing wasm ({build} build): {} ballots x {} options, validate + tally + finalize: {micros:.1} µs",
        input.ballots.len(),
        input.candidates.len()
    );
}
