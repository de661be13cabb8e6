//! Limits on what one household or one person can make the server keep: each bounds rows and
//! work a stranger with a free account could otherwise grow without end (docs/security.md).
//! Reaching one changes nothing already saved and answers with a message that names the limit.

use serde::{Deserialize, Serialize};

/// Plans with a meal still being voted on, per household.
pub const MAX_OPEN_PLANS: u32 = 10;
/// Plans proposed per household in any 24 hours (a rolling window, counted from the plans
/// themselves). A household plans a week or two at a time; ten a day leaves room for mistakes
/// and re-proposals, and bounds what one account can make the server store and list to a few
/// hundred rows a day (the calendar feed, the plans page), instead of plans as fast as it can post.
pub const MAX_PLANS_PER_DAY: u32 = 10;
/// The shortest time from proposing a plan to its deadline, in minutes. Without it a deadline
/// seconds away closes a plan almost at once, so "open plans" never fills and plans can be made
/// back to back; people also need a moment to see a proposal and vote.
pub const MIN_DEADLINE_LEAD_MINUTES: u32 = 15;
/// Meals in one plan (days × meals per day): four weeks of one meal, two weeks of two.
pub const MAX_SLOTS_PER_PLAN: u32 = 28;
/// Dishes in a household's library.
pub const MAX_DISHES: u32 = 500;
/// Households one account belongs to.
pub const MAX_HOUSEHOLDS_PER_ACCOUNT: u32 = 10;
/// Foods a household has said are the same as another ("scallion" is "spring onion"). Far more
/// than a household's synonyms; bounds the rows each close and list read resolves names through.
pub const MAX_FOOD_ALIASES: u32 = 100;
/// Foods on one member's "can't eat" list in a household, and as many dishes (`crate::cant_eat`):
/// far more than anyone's allergies and dislikes; bounds the rows each close and ballot page read.
pub const MAX_CANT_EAT: u32 = 100;
/// Ballot saves per member per minute, across all meals: far above a person re-ranking by hand.
pub const MAX_BALLOT_SAVES_PER_MINUTE: u32 = 30;

/// A limit that was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quota {
    OpenPlans,
    PlansPerDay,
    Dishes,
    Households,
    FoodAliases,
    CantEatFoods,
    CantEatDishes,
}

impl Quota {
    /// What the person is told.
    pub fn message(self) -> String {
        match self {
            Self::OpenPlans => format!(
                "This household has {MAX_OPEN_PLANS} plans still being voted on, the most it can \
                 have at once. Wait for one to close first."
            ),
            Self::PlansPerDay => format!(
                "This household has proposed {MAX_PLANS_PER_DAY} plans in the last 24 hours, the \
                 most it can. Try again tomorrow, or change a plan it has already."
            ),
            Self::Dishes => format!(
                "The dish library is full: a household keeps at most {MAX_DISHES} dishes. Use \
                 dishes it has already."
            ),
            Self::Households => format!(
                "You belong to {MAX_HOUSEHOLDS_PER_ACCOUNT} households, the most one account can. \
                 Leave one first."
            ),
            Self::FoodAliases => format!(
                "This household has {MAX_FOOD_ALIASES} foods marked as the same as another, the \
                 most it can. Undo one it no longer needs first."
            ),
            Self::CantEatFoods => format!(
                "Your list holds {MAX_CANT_EAT} foods you can't eat, the most it can. Remove one \
                 you no longer need first."
            ),
            Self::CantEatDishes => format!(
                "Your list holds {MAX_CANT_EAT} dishes you can't eat, the most it can. Remove one \
                 you no longer need first."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_names_its_number() {
        assert!(Quota::OpenPlans.message().contains("10 plans"));
        assert!(
            Quota::PlansPerDay
                .message()
                .contains("10 plans in the last 24 hours")
        );
        assert!(Quota::Dishes.message().contains("500 dishes"));
        assert!(Quota::Households.message().contains("10 households"));
        assert!(Quota::FoodAliases.message().contains("100 foods"));
        assert!(Quota::CantEatFoods.message().contains("100 foods"));
        assert!(Quota::CantEatDishes.message().contains("100 dishes"));
    }
}
