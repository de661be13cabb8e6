//! The vote itself: every member's ballot, the early close once everyone expected has voted,
//! and the close at the deadline, each checked against what the server then shows.

use super::*;

impl Probe<'_> {
    /// Lunch gets every member's ballot and closes early; dinner gets three of four.
    pub(super) async fn cast_ballots(
        &self,
        members: &[Member],
        plan: &Proposed,
    ) -> Result<(), Failure> {
        let (last, first_three) = members.split_last().expect("four members");
        for (member, ranking) in first_three.iter().zip(LUNCH_BALLOTS) {
            self.ballot(member, plan, &plan.lunch, ranking).await?;
        }
        for (member, ranking) in members.iter().zip(DINNER_BALLOTS) {
            if let Some(ranking) = ranking {
                self.ballot(member, plan, &plan.dinner, ranking).await?;
            }
        }
        self.log
            .step("three of four have voted", async {
                let view = self.plan(&members[0], &plan.household, &plan.plan).await?;
                for meal in [LUNCH, DINNER] {
                    let slot = find_slot(&view, meal)?;
                    if slot.closed || slot.ballots != 3 {
                        return Err(format!(
                            "{meal}: expected open with 3 ballots, found {}",
                            describe(slot)
                        ));
                    }
                }
                Ok(((), "lunch and dinner both still open".to_owned()))
            })
            .await?;
        self.ballot(last, plan, &plan.lunch, LUNCH_BALLOTS[3])
            .await?;
        self.log
            .step("lunch closes early", async {
                let view = self.plan(&members[0], &plan.household, &plan.plan).await?;
                let lunch = find_slot(&view, LUNCH)?;
                let dinner = find_slot(&view, DINNER)?;
                if !(lunch.closed && lunch.winner.as_deref() == Some(LUNCH_WINNER)) {
                    return Err(format!(
                        "lunch: expected closed with the winner \u{201c}{LUNCH_WINNER}\u{201d} once all \
                         {} had voted, found {}",
                        accounts::MEMBERS,
                        describe(lunch)
                    ));
                }
                // Reading the plan closes whatever is overdue, so an open dinner proves the
                // deadline had not passed: lunch closed early, because everyone had voted.
                if dinner.closed {
                    return Err(format!(
                        "dinner: expected open before the deadline, found {} (the server answered \
                         too slowly for a deadline {:.1} s ahead?)",
                        describe(dinner),
                        plan.lead.as_secs_f64()
                    ));
                }
                Ok((
                    (),
                    format!(
                        "all {} voted; winner \u{201c}{LUNCH_WINNER}\u{201d} as expected",
                        accounts::MEMBERS
                    ),
                ))
            })
            .await
    }

    pub(super) async fn ballot(
        &self,
        member: &Member,
        plan: &Proposed,
        slot: &Slot,
        ranking: &[&str],
    ) -> Result<(), Failure> {
        self.log
            .step(format!("{} ranks {}", member.name, slot.meal), async {
                let ballot = CastBallot {
                    household_id: plan.household.clone(),
                    slot_id: slot.id.clone(),
                    ranks: rank_fields(slot, ranking).into_iter().collect(),
                };
                let answer = self.site.call(member, &ballot).await?;
                if answer.error() == Some(AppError::VotingClosed) {
                    return Err(format!(
                        "cast_ballot: expected the ballot to be accepted before the deadline, \
                         found {} (the server answered too slowly for a deadline {:.1} s ahead?)",
                        answer.describe(),
                        plan.lead.as_secs_f64()
                    ));
                }
                answer.expect_success("cast_ballot")?;
                Ok(((), ranking.join(" > ")))
            })
            .await
    }

    /// Dinner closes at the deadline: by the trigger with a secret, else lazily.
    pub(super) async fn close_at_deadline(
        &self,
        members: &[Member],
        plan: &Proposed,
    ) -> Result<(), Failure> {
        let site = self.site;
        self.log
            .step("wait for the deadline", async {
                let started = Instant::now();
                // Until the server's clock has surely passed it, even if it runs slow.
                let margin = 250;
                let behind = plan.deadline_ms + margin - site.clock().earliest_now();
                if let Ok(wait) = u64::try_from(behind) {
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                Ok((
                    (),
                    format!("waited {:.1} s", started.elapsed().as_secs_f64()),
                ))
            })
            .await?;
        let how = if let Some(secret) = self.secret {
            self.log
                .step("POST /internal/finalize-due", async {
                    let answer = site.finalize_due(secret).await?;
                    match answer.status.as_u16() {
                        200 => {}
                        401 => {
                            return Err(format!(
                                "expected 200, found {}: the server refused the secret (is \
                                 --finalize-secret the server's FINALIZE_SECRET?)",
                                answer.describe()
                            ));
                        }
                        404 => {
                            return Err(format!(
                                "expected 200, found {}: the server has no FINALIZE_SECRET \
                                 (or is not mealvote)",
                                answer.describe()
                            ));
                        }
                        _ => {
                            return Err(format!("expected 200, found {}", answer.describe()));
                        }
                    }
                    let report: serde_json::Value = answer.json("finalize-due")?;
                    let closed = report.get("closed").and_then(serde_json::Value::as_u64);
                    let Some(closed) = closed else {
                        return Err(format!(
                            "expected a report with \u{201c}closed\u{201d}, found {report}"
                        ));
                    };
                    Ok(((), format!("closed {closed} due slot(s)")))
                })
                .await?;
            "after the trigger"
        } else {
            "lazily, on reading the plan"
        };
        self.closed_with_its_winner(members, plan, how).await
    }

    /// Dinner has its expected winner, lunch keeps its result, and a late ballot is refused.
    async fn closed_with_its_winner(
        &self,
        members: &[Member],
        plan: &Proposed,
        how: &str,
    ) -> Result<(), Failure> {
        let site = self.site;
        self.log
            .step("dinner closes at the deadline", async {
                loop {
                    let view = self.plan(&members[0], &plan.household, &plan.plan).await?;
                    let dinner = find_slot(&view, DINNER)?;
                    if dinner.closed {
                        if dinner.winner.as_deref() != Some(DINNER_WINNER) {
                            return Err(format!(
                                "dinner: expected the winner \u{201c}{DINNER_WINNER}\u{201d} of 3 \
                                 ballots, found {}",
                                describe(dinner)
                            ));
                        }
                        let lunch = find_slot(&view, LUNCH)?;
                        if lunch.winner.as_deref() != Some(LUNCH_WINNER) {
                            return Err(format!(
                                "lunch: expected its result to stay \u{201c}{LUNCH_WINNER}\u{201d}, \
                                 found {}",
                                describe(lunch)
                            ));
                        }
                        return Ok((
                            (),
                            format!(
                                "closed {how}; winner \u{201c}{DINNER_WINNER}\u{201d} as expected"
                            ),
                        ));
                    }
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
            })
            .await?;
        let last = &members[accounts::MEMBERS - 1];
        self.log
            .step("a late ballot is refused", async {
                let ballot = CastBallot {
                    household_id: plan.household.clone(),
                    slot_id: plan.dinner.id.clone(),
                    ranks: rank_fields(&plan.dinner, &[SOUP]).into_iter().collect(),
                };
                let answer = site.call(last, &ballot).await?;
                if answer.error() == Some(AppError::VotingClosed) {
                    Ok(((), answer.describe()))
                } else {
                    Err(format!(
                        "cast_ballot after the deadline: expected HTTP 409 \u{201c}{}\u{201d}, found {}",
                        AppError::VotingClosed,
                        answer.describe()
                    ))
                }
            })
            .await
    }

    pub(super) async fn plan(
        &self,
        member: &Member,
        household: &str,
        plan: &str,
    ) -> Result<PlanView, Problem> {
        self.site
            .call(
                member,
                &GetPlan {
                    household_id: household.to_owned(),
                    plan_id: plan.to_owned(),
                },
            )
            .await?
            .expect_success("get_plan")?
            .output_of::<GetPlan>()
    }
}

/// The plan's slot for `meal` (its label ends with the meal's name).
pub(super) fn find_slot<'v>(view: &'v PlanView, meal: &str) -> Result<&'v SlotSummary, Problem> {
    view.slots
        .iter()
        .find(|slot| slot.label.ends_with(meal))
        .ok_or_else(|| {
            format!(
                "expected a {meal} slot, found {:?}",
                view.slots.iter().map(|s| &s.label).collect::<Vec<_>>()
            )
        })
}

/// A slot's state for a message: open or closed, its ballots and winner.
pub(super) fn describe(slot: &SlotSummary) -> String {
    match (slot.closed, &slot.winner) {
        (false, _) => format!("open with {} ballot(s)", slot.ballots),
        (true, Some(winner)) => format!(
            "closed with {} ballot(s) and the winner \u{201c}{winner}\u{201d}",
            slot.ballots
        ),
        (true, None) => format!("closed with {} ballot(s) and no winner", slot.ballots),
    }
}
