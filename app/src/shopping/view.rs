//! The shopping list as a page (and its poll) shows it: lines under their aisles, each with what
//! is checked, by whom and when, and where it came from.

use serde::{Deserialize, Serialize};

use super::SameFoodView;
use crate::ids::{AisleId, HouseholdId, LineId, PlanId};

/// `/households/:id/plans/:plan/list`, and the JSON the page polls for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub household_id: HouseholdId,
    pub plan_id: PlanId,
    pub plan_title: String,
    /// Changes with every change to the list: the poll's `ETag`.
    pub version: String,
    /// What the page's script shows the poll (`X-List-Key`): who is asking, signed by the
    /// server, for a few minutes; never a session.
    pub poll_key: String,
    /// The household's aisles in its store's order, each with its lines to buy (empty aisles
    /// included, so a line can be moved into one).
    pub aisles: Vec<AisleView>,
    /// Lines of the household's pantry staples: "usually at home", not to buy.
    pub at_home: Vec<LineView>,
    /// While slots are open: the ingredients of each one's current leader, "if Curry keeps
    /// leading". Not part of the list.
    pub probably: Vec<ProbableMeal>,
    /// The household's pantry staples, as written.
    pub staples: Vec<String>,
    /// The household's merged foods: "scallion" is the same food as "spring onion".
    pub same_foods: Vec<SameFoodView>,
}

impl ListPage {
    /// Every line to buy, aisle by aisle.
    pub fn lines(&self) -> impl Iterator<Item = &LineView> {
        self.aisles.iter().flat_map(|aisle| aisle.lines.iter())
    }

    /// Every food on the list (to buy or usually at home), each once, in the list's order: what
    /// a "same food as" field suggests.
    pub fn foods(&self) -> Vec<String> {
        let mut foods: Vec<String> = Vec::new();
        for line in self.lines().chain(&self.at_home) {
            if !foods
                .iter()
                .any(|food| super::food_key(food) == super::food_key(&line.food))
            {
                foods.push(line.food.clone());
            }
        }
        foods
    }

    /// The list as plain text, one line each, grouped by aisle: for copying or sharing.
    pub fn as_text(&self) -> String {
        let mut text = format!("{}\n", self.plan_title);
        for aisle in self.aisles.iter().filter(|a| !a.lines.is_empty()) {
            text.push_str(&format!("\n{}\n", aisle.name));
            for line in &aisle.lines {
                let mark = if line.done { "[x]" } else { "[ ]" };
                text.push_str(&format!("{mark} {}\n", line.text()));
            }
        }
        text
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AisleView {
    pub id: AisleId,
    pub name: String,
    pub lines: Vec<LineView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub id: LineId,
    pub food: String,
    /// The total as shown ("1.4 kg"); `None` for a line without an amount.
    pub amount: Option<String>,
    pub checked: Option<CheckedView>,
    /// Everything on the line is checked.
    pub done: bool,
    /// Where it came from: "Wed dinner · Curry / Fri dinner · Stir-fry".
    pub sources: String,
    /// The amount shown, in its family's canonical unit ("" without one): sent back with a
    /// check, so that a check made on an older view (offline, say) checks what that view showed,
    /// never what was added since.
    pub seen: String,
}

impl LineView {
    /// "rice 1.4 kg (400 g checked)".
    pub fn text(&self) -> String {
        let mut text = match &self.amount {
            Some(amount) => format!("{} {amount}", self.food),
            None => self.food.clone(),
        };
        if let Some(CheckedView {
            amount: Some(part), ..
        }) = &self.checked
            && !self.done
        {
            text.push_str(&format!(" ({part} checked)"));
        }
        text
    }
}

/// Who checked a line, when, and how much of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedView {
    pub by: String,
    pub at_ms: i64,
    /// The amount checked ("400 g"); `None` for a line without an amount.
    pub amount: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbableMeal {
    /// "Wed dinner".
    pub slot: String,
    /// The dish leading now.
    pub dish: String,
    /// Its lines as they would join the list.
    pub lines: Vec<String>,
}
