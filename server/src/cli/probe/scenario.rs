//! What the four members do, step by step, and what each step expects (see `super`'s overview).

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use app::{
    error::AppError,
    plans::{CastBallot, GetBallotPage, GetPlan, PlanForm, PlanView, ProposePlan, SlotSummary},
};
use secrecy::SecretString;

use super::{
    Failure, Log,
    accounts::{self, Mode},
    site::{Member, Problem, Site},
};

mod deadline;
mod household;
mod voting;

use deadline::{millis, round_up_to_second, utc};
use voting::{describe, find_slot};

/// The household's meals: one day, so one slot each.
const LUNCH: &str = "lunch";
const DINNER: &str = "dinner";
const SOUP: &str = "Probe soup";
const CURRY: &str = "Probe curry";
const PASTA: &str = "Probe pasta";

/// Each member's ranking of lunch, best first. Curry beats soup 3–1 and pasta 4–0, so it wins
/// whatever the variant or seed (a Condorcet winner is the Schulze winner).
const LUNCH_BALLOTS: [&[&str]; accounts::MEMBERS] = [
    &[CURRY, SOUP, PASTA],
    &[CURRY, PASTA, SOUP],
    &[SOUP, CURRY, PASTA],
    &[CURRY, SOUP],
];
const LUNCH_WINNER: &str = CURRY;

/// Dinner's ballots: the fourth member abstains, so dinner stays open until the deadline. Pasta
/// beats soup 2–1 and curry 3–0.
const DINNER_BALLOTS: [Option<&[&str]>; accounts::MEMBERS] = [
    Some(&[PASTA, CURRY, SOUP]),
    Some(&[PASTA, SOUP]),
    Some(&[SOUP, PASTA, CURRY]),
    None,
];
const DINNER_WINNER: &str = PASTA;

/// The deadline is at least this far ahead of the proposal…
const MIN_LEAD: Duration = Duration::from_secs(5);
/// …or this many times the slowest answer so far, for a slow server (ten more calls must land
/// before it, with room to spare).
const LEAD_PER_SLOWEST: u32 = 15;
/// How often the plan is re-read while waiting for dinner to close.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// One run: the site, the log, and how accounts and closing work.
pub(crate) struct Probe<'a> {
    pub site: &'a Site,
    pub log: &'a Log,
    pub secret: Option<&'a SecretString>,
    pub mode: Mode,
    pub keep: bool,
    /// The shortest lead the deadline gets (`--deadline-lead`).
    pub deadline_lead: Duration,
}

/// The probe's plan once proposed: its ids, its deadline and each slot's option ids by name.
struct Proposed {
    household: String,
    plan: String,
    deadline_ms: i64,
    /// How far ahead the deadline was set.
    lead: Duration,
    lunch: Slot,
    dinner: Slot,
}

struct Slot {
    meal: &'static str,
    id: String,
    options: BTreeMap<String, String>,
}

