//! How a list forms: a slot's winner's ingredients, scaled from the recipe's servings to the
//! people eating, join the list line by line. Lines merge by food (compared lowercase, trimmed,
//! spaces collapsed) and unit family, summed in the family's canonical unit; other families stay
//! separate lines ("1 cup rice" next to "1.4 kg rice"). Every line keeps where it came from, and
//! a checked amount stays checked whatever is added later.

use std::{collections::BTreeSet, fmt};

use serde::{Deserialize, Serialize};

use crate::recipes::{Ingredient, units::Amount, units::Family};

/// Where (part of) a line came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Provenance {
    /// A slot's winner: "Wed dinner · Curry".
    Meal { slot: String, dish: String },
    /// An item a member added by hand: "added by Ada".
    Member { name: String },
}

/// One line on its way into a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Addition {
    pub food: String,
    /// `None` for a line with no quantity ("salt to taste") or a placeholder.
    pub amount: Option<Amount>,
    pub source: Provenance,
}

/// One line of a list: a food, its total in one family, and what of it is checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListLine {
    /// The food as first written on this list.
    pub food: String,
    pub amount: Option<Amount>,
    /// `Some` once checked: the amount checked then (`None` inside for a line without amount).
    pub checked: Option<Option<Amount>>,
    pub sources: Vec<Provenance>,
}

/// A plan's list: lines in the order they first appeared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShoppingList {
    pub lines: Vec<ListLine>,
}

/// A winner's ingredient lines, scaled by `eaters ÷ serves`, ready to join a list. When either
/// number is unknown (zero) the recipe's own amounts are used. A winner with no ingredients adds
/// one line "Curry (no ingredients yet)", so that nothing is silently missing. A range counts as
/// its upper bound.
pub fn additions_for_winner(
    slot: &str,
    dish: &str,
    ingredients: &[Ingredient],
    serves: u32,
    eaters: u32,
) -> Vec<Addition> {
    let source = Provenance::Meal {
        slot: slot.to_string(),
        dish: dish.to_string(),
    };
    if ingredients.is_empty() {
        return vec![Addition {
            food: format!("{dish} (no ingredients yet)"),
            amount: None,
            source,
        }];
    }
    let factor = match (serves, eaters) {
        (0, _) | (_, 0) => 1.0,
        (serves, eaters) => f64::from(eaters) / f64::from(serves),
    };
    ingredients
        .iter()
        .map(|ingredient| Addition {
            food: ingredient.food.trim().to_string(),
            amount: ingredient
                .quantity
                .map(|quantity| Amount::new(quantity.for_list(), ingredient.unit).scaled(factor)),
            source: source.clone(),
        })
        .collect()
}

/// An item a member adds by hand ("2 l milk"), as it joins the list: its amount as written,
/// "added by Ada".
pub fn addition_by_member(line: &Ingredient, name: &str) -> Addition {
    Addition {
        food: line.food.trim().to_string(),
        amount: line
            .quantity
            .map(|quantity| Amount::new(quantity.for_list(), line.unit)),
        source: Provenance::Member {
            name: name.to_string(),
        },
    }
}

