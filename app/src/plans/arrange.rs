//! Starting a board from rankings the member already made, without saving anything: the same
//! ranking carried from another meal ("Same as Mon 23 Nov · dinner", "Use this ranking for all
//! meals"), or a new ballot arranged from their past rankings of the same dishes. Meals have their
//! own option ids, so rankings travel by dish.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Ranking;
use crate::ids::{DishId, OptionId};

/// How many of the member's latest ballots (in earlier plans) a new board is arranged from.
pub const PAST_BALLOTS: i64 = 20;

/// A meal's options as dishes.
pub type OptionDishes = [(OptionId, DishId)];

/// A saved ballot told in dishes: tiers best first, and every dish the meal offered (an offered
/// dish the tiers leave out was "no opinion").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PastBallot {
    pub tiers: Vec<Vec<DishId>>,
    pub offered: Vec<DishId>,
}

impl PastBallot {
    /// `ranking` of a meal whose options are `options`.
    pub fn new(ranking: &Ranking, options: &OptionDishes) -> Self {
        let dish = |id: &OptionId| {
            options
                .iter()
                .find(|(o, _)| o == id)
                .map(|(_, d)| d.clone())
        };
        Self {
            tiers: ranking
                .tiers()
                .iter()
                .map(|tier| tier.iter().filter_map(dish).collect::<Vec<_>>())
                .filter(|tier| !tier.is_empty())
                .collect(),
            offered: options.iter().map(|(_, d)| d.clone()).collect(),
        }
    }
}

/// Where a board that is not the member's saved ballot was arranged from: the page says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArrangedFrom {
    /// The member's past rankings of these dishes.
    Past,
    /// The member's saved ranking of another meal (its label).
    Meal(String),
}

impl ArrangedFrom {
    /// What the page says above the board.
    pub fn notice(&self) -> String {
        match self {
            Self::Past => "Arranged from your past rankings — nothing is saved yet.".to_owned(),
            Self::Meal(label) => {
                format!("Arranged like your ranking of {label} — nothing is saved yet.")
            }
        }
    }
}

/// `ranking` of a meal with options `from`, carried to a meal with options `to`: the tiers keep
/// their order, dishes `to` lacks are dropped, and `to`'s options the ranking lacks are left out
/// (no opinion).
pub fn carry_over(ranking: &Ranking, from: &OptionDishes, to: &OptionDishes) -> Ranking {
    let past = PastBallot::new(ranking, from);
    Ranking(
        past.tiers
            .iter()
            .map(|tier| {
                to.iter()
                    .filter(|(_, dish)| tier.contains(dish))
                    .map(|(option, _)| option.clone())
                    .collect::<Vec<_>>()
            })
            .filter(|tier| !tier.is_empty())
            .collect(),
    )
}

/// A board for a meal with options `to`, arranged from `past` ballots: each dish's place in each
/// ballot that offered it (its tier's index over the number of tiers, 0 the best; 1 for no
/// opinion), averaged; dishes in order of that average, equal averages tied; a dish never ranked
/// is left out (no opinion). `None` when no dish of `to` was ever ranked.
pub fn from_past(past: &[PastBallot], to: &OptionDishes) -> Option<Ranking> {
    let mut places: HashMap<&DishId, (f64, u32, bool)> = HashMap::new();
    for ballot in past {
        let tiers = ballot.tiers.len().max(1) as f64;
        for dish in &ballot.offered {
            let tier = ballot.tiers.iter().position(|tier| tier.contains(dish));
            let place = tier.map_or(1.0, |tier| tier as f64 / tiers);
            let entry = places.entry(dish).or_insert((0.0, 0, false));
            entry.0 += place;
            entry.1 += 1;
            entry.2 |= tier.is_some();
        }
    }
    // Averages compared in thousandths, so that equal places tie whatever the rounding.
    let mut ranked: Vec<(i64, &OptionId)> = to
        .iter()
        .filter_map(|(option, dish)| {
            let (sum, count, ever_ranked) = places.get(dish)?;
            ever_ranked.then(|| (((sum / f64::from(*count)) * 1000.0).round() as i64, option))
        })
        .collect();
    if ranked.is_empty() {
        return None;
    }
    ranked.sort_by_key(|(place, _)| *place);
    let mut tiers: Vec<(i64, Vec<OptionId>)> = Vec::new();
    for (place, option) in ranked {
        match tiers.last_mut() {
            Some((last, tier)) if *last == place => tier.push(option.clone()),
            _ => tiers.push((place, vec![option.clone()])),
        }
    }
    Some(Ranking(tiers.into_iter().map(|(_, tier)| tier).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> String {
        format!("0192f0a0-0000-7000-8000-0000000000{n:02x}")
    }
    fn option(n: u8) -> OptionId {
        OptionId::try_from(id(n)).unwrap()
    }
    fn dish(n: u8) -> DishId {
        DishId::try_from(id(100 + n)).unwrap()
    }
    /// A meal offering dishes `dishes`, option `base + i` for dish `dishes[i]`.
    fn meal(base: u8, dishes: &[u8]) -> Vec<(OptionId, DishId)> {
        dishes
            .iter()
            .enumerate()
            .map(|(i, d)| (option(base + i as u8), dish(*d)))
            .collect()
    }

    #[test]
    fn a_ranking_travels_by_dish_dropping_what_the_other_meal_lacks() {
        // Monday: curry(1) > pasta(2) = soup(3); Tuesday offers soup, curry and salad(4).
        let monday = meal(0, &[1, 2, 3]);
        let tuesday = meal(10, &[3, 1, 4]);
        let ranking = Ranking(vec![vec![option(0)], vec![option(1), option(2)]]);
        let carried = carry_over(&ranking, &monday, &tuesday);
        assert_eq!(carried, Ranking(vec![vec![option(11)], vec![option(10)]]));
        // A tier Tuesday lacks entirely (pasta) is dropped; the order of the rest stands.
        let only_pasta = Ranking(vec![vec![option(1)], vec![option(0)]]);
        assert_eq!(
            carry_over(&only_pasta, &monday, &tuesday),
            Ranking(vec![vec![option(11)]]),
            "salad, which Monday lacked, is no opinion"
        );
    }

    #[test]
    fn a_new_board_follows_the_average_place_of_each_dish() {
        let to = meal(20, &[1, 2, 3, 4]);
        let past = [
            // curry first, pasta second; soup offered, no opinion.
            PastBallot::new(
                &Ranking(vec![vec![option(0)], vec![option(1)]]),
                &meal(0, &[1, 2, 3]),
            ),
            // pasta first, curry second.
            PastBallot::new(
                &Ranking(vec![vec![option(11)], vec![option(10)]]),
                &meal(10, &[1, 2]),
            ),
        ];
        // curry and pasta average the same place: tied; soup never ranked, salad never offered.
        assert_eq!(
            from_past(&past, &to),
            Some(Ranking(vec![vec![option(20), option(21)]]))
        );
        let third = PastBallot::new(&Ranking(vec![vec![option(30)]]), &meal(30, &[1]));
        let more = [past[0].clone(), past[1].clone(), third];
        assert_eq!(
            from_past(&more, &to),
            Some(Ranking(vec![vec![option(20)], vec![option(21)]])),
            "curry's third first place puts it ahead"
        );
        assert_eq!(from_past(&[], &to), None, "nothing to go on: no opinion");
    }
}
