//! "If voting closed now": the shared Schulze tally over the other members' ballots and the
//! viewer's draft. Runs in the browser on every edit (no server round trip) and on the server
//! for the first paint, with the same code the server finalizes with.

use crate::tally::{Ballot, BallotId, CandidateId, Election, Variant};

use super::{MemberBallot, OptionView, Ranking};
use crate::ids::OptionId;

/// The eligible options' tiers, best first, as indices into `options`; options in one tier are
/// tied and listed in the slot's order. `excluded` options cannot win (an earlier meal of a
/// no-repeat plan won them, `super::eligibility`): they are left out and every ballot is
/// restricted to the others, as the close counts them. Ballot entries naming no option of the
/// slot are ignored.
pub fn preview(
    options: &[OptionView],
    others: &[MemberBallot],
    draft: &Ranking,
    excluded: &[OptionId],
) -> Vec<Vec<usize>> {
    let eligible: Vec<usize> = (0..options.len())
        .filter(|&i| !excluded.contains(&options[i].id))
        .collect();
    let Ok(candidates) = eligible
        .iter()
        .map(|&i| CandidateId::new(options[i].id.as_str()))
        .collect::<Result<Vec<_>, _>>()
    else {
        return vec![eligible];
    };
    let ballot = |id: String, ranking: &Ranking| Ballot {
        id: BallotId::new(id),
        ranking: ranking
            .tiers()
            .iter()
            .map(|tier| {
                tier.iter()
                    .filter_map(|option| candidates.iter().find(|c| c.as_str() == option.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|tier| !tier.is_empty())
            .collect(),
        count: 1,
    };
    let ballots: Vec<Ballot> = others
        .iter()
        .enumerate()
        .map(|(i, other)| ballot(format!("member-{i}"), &other.ranking))
        .chain(std::iter::once(ballot("draft".to_owned(), draft)))
        .collect();
    let Ok(election) = Election::new(candidates.clone(), &ballots) else {
        return vec![eligible];
    };
    election
        .tally(Variant::WinningLex)
        .ranking()
        .into_iter()
        .map(|tier| {
            let mut tier: Vec<usize> = tier
                .iter()
                .filter_map(|c| options.iter().position(|o| o.id.as_str() == c.as_str()))
                .collect();
            // Tied options in the slot's order, not the tally's order of ids.
            tier.sort_unstable();
            tier
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(name: &str, i: usize) -> OptionView {
        OptionView {
            id: OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap(),
            name: name.to_owned(),
            note: None,
            link: None,
        }
    }

    #[test]
    fn the_draft_counts_with_the_other_ballots() {
        let options = vec![option("Pasta", 0), option("Curry", 1), option("Soup", 2)];
        let pick = |i: usize| Ranking(vec![vec![options[i].id.clone()]]);
        let others = vec![MemberBallot {
            member: "Ann".into(),
            ranking: pick(1),
        }];
        // Ann prefers curry; a draft for pasta makes it a tie between the two, above soup.
        assert_eq!(
            preview(&options, &others, &pick(0), &[]),
            vec![vec![0, 1], vec![2]]
        );
        // Agreeing with Ann makes curry win outright.
        assert_eq!(
            preview(&options, &others, &pick(1), &[]),
            vec![vec![1], vec![0, 2]]
        );
    }

    #[test]
    fn an_excluded_option_never_shows_as_a_winner_and_lends_no_path() {
        let options = vec![option("Pasta", 0), option("Curry", 1), option("Soup", 2)];
        let pick = |i: usize| Ranking(vec![vec![options[i].id.clone()]]);
        let others = vec![MemberBallot {
            member: "Ann".into(),
            ranking: Ranking(vec![
                vec![options[1].id.clone()],
                vec![options[2].id.clone()],
            ]),
        }];
        // Curry won an earlier meal: Soup, Ann's next choice, leads; Curry is not listed.
        let excluded = [options[1].id.clone()];
        assert_eq!(
            preview(&options, &others, &Ranking::default(), &excluded),
            vec![vec![2], vec![0]]
        );
        assert_eq!(
            preview(&options, &others, &pick(0), &excluded),
            vec![vec![0, 2]]
        );
    }

    #[test]
    fn with_no_ballots_every_option_ties() {
        let options = vec![option("Pasta", 0), option("Curry", 1)];
        assert_eq!(
            preview(&options, &[], &Ranking::default(), &[]),
            vec![vec![0, 1]]
        );
    }
}
