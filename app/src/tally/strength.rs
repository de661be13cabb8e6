//! Link strengths for the three variants (docs/tally.md "Link strength (variants)"), each encoded as one
//! `u64` whose natural order is the variant's order of strength; 0 means no link.

use serde::Serialize;

use super::{Variant, matrix::Matrix};

/// The strengths of all links `a→b`, from the pairwise matrix `d` and the total count `V`.
pub(crate) fn links(pairwise: &Matrix, variant: Variant, total: u64) -> Matrix {
    let n = pairwise.size();
    let mut links = Matrix::zero(n);
    for a in 0..n {
        for b in 0..n {
            let (support, opposition) = (pairwise.get(a, b), pairwise.get(b, a));
            // A link exists only on a strict pairwise majority; a tie is no link either way.
            if support > opposition {
                links.set(a, b, encode(variant, support, opposition, total));
            }
        }
    }
    links
}

/// Requires `support > opposition` and `support ≤ total ≤ MAX_TOTAL_COUNT`, so nothing overflows
/// and every link is stronger than "no link" (0).
fn encode(variant: Variant, support: u64, opposition: u64, total: u64) -> u64 {
    match variant {
        // Support first; at equal support the smaller opposition is stronger.
        Variant::WinningLex => support * (total + 1) + (total - opposition),
        Variant::Winning => support,
        Variant::Margin => support - opposition,
    }
}

/// A link or path strength as people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Strength {
    /// `winning` (votes in support) and `margin` (support minus opposition). 0: no path.
    Votes(u64),
    /// `winning_lex`, serialized as `[support, opposition]`. `[0, 0]`: no path.
    SupportOpposition(u64, u64),
}

impl Strength {
    /// Reverses [`encode`] for an encoded link or path strength.
    pub(crate) fn decode(encoded: u64, variant: Variant, total: u64) -> Self {
        match variant {
            Variant::WinningLex if encoded == 0 => Strength::SupportOpposition(0, 0),
            Variant::WinningLex => {
                Strength::SupportOpposition(encoded / (total + 1), total - encoded % (total + 1))
            }
            Variant::Winning | Variant::Margin => Strength::Votes(encoded),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winning_lex_prefers_more_support_then_less_opposition() {
        let total = 10;
        let strong = encode(Variant::WinningLex, 6, 1, total);
        let weaker = encode(Variant::WinningLex, 6, 3, total);
        let weakest = encode(Variant::WinningLex, 5, 0, total);
        assert!(strong > weaker && weaker > weakest && weakest > 0);
    }

    #[test]
    fn winning_lex_strengths_decode_to_support_and_opposition() {
        let encoded = encode(Variant::WinningLex, 7, 2, 12);
        assert_eq!(
            Strength::decode(encoded, Variant::WinningLex, 12),
            Strength::SupportOpposition(7, 2)
        );
    }

    #[test]
    fn the_largest_winning_lex_strength_fits_in_a_u64() {
        let total = crate::tally::MAX_TOTAL_COUNT;
        assert_eq!(encode(Variant::WinningLex, total, 0, total), u64::MAX);
    }
}
