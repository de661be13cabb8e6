//! Times the tally on random complete strict ballots (issue 3, "Benchmark").
//!
//! `cargo run --release -p app --example tally_bench -- V C` builds V ballots over C candidates
//! from a fixed-seed generator and prints one JSON line: nanoseconds per ballot for validation
//! and for the pairwise count, and milliseconds for the whole tally (pairwise count, strongest
//! paths, ranking). Each figure is the best of several runs, which filters out noise from other
//! processes on a shared machine.

use std::{
    hint::black_box,
    process::ExitCode,
    time::{Duration, Instant},
};

use app::tally::{Ballot, BallotId, CandidateId, Election, Variant};

const RUNS: usize = 7;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [voters, candidates] = match args.as_slice() {
        [v, c] => match (v.parse::<usize>(), c.parse::<usize>()) {
            (Ok(v), Ok(c)) if v > 0 && c > 0 => [v, c],
            _ => return usage(),
        },
        _ => return usage(),
    };
    let ballots = random_ballots(voters, candidates);
    let ids: Vec<CandidateId> = (0..candidates).map(candidate).collect();

    let parse = best_of(|| Election::new(ids.clone(), &ballots).map(|e| e.total_count()));
    let election = match Election::new(ids.clone(), &ballots) {
        Ok(election) => election,
        Err(e) => {
            eprintln!("tally_bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pairwise = best_of(|| election.pairwise());
    let total = best_of(|| election.tally(Variant::WinningLex).ranking());

    let per_ballot = |d: Duration| d.as_secs_f64() * 1e9 / voters as f64;
    println!(
        "{{\"v\":{voters},\"c\":{candidates},\"parse_ns_per_ballot\":{:.1},\"pairwise_ns_per_ballot\":{:.1},\"total_ms\":{:.3}}}",
        per_ballot(parse),
        per_ballot(pairwise),
        total.as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: tally_bench VOTERS CANDIDATES (both positive integers)");
    ExitCode::from(2)
}

fn best_of<T>(mut work: impl FnMut() -> T) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn candidate(index: usize) -> CandidateId {
    CandidateId::new(format!("option-{index:03}")).expect("a non-empty id")
}

/// Complete strict ballots: each a uniformly random permutation (Fisher–Yates).
fn random_ballots(voters: usize, candidates: usize) -> Vec<Ballot> {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    (0..voters)
        .map(|voter| {
            let mut order: Vec<usize> = (0..candidates).collect();
            for i in (1..candidates).rev() {
                order.swap(i, random.below(i + 1));
            }
            Ballot {
                id: BallotId::new(format!("voter-{voter}")),
                ranking: order.into_iter().map(|c| vec![candidate(c)]).collect(),
                count: 1,
            }
        })
        .collect()
}

/// xorshift64 (Marsaglia 2003): enough randomness for a benchmark, and no dependency.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}
