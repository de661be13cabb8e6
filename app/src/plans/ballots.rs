//! One slot's ballot as it crosses the wire: the page the ranking board is built from, and what
//! saving a ballot did.

use serde::{Deserialize, Serialize};

use super::Ranking;
use crate::ids::{HouseholdId, OptionId, PlanId, SlotId};

/// Everything the ranking board needs for one slot: its options, the viewer's ballot and the
/// other members' ballots (households are transparent by design; the page says so).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotPage {
    pub household_id: HouseholdId,
    pub plan_id: PlanId,
    pub plan_title: String,
    pub slot_id: SlotId,
    pub slot_label: String,
    pub deadline_ms: i64,
    pub open: bool,
    pub options: Vec<OptionView>,
    /// The viewer's saved ballot, if any.
    pub mine: Option<Ranking>,
    pub others: Vec<MemberBallot>,
    pub voters: Vec<VoterView>,
    /// Expected voters without a ballot yet.
    pub still_expected: u32,
    /// Who of the people eating has ranked it, and its latest nudge.
    pub progress: crate::progress::SlotProgress,
    /// Who is out, the guests, and whether the viewer eats.
    pub attendance: crate::attendance::SlotAttendance,
    /// Options that cannot win (their dish won an earlier meal of a no-repeat plan,
    /// [`super::eligibility`]): the live preview leaves them out.
    pub excluded: Vec<OptionId>,
    /// Options ruled out for someone eating the meal (`crate::cant_eat`): they cannot win
    /// either, and the live preview leaves them out too. Never whose or why.
    #[serde(default)]
    pub ruled_out: Vec<OptionId>,
    /// The options the viewer themself can't eat (their own list only): "You can't eat this".
    #[serde(default)]
    pub cant_eat_mine: Vec<OptionId>,
    /// The page's poll: the slot changes with every ballot, its close and a nudge.
    pub live: crate::progress::LiveKey,
    /// Who cooks it, with the members the viewer may choose.
    pub cook: crate::cooks::CookView,
    /// The board's starting arrangement when it is not the viewer's saved ballot (nothing is
    /// saved until they save), and where it came from.
    pub draft: Option<(Ranking, super::ArrangedFrom)>,
    /// The viewer's other ranked meals of the plan, for "Same as …".
    pub my_meals: Vec<(SlotId, String)>,
}

impl BallotPage {
    /// What the board starts from: a draft ("Same as …", or arranged from past rankings; nothing
    /// is saved until the viewer saves), else the viewer's saved ballot.
    pub fn start(&self) -> Option<&Ranking> {
        self.draft
            .as_ref()
            .map(|(draft, _)| draft)
            .or(self.mine.as_ref())
    }
}

impl BallotPage {
    /// "Curry has already won this week, so cannot win this meal." when options are excluded.
    pub fn excluded_note(&self) -> Option<String> {
        let names: Vec<String> = self
            .options
            .iter()
            .filter(|o| self.excluded.contains(&o.id))
            .map(|o| o.name.clone())
            .collect();
        let verb = match names.len() {
            0 => return None,
            1 => "has",
            _ => "have",
        };
        Some(format!(
            "{} {verb} already won this week, so cannot win this meal.",
            crate::progress::names_text(&names)
        ))
    }

    /// Every option that cannot win now: the preview's `excluded`.
    pub fn cannot_win(&self) -> Vec<OptionId> {
        self.excluded
            .iter()
            .chain(&self.ruled_out)
            .cloned()
            .collect()
    }

    /// "1 option was ruled out for someone eating this meal." when any was
    /// ([`crate::cant_eat::preview_note`]).
    pub fn ruled_out_note(&self) -> Option<String> {
        crate::cant_eat::preview_note(self.ruled_out.len(), self.options.len())
    }

    /// The ballots the close would count: the others' who are not out (the live preview's).
    pub fn counted_others(&self) -> Vec<MemberBallot> {
        self.others
            .iter()
            .filter(|ballot| !self.attendance.out.contains(&ballot.member))
            .cloned()
            .collect()
    }
}

/// What saving a ballot did: saved, and whether it was the last one expected, which closes the
/// vote at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotSaved {
    /// The vote closed with this ballot.
    pub closed: bool,
    /// The winning dish, when it closed.
    pub winner: Option<String>,
    /// Where the slot's result is shown.
    pub results_href: String,
    /// Other meals of the plan the same ranking was saved to ("Use this ranking for all meals").
    #[serde(default)]
    pub also_saved: u32,
}

impl BallotSaved {
    /// What the person is told.
    pub fn message(&self) -> String {
        let message = self.own_message();
        match self.also_saved {
            0 => message,
            1 => format!("{message} The same ranking was saved for 1 other meal."),
            n => format!("{message} The same ranking was saved for {n} other meals."),
        }
    }

    fn own_message(&self) -> String {
        match (self.closed, &self.winner) {
            (false, _) => "Saved. You can change your ranking until voting closes.".to_owned(),
            (true, Some(winner)) => format!(
                "Saved. Yours was the last ballot expected, so voting has closed: {winner} won."
            ),
            (true, None) => {
                "Saved. Yours was the last ballot expected, so voting has closed.".to_owned()
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub id: OptionId,
    pub name: String,
    pub note: Option<String>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBallot {
    pub member: String,
    pub ranking: Ranking,
}

/// Who has voted on a slot (never how, on this list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoterView {
    pub name: String,
    pub voted: bool,
    /// Counted for an early close: a member when the plan was proposed.
    pub expected: bool,
}

/// The form field that asks for the same ranking on every other open meal of the plan the viewer
/// eats ("Use this ranking for all meals").
pub const SAME_FOR_ALL_FIELD: &str = "same_for_all";

/// The form field that says a ballot ranking nothing is meant.
pub const CONFIRM_EMPTY_FIELD: &str = "confirm_empty";