impl Probe<'_> {
    /// Every step, then the clean-up (also after a failed step); the first failure wins.
    pub async fn run(&self) -> Result<(), Failure> {
        let site = self.site;
        self.log
            .step("health check", async {
                let answer = site.health().await?;
                if answer.status.as_u16() == 200 {
                    Ok(((), "/healthz answered 200".to_owned()))
                } else {
                    Err(format!(
                        "/healthz: expected 200, found {}",
                        answer.describe()
                    ))
                }
            })
            .await?;
        let members = self
            .log
            .step("accounts", async {
                let members = accounts::members(site, self.secret)?;
                let names = members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>();
                let note = format!("{} ({})", names.join(", "), accounts::EMAIL_DOMAIN);
                Ok((members, note))
            })
            .await?;
        let voted = self.vote(&members).await;
        let cleaned = self.clean_up(&members).await;
        voted.and(cleaned)
    }

    async fn vote(&self, members: &[Member]) -> Result<(), Failure> {
        let site = self.site;
        for member in members {
            self.log
                .step(format!("{} signs in", member.name), async {
                    let note = accounts::sign_in(site, member, self.mode).await?;
                    Ok(((), note.to_owned()))
                })
                .await?;
        }
        if self.mode == Mode::Reused {
            self.log
                .step("remove what earlier runs left", async {
                    let removed = accounts::leave_all(site, members).await?;
                    Ok(((), format!("{removed} household(s) removed")))
                })
                .await?;
        }
        let proposed = self.set_up(members).await?;
        self.cast_ballots(members, &proposed).await?;
        self.close_at_deadline(members, &proposed).await
    }

    /// A plan of lunch and dinner whose deadline is a safe lead ahead, read back.
    async fn propose(&self, admin: &Member, household: String) -> Result<Proposed, Failure> {
        let site = self.site;
        let lead = MIN_LEAD
            .max(site.slowest() * LEAD_PER_SLOWEST)
            .max(self.deadline_lead);
        // The deadline is `lead` ahead even by the fastest the server's clock may run, in whole
        // seconds; the plan's day begins after it (the day after the deadline, UTC).
        let deadline_ms = round_up_to_second(site.clock().latest_now() + millis(lead));
        let deadline = utc(deadline_ms);
        let first_day = deadline.date().next_day().unwrap_or(deadline.date());
        let (date, time) = (
            app::plans::day_iso(deadline.date()),
            format!(
                "{:02}:{:02}:{:02}",
                deadline.hour(),
                deadline.minute(),
                deadline.second()
            ),
        );
        let plan = self
            .log
            .step("propose a plan", async {
                let meals = format!("{LUNCH}, {DINNER}");
                let options = [SOUP, CURRY, PASTA].join("\n");
                let plan = site
                    .call_as_operator(
                        admin,
                        &ProposePlan {
                            household_id: household.clone(),
                            plan: PlanForm {
                                title: "mealvote probe".to_owned(),
                                first_day: app::plans::day_iso(first_day),
                                days: "1".to_owned(),
                                meals,
                                options,
                                deadline_date: date.clone(),
                                deadline_time: time.clone(),
                                utc_offset_minutes: "0".to_owned(),
                                allow_repeats: String::new(),
                            },
                        },
                        self.secret,
                    )
                    .await?
                    .expect_success("propose_plan")?
                    .location_after("propose_plan", "/plans/")?;
                Ok((
                    plan,
                    format!(
                        "lunch and dinner, deadline {date} {time} UTC ({:.1} s ahead; {})",
                        lead.as_secs_f64(),
                        site.clock().describe()
                    ),
                ))
            })
            .await?;
        self.read_back(admin, household, plan, deadline_ms, lead)
            .await
    }

    /// The proposed plan as the server shows it: its deadline, expected voters and two slots.
    async fn read_back(
        &self,
        admin: &Member,
        household: String,
        plan: String,
        deadline_ms: i64,
        lead: Duration,
    ) -> Result<Proposed, Failure> {
        let (lunch, dinner) = self
            .log
            .step("read the plan", async {
                let view = self.plan(admin, &household, &plan).await?;
                if view.deadline_ms != deadline_ms
                    || view.expected_voters != accounts::MEMBERS as u32
                    || view.slots.len() != 2
                {
                    return Err(format!(
                        "expected {} slots, {} expected voters and the deadline {deadline_ms}, \
                         found {} slots, {} expected voters and {}",
                        2,
                        accounts::MEMBERS,
                        view.slots.len(),
                        view.expected_voters,
                        view.deadline_ms
                    ));
                }
                let lunch = self.slot(admin, &household, &view, LUNCH).await?;
                let dinner = self.slot(admin, &household, &view, DINNER).await?;
                Ok((
                    (lunch, dinner),
                    "two open slots, three options each".to_owned(),
                ))
            })
            .await?;
        Ok(Proposed {
            household,
            plan,
            deadline_ms,
            lead,
            lunch,
            dinner,
        })
    }

    /// The slot for `meal` with its option ids, read from its ballot page.
    async fn slot(
        &self,
        member: &Member,
        household: &str,
        view: &PlanView,
        meal: &'static str,
    ) -> Result<Slot, Problem> {
        let summary = find_slot(view, meal)?;
        let id = summary.id.to_string();
        let page = self
            .site
            .call(
                member,
                &GetBallotPage {
                    household_id: household.to_owned(),
                    slot_id: id.clone(),
                    like: None,
                },
            )
            .await?
            .expect_success("get_ballot_page")?
            .output_of::<GetBallotPage>()?;
        let options: BTreeMap<String, String> = page
            .options
            .iter()
            .map(|option| (option.name.clone(), option.id.to_string()))
            .collect();
        let expected = [CURRY, PASTA, SOUP];
        if !summary.closed && options.keys().map(String::as_str).eq(expected) {
            Ok(Slot { meal, id, options })
        } else {
            Err(format!(
                "{meal}: expected an open slot with the options {expected:?}, found {} with {:?}",
                describe(summary),
                options.keys().collect::<Vec<_>>()
            ))
        }
    }

    /// Removes the household (unless `--keep`) and signs everyone out.
    async fn clean_up(&self, members: &[Member]) -> Result<(), Failure> {
        let site = self.site;
        if self.keep {
            self.log.line("clean up: kept the probe household (--keep)");
        } else {
            self.log
                .step("clean up", async {
                    let removed = accounts::leave_all(site, members).await?;
                    Ok(((), format!("everyone left; {removed} household(s) deleted")))
                })
                .await?;
        }
        self.log
            .step("sign out", async {
                accounts::sign_out_all(site, members).await?;
                Ok(((), format!("{} sessions ended", members.len())))
            })
            .await
    }
}

/// The form fields of a ballot: ranks 1, 2, … in `ranking`'s order, empty (no opinion) for the
/// slot's other options.
fn rank_fields(slot: &Slot, ranking: &[&str]) -> Vec<(String, String)> {
    slot.options
        .iter()
        .map(|(name, id)| {
            let rank = ranking
                .iter()
                .position(|dish| dish == name)
                .map_or(String::new(), |i| (i + 1).to_string());
            (format!("rank-{id}"), rank)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ballot_ranks_only_the_plans_dishes() {
        for ranking in LUNCH_BALLOTS.iter().chain(DINNER_BALLOTS.iter().flatten()) {
            assert!(
                ranking
                    .iter()
                    .all(|dish| [SOUP, CURRY, PASTA].contains(dish))
            );
        }
        assert_ne!(
            LUNCH_WINNER, DINNER_WINNER,
            "the two results can be told apart"
        );
        assert_eq!(
            DINNER_BALLOTS.iter().flatten().count(),
            3,
            "one member abstains"
        );
    }

    #[test]
    fn rank_fields_number_the_ranking_and_leave_the_rest_empty() {
        let slot = Slot {
            meal: LUNCH,
            id: "s".into(),
            options: [(CURRY, "c"), (PASTA, "p"), (SOUP, "s")]
                .map(|(n, i)| (n.to_owned(), i.to_owned()))
                .into(),
        };
        assert_eq!(
            rank_fields(&slot, &[SOUP, CURRY]),
            [("rank-c", "2"), ("rank-p", ""), ("rank-s", "1")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn deadlines_are_whole_seconds_rounded_up() {
        assert_eq!(round_up_to_second(1_000), 1_000);
        assert_eq!(round_up_to_second(1_001), 2_000);
        assert_eq!(
            utc(86_400_000).date(),
            time::Date::from_calendar_date(1970, time::Month::January, 2).unwrap()
        );
    }
}
