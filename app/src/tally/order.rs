//! Peeling options off the beats relation (docs/tally.md "Outcome"): by layers for the tiers, one at a
//! time for the tie-broken order. Both repeatedly take options no remaining option beats.

use super::matrix::Matrix;

/// Tier 1 = options nobody beats; remove them; tier 2 = options no remaining option beats; …
/// Each tier lists candidate indices in ascending order.
pub(crate) fn tiers_by_layers(paths: &Matrix) -> Vec<Vec<usize>> {
    let mut remaining = Remaining::new(paths);
    let mut tiers = Vec::new();
    while !remaining.is_empty() {
        let tier = remaining.unbeaten();
        for &option in &tier {
            remaining.remove(option);
        }
        tiers.push(tier);
    }
    tiers
}

/// The options not yet placed, each with how many of them beat it.
pub(crate) struct Remaining<'p> {
    paths: &'p Matrix,
    beaten_by: Vec<usize>,
    left: Vec<bool>,
    count: usize,
}

impl<'p> Remaining<'p> {
    pub fn new(paths: &'p Matrix) -> Self {
        let n = paths.size();
        let beaten_by = (0..n)
            .map(|b| (0..n).filter(|&a| paths.beats(a, b)).count())
            .collect();
        Self {
            paths,
            beaten_by,
            left: vec![true; n],
            count: n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Remaining options no remaining option beats, ascending. Never empty while options remain:
    /// the beats relation is a strict partial order (Schulze 2011, §4.1), so a finite set of
    /// options always has an unbeaten one.
    pub fn unbeaten(&self) -> Vec<usize> {
        (0..self.left.len())
            .filter(|&c| self.left[c] && self.beaten_by[c] == 0)
            .collect()
    }

    pub fn remove(&mut self, option: usize) {
        self.left[option] = false;
        self.count -= 1;
        for (beaten, count) in self.beaten_by.iter_mut().enumerate() {
            if self.paths.beats(option, beaten) {
                *count -= 1;
            }
        }
    }
}
