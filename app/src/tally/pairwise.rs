//! The pairwise matrix `d[a][b]` (docs/tally.md "Pairwise matrix"), counted for speed.
//!
//! Each ballot is a row of `u8` ranks padded to whole lanes. For every option `a` the row is
//! compared with `a`'s own rank in one branch-free pass, which the compiler turns into SIMD
//! compares, and the result is added into `u8` counters. Those counters hold up to 255 votes, so
//! ballots are counted in blocks whose weights sum to at most 255 and each block is then added
//! into the `u64` totals.

use super::{Election, matrix::Matrix};

pub(crate) fn count(election: &Election) -> Matrix {
    let n = election.candidates().len();
    let mut totals = Matrix::zero(n);
    let mut block = Block::new(n, election.width());
    for (row, count) in election.padded_rows() {
        match u8::try_from(count) {
            Ok(weight) => {
                if !block.has_room_for(weight) {
                    block.drain_into(&mut totals);
                }
                block.add(row, weight);
            }
            // Rare outside re-counts of grouped ballot files: count the ballot directly.
            Err(_) => add_heavy(&mut totals, row, count),
        }
    }
    block.drain_into(&mut totals);
    totals
}

/// `u8` counters for a block of ballots whose weights sum to at most 255.
struct Block {
    n: usize,
    width: usize,
    /// `counts[a * width + b]`: weight in this block ranking `a` above `b`.
    counts: Vec<u8>,
    used: u8,
}

impl Block {
    fn new(n: usize, width: usize) -> Self {
        Self {
            n,
            width,
            counts: vec![0; n * width],
            used: 0,
        }
    }

    fn has_room_for(&self, weight: u8) -> bool {
        self.used.checked_add(weight).is_some()
    }

    fn add(&mut self, row: &[u8], weight: u8) {
        self.used += weight;
        for (counts, &own) in self.counts.chunks_exact_mut(self.width).zip(row) {
            // `a` is ranked above `b` when `b`'s rank number is larger.
            for (count, &other) in counts.iter_mut().zip(row) {
                *count += if other > own { weight } else { 0 };
            }
        }
    }

    fn drain_into(&mut self, totals: &mut Matrix) {
        if self.used == 0 {
            return;
        }
        for (a, counts) in self.counts.chunks_exact_mut(self.width).enumerate() {
            for (total, count) in totals.row_mut(a).iter_mut().zip(&mut counts[..self.n]) {
                *total += u64::from(*count);
                *count = 0;
            }
        }
        self.used = 0;
    }
}

fn add_heavy(totals: &mut Matrix, row: &[u8], count: u64) {
    for (a, &own) in row.iter().take(totals.size()).enumerate() {
        for (total, &other) in totals.row_mut(a).iter_mut().zip(row) {
            if other > own {
                *total += count;
            }
        }
    }
}
