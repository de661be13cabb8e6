//! An election over some of its candidates (docs/tally.md, "Eligibility"): the candidates kept
//! and every ballot restricted to them, each keeping its order among the kept options. Schulze
//! then runs on that profile, so an option that may not win neither wins nor lends strength to a
//! path between two that may (this is not "the best eligible option of the full result").

use super::{BallotInput, TallyInput};

impl TallyInput {
    /// The same ballots over the candidates named in `eligible` only (others are ignored);
    /// tiers left empty are dropped. With every candidate eligible it equals `self`, so the
    /// result, seed and tie-break are exactly the unrestricted ones.
    pub fn restricted_to<S: AsRef<str>>(&self, eligible: &[S]) -> TallyInput {
        let keep = |id: &String| eligible.iter().any(|e| e.as_ref() == id);
        TallyInput {
            candidates: self
                .candidates
                .iter()
                .filter(|c| keep(c))
                .cloned()
                .collect(),
            ballots: self
                .ballots
                .iter()
                .map(|ballot| BallotInput {
                    id: ballot.id.clone(),
                    ranking: ballot
                        .ranking
                        .iter()
                        .map(|tier| tier.iter().filter(|c| keep(c)).cloned().collect::<Vec<_>>())
                        .filter(|tier| !tier.is_empty())
                        .collect(),
                    count: ballot.count,
                })
                .collect(),
            variant: self.variant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballot(id: &str, tiers: &[&[&str]]) -> BallotInput {
        BallotInput {
            id: Some(id.to_owned()),
            ranking: tiers
                .iter()
                .map(|tier| tier.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
            count: 1,
        }
    }

    #[test]
    fn a_restricted_ballot_keeps_its_order_among_the_kept_options() {
        let input = TallyInput {
            candidates: vec!["A".into(), "B".into(), "C".into()],
            ballots: vec![
                ballot("ann", &[&["B"], &["A", "C"]]),
                ballot("bob", &[&["B"]]),
            ],
            variant: None,
        };
        let restricted = input.restricted_to(&["A", "C"]);
        assert_eq!(restricted.candidates, ["A", "C"]);
        assert_eq!(
            restricted.ballots[0].ranking,
            [vec!["A".to_owned(), "C".to_owned()]]
        );
        assert!(
            restricted.ballots[1].ranking.is_empty(),
            "bob ranked only B"
        );
        assert_eq!(input.restricted_to(&["A", "B", "C"]), input);
    }
}
