//! The ranking board's state: the slot's options in one list with a "no opinion" divider.
//!
//! Options above the divider are ranked, best first; an option marked `tied` shares its tier with
//! the one above it. Options below the divider are unranked ("no opinion"). Every edit — a drag,
//! a move-up/down button, a keyboard shortcut, a tie toggle — is a change of this list, and
//! [`Board::ranking`] turns it into the ballot. Pure code, so it is tested natively and runs the
//! same in the browser.

use crate::{ids::OptionId, plans::Ranking};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Option { id: OptionId, tied: bool },
    Divider,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    rows: Vec<Row>,
}

impl Board {
    /// The saved ballot's order (tied options in the slot's order), with the options it leaves
    /// out below the divider (in the slot's order). Without a ballot, everything starts below the divider.
    pub fn new(options: &[OptionId], saved: Option<&Ranking>) -> Self {
        let mut rows = Vec::with_capacity(options.len() + 1);
        if let Some(ranking) = saved {
            for tier in ranking.tiers() {
                // A tier is a set; its members are shown in the slot's order, so a saved tie
                // reads the same on every load whatever order the form listed it in.
                for (i, id) in options.iter().filter(|id| tier.contains(id)).enumerate() {
                    rows.push(Row::Option {
                        id: id.clone(),
                        tied: i > 0,
                    });
                }
            }
        }
        rows.push(Row::Divider);
        for id in options {
            if !saved.is_some_and(|ranking| ranking.contains(id)) {
                rows.push(Row::Option {
                    id: id.clone(),
                    tied: false,
                });
            }
        }
        let mut board = Self { rows };
        board.normalize();
        board
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Where the divider is: the number of ranked options.
    pub fn divider(&self) -> usize {
        self.rows
            .iter()
            .position(|row| *row == Row::Divider)
            .unwrap_or(self.rows.len())
    }

    /// Moves the row at `from` to `to` (both row indices). A moved option leaves any tie.
    pub fn move_row(&mut self, from: usize, to: usize) {
        if from >= self.rows.len() || to >= self.rows.len() || from == to {
            return;
        }
        let mut row = self.rows.remove(from);
        if let Row::Option { tied, .. } = &mut row {
            *tied = false;
        }
        self.rows.insert(to, row);
        self.normalize();
    }

    pub fn move_up(&mut self, index: usize) {
        if index > 0 {
            self.move_row(index, index - 1);
        }
    }

    pub fn move_down(&mut self, index: usize) {
        self.move_row(index, index + 1);
    }

    /// Ties the option at `index` with the one above it, or unties it. Only a ranked option below
    /// another ranked option can tie.
    pub fn toggle_tie(&mut self, index: usize) {
        if self.can_tie(index)
            && let Some(Row::Option { tied, .. }) = self.rows.get_mut(index)
        {
            *tied = !*tied;
        }
    }

    pub fn can_tie(&self, index: usize) -> bool {
        index > 0
            && index < self.divider()
            && matches!(self.rows.get(index - 1), Some(Row::Option { .. }))
    }

    /// The row index of an option.
    pub fn index_of(&self, option: &OptionId) -> Option<usize> {
        self.rows
            .iter()
            .position(|row| matches!(row, Row::Option { id, .. } if id == option))
    }

    /// The ballot this board shows.
    pub fn ranking(&self) -> Ranking {
        let mut tiers: Vec<Vec<OptionId>> = Vec::new();
        for row in &self.rows[..self.divider()] {
            if let Row::Option { id, tied } = row {
                match tiers.last_mut() {
                    Some(tier) if *tied => tier.push(id.clone()),
                    _ => tiers.push(vec![id.clone()]),
                }
            }
        }
        Ranking(tiers)
    }

    /// Where an option now stands, in the words the board's live region says after a move:
    /// "Pasta: 2nd.", "Pasta: tied 1st with Curry.", "Pasta: no opinion."
    pub fn place_words(&self, option: &OptionId, name: impl Fn(&OptionId) -> String) -> String {
        let tiers = self.ranking().0;
        let Some((place, tier)) = tiers
            .iter()
            .enumerate()
            .find(|(_, tier)| tier.contains(option))
        else {
            return format!("{}: no opinion.", name(option));
        };
        let others: Vec<String> = tier.iter().filter(|id| *id != option).map(&name).collect();
        let place = ordinal(place + 1);
        if others.is_empty() {
            format!("{}: {place}.", name(option))
        } else {
            format!(
                "{}: tied {place} with {}.",
                name(option),
                others.join(" and ")
            )
        }
    }

    /// Ties only between ranked neighbours: the first option and unranked ones stand alone.
    fn normalize(&mut self) {
        let divider = self.divider();
        for (index, row) in self.rows.iter_mut().enumerate() {
            if let Row::Option { tied, .. } = row
                && (index == 0 || index > divider)
            {
                *tied = false;
            }
        }
    }
}

/// "1st", "2nd", "3rd", "4th" … "11th", "12th", "13th", "21st".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<OptionId> {
        (0..n)
            .map(|i| OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap())
            .collect()
    }

    #[test]
    fn without_a_ballot_everything_starts_as_no_opinion() {
        let options = ids(3);
        let board = Board::new(&options, None);
        assert_eq!(board.divider(), 0);
        assert_eq!(board.ranking(), Ranking::default());
    }

    #[test]
    fn a_saved_ballot_comes_back_as_it_was_saved() {
        let options = ids(4);
        let saved = Ranking(vec![
            vec![options[2].clone()],
            vec![options[0].clone(), options[3].clone()],
        ]);
        let board = Board::new(&options, Some(&saved));
        assert_eq!(board.ranking(), saved);
        assert_eq!(board.divider(), 3);
        assert_eq!(board.index_of(&options[1]), Some(4));
    }

    #[test]
    fn moving_an_option_above_the_divider_ranks_it_and_below_unranks_it() {
        let options = ids(3);
        let mut board = Board::new(&options, None);
        // Rows: divider, 0, 1, 2. Option 1 moves up twice: past option 0, then past the divider.
        board.move_up(2);
        board.move_up(1);
        assert_eq!(board.ranking(), Ranking(vec![vec![options[1].clone()]]));
        board.move_down(0);
        assert_eq!(board.ranking(), Ranking::default());
    }

    #[test]
    fn ties_join_the_tier_above_and_a_moved_option_leaves_its_tie() {
        let options = ids(3);
        let saved = Ranking(vec![
            vec![options[0].clone()],
            vec![options[1].clone()],
            vec![options[2].clone()],
        ]);
        let mut board = Board::new(&options, Some(&saved));
        board.toggle_tie(1);
        assert_eq!(
            board.ranking().tiers(),
            [
                vec![options[0].clone(), options[1].clone()],
                vec![options[2].clone()]
            ]
        );
        // The first option cannot tie with anything above it; nor can an unranked one.
        board.toggle_tie(0);
        board.toggle_tie(4);
        assert_eq!(board.ranking().tiers().len(), 2);
        board.move_row(1, 2);
        assert_eq!(
            board.ranking(),
            saved.clone().with_order(&[0, 2, 1], &options)
        );
    }

    #[test]
    fn a_saved_tie_shows_in_the_slots_order_whatever_order_it_was_stored_in() {
        let options = ids(3);
        let saved = Ranking(vec![vec![options[2].clone(), options[0].clone()]]);
        let board = Board::new(&options, Some(&saved));
        assert_eq!(
            board.rows()[..2],
            [
                Row::Option {
                    id: options[0].clone(),
                    tied: false
                },
                Row::Option {
                    id: options[2].clone(),
                    tied: true
                },
            ]
        );
        assert_eq!(board.ranking().tiers().len(), 1);
    }

    #[test]
    fn after_a_move_the_board_says_where_the_option_now_stands() {
        let options = ids(3);
        let names = ["Pasta", "Curry", "Soup"];
        let name = |id: &OptionId| {
            let i = options.iter().position(|o| o == id).unwrap();
            names[i].to_owned()
        };
        let mut board = Board::new(&options, None);
        assert_eq!(board.place_words(&options[0], name), "Pasta: no opinion.");
        // Rows: divider, Pasta, Curry, Soup. Curry up twice ranks it first; Pasta follows it.
        board.move_up(2);
        board.move_up(1);
        assert_eq!(board.place_words(&options[1], name), "Curry: 1st.");
        board.move_up(2);
        assert_eq!(board.place_words(&options[0], name), "Pasta: 2nd.");
        board.toggle_tie(1);
        assert_eq!(
            board.place_words(&options[0], name),
            "Pasta: tied 1st with Curry."
        );
        board.move_up(3);
        board.toggle_tie(2);
        assert_eq!(
            board.place_words(&options[2], name),
            "Soup: tied 1st with Curry and Pasta."
        );
    }

    #[test]
    fn ordinals_read_as_english() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 112].map(ordinal).into();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "112th"
            ]
        );
    }

    impl Ranking {
        fn with_order(self, order: &[usize], options: &[OptionId]) -> Self {
            Ranking(order.iter().map(|&i| vec![options[i].clone()]).collect())
        }
    }
}