/// The food as lines are merged by: lowercase, trimmed, inner spaces collapsed.
pub fn food_key(food: &str) -> String {
    food.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl ShoppingList {
    /// Merges `additions` in: into the line of the same food and unit family, or as a new line.
    pub fn add(&mut self, additions: impl IntoIterator<Item = Addition>) {
        for addition in additions {
            let key = (food_key(&addition.food), addition.amount.map(|a| a.family));
            let found = self.lines.iter_mut().find(|line| line.key() == key);
            match found {
                Some(line) => line.absorb(addition),
                None => self.lines.push(ListLine {
                    food: addition.food,
                    amount: addition.amount,
                    checked: None,
                    sources: vec![addition.source],
                }),
            }
        }
    }
}

impl ListLine {
    fn key(&self) -> (String, Option<Family>) {
        (food_key(&self.food), self.amount.map(|a| a.family))
    }

    fn absorb(&mut self, addition: Addition) {
        if let (Some(total), Some(more)) = (self.amount, addition.amount) {
            self.amount = total.plus(more).or(Some(total));
        }
        if !self.sources.contains(&addition.source) {
            self.sources.push(addition.source);
        }
    }

    /// Checks the whole line as it stands now.
    pub fn check(&mut self) {
        self.checked = Some(self.amount);
    }

    pub fn uncheck(&mut self) {
        self.checked = None;
    }

    /// Checked, and nothing was added since.
    pub fn is_done(&self) -> bool {
        match (self.checked, self.amount) {
            (None, _) => false,
            (Some(Some(checked)), Some(total)) => {
                checked.canonical >= total.canonical - total.canonical.abs() * 1e-9
            }
            (Some(_), _) => true,
        }
    }

    /// The amount checked while more was added since: the "400 g" of "(400 g checked)".
    pub fn checked_part(&self) -> Option<Amount> {
        match self.checked {
            Some(Some(checked)) if !self.is_done() => Some(checked),
            _ => None,
        }
    }

    /// "Wed dinner · Curry / Fri dinner · Stir-fry".
    pub fn sources_text(&self) -> String {
        let sources: Vec<String> = self.sources.iter().map(ToString::to_string).collect();
        sources.join(" / ")
    }
}

impl fmt::Display for ListLine {
    /// "rice 1.4 kg", "rice 1.4 kg (400 g checked)", "salt", "Curry (no ingredients yet)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.food)?;
        if let Some(amount) = self.amount {
            write!(f, " {amount}")?;
        }
        if let Some(checked) = self.checked_part() {
            write!(f, " ({checked} checked)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Meal { slot, dish } => write!(f, "{slot} · {dish}"),
            Provenance::Member { name } => write!(f, "added by {name}"),
        }
    }
}

/// The lines to buy and, apart, those whose food is a pantry staple ("usually at home").
/// `staples` are foods as the household wrote them; they are compared as [`food_key`]s.
pub fn split_pantry<'a, S: AsRef<str>>(
    lines: &'a [ListLine],
    staples: &[S],
) -> (Vec<&'a ListLine>, Vec<&'a ListLine>) {
    let staples: BTreeSet<String> = staples.iter().map(|s| food_key(s.as_ref())).collect();
    lines
        .iter()
        .partition(|line| !staples.contains(&food_key(&line.food)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::{Unit, parse_paste};

    fn winner(slot: &str, dish: &str, lines: &str, serves: u32, eaters: u32) -> Vec<Addition> {
        let ingredients = parse_paste(lines).unwrap();
        additions_for_winner(slot, dish, &ingredients, serves, eaters)
    }

    fn texts(list: &ShoppingList) -> Vec<String> {
        list.lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn rice_from_two_winners_is_one_line_and_cups_stay_apart() {
        let mut list = ShoppingList::default();
        list.add(winner("Wed dinner", "Curry", "400 g rice\n2 onions", 4, 4));
        assert_eq!(texts(&list), ["rice 400 g", "onions 2"]);

        list.add(winner("Fri dinner", "Stir-fry", "0.5 kg Rice ", 2, 4));
        assert_eq!(texts(&list), ["rice 1.4 kg", "onions 2"]);
        assert_eq!(
            list.lines[0].sources_text(),
            "Wed dinner · Curry / Fri dinner · Stir-fry"
        );

        list.add(winner("Sat lunch", "Pudding", "1 cup rice", 4, 4));
        assert_eq!(texts(&list), ["rice 1.4 kg", "onions 2", "rice 1 cup"]);
        assert_eq!(list.lines[2].sources_text(), "Sat lunch · Pudding");
    }

    #[test]
    fn scaling_follows_eaters_over_serves() {
        let halved = winner("Mon dinner", "Soup", "2–3 carrots\n1 can tomatoes", 4, 2);
        let amounts: Vec<String> = halved
            .iter()
            .map(|a| a.amount.unwrap().to_string())
            .collect();
        assert_eq!(amounts, ["1½", "½ can"]);
        let unknown = winner("Mon dinner", "Soup", "300 g lentils", 0, 6);
        assert_eq!(
            unknown[0].amount,
            Some(Amount::new(300.0, Some(Unit::Gram)))
        );
    }

    #[test]
    fn a_winner_without_ingredients_adds_a_placeholder_line() {
        let mut list = ShoppingList::default();
        list.add(additions_for_winner("Wed dinner", "Curry", &[], 4, 4));
        assert_eq!(texts(&list), ["Curry (no ingredients yet)"]);
        assert_eq!(list.lines[0].sources_text(), "Wed dinner · Curry");
    }

    #[test]
    fn a_checked_amount_stays_checked_when_more_is_added() {
        let mut list = ShoppingList::default();
        list.add(winner(
            "Wed dinner",
            "Curry",
            "400 g rice\nsalt to taste",
            4,
            4,
        ));
        list.lines.iter_mut().for_each(ListLine::check);
        assert!(list.lines.iter().all(ListLine::is_done));
        assert_eq!(texts(&list), ["rice 400 g", "salt"]);

        list.add(winner(
            "Fri dinner",
            "Stir-fry",
            "0.5 kg rice\na pinch of salt",
            2,
            4,
        ));
        assert_eq!(texts(&list), ["rice 1.4 kg (400 g checked)", "salt"]);
        assert!(!list.lines[0].is_done(), "more rice to buy");
        assert!(list.lines[1].is_done(), "salt without amount stays checked");
        assert_eq!(list.lines[1].sources.len(), 2);

        list.lines[0].check();
        assert_eq!(texts(&list)[0], "rice 1.4 kg");
        assert!(list.lines[0].is_done());
        list.lines[0].uncheck();
        assert!(!list.lines[0].is_done());
    }

    #[test]
    fn member_items_merge_and_say_who_added_them() {
        let mut list = ShoppingList::default();
        list.add(winner("Wed dinner", "Curry", "3 eggs", 4, 4));
        let ada = Provenance::Member { name: "Ada".into() };
        list.add([Addition {
            food: "Eggs".into(),
            amount: Some(Amount::new(6.0, None)),
            source: ada,
        }]);
        assert_eq!(texts(&list), ["eggs 9"]);
        assert_eq!(
            list.lines[0].sources_text(),
            "Wed dinner · Curry / added by Ada"
        );
    }

    #[test]
    fn pantry_staples_are_set_apart() {
        let mut list = ShoppingList::default();
        list.add(winner(
            "Wed dinner",
            "Curry",
            "400 g rice\n1 tsp Salt\n2 tbsp olive oil",
            4,
            4,
        ));
        let (to_buy, at_home) = split_pantry(&list.lines, &["salt", " Olive  Oil"]);
        let foods =
            |lines: Vec<&ListLine>| lines.iter().map(|l| l.food.clone()).collect::<Vec<_>>();
        assert_eq!(foods(to_buy), ["rice"]);
        assert_eq!(foods(at_home), ["Salt", "olive oil"]);
    }
}
