//! The plans service: what `app::plans`'s server functions ask of the server
//! ([`PlansService`]). Pages that show plans settle the household first
//! (its overdue slots close before anything is read), and a result is re-counted before it is
//! shown ([`recount`]).

use std::collections::BTreeMap;

use app::{
    error::AppError,
    ids::{HouseholdId, OptionId, PlanId, SlotId},
    plans::{
        BallotPage, BallotSaved, DeadlineForm, DishDetails, DishName, MealNames, MealSettings,
        NewPlan, OptionNames, PlanForm, PlanSummary, PlanView, PlansService, Ranking, ResultsPage,
        SlotOutcome, SlotResult, parse_new_deadline, parse_reopen_deadline,
    },
};
use http::request::Parts;

use crate::{
    auth::limits::{self, Subject},
    clock::now_ms,
    closing::recount,
    db::StoreError,
    service::Services,
};

#[async_trait::async_trait]
impl PlansService for Services {
    async fn meal_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<MealSettings, AppError> {
        let access = self.access(req, &household).await?;
        Ok(MealSettings {
            household_id: access.household_id().clone(),
            household_name: self.store.household_name(&access).await?,
            meal_names: self.store.meal_names(&access).await?.joined(),
            dishes: self.store.dishes(&access).await?,
        })
    }

    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        name: DishName,
        details: DishDetails,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .add_dish(&access, &name, &details, now_ms())
            .await?;
        Ok(())
    }

    async fn set_meal_names(
        &self,
        req: &Parts,
        household: HouseholdId,
        meals: MealNames,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.set_meal_names(&access, &meals).await?)
    }

    async fn plans(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<Vec<PlanSummary>, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.plans(&access).await?)
    }

    async fn propose_plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanForm,
    ) -> Result<PlanId, AppError> {
        let access = self.access(req, &household).await?;
        let now = now_ms();
        let plan = NewPlan::parse(&plan, now)?;
        self.check_deadline_lead(req, &plan, now)?;
        let id = self.store.create_plan(&access, &plan, now).await?;
        crate::metrics::plan_proposed();
        tracing::info!(plan = %id, "plan proposed");
        Ok(id)
    }

    async fn plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<PlanView, AppError> {
        let access = self.settled_access(req, &household).await?;
        let mut view = self.store.plan(&access, &plan, now_ms()).await?;
        view.live.key = self
            .live_key(req, &access, crate::live::Subject::Plan, plan.as_str())
            .await?;
        Ok(view)
    }

    async fn move_deadline(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        deadline: DeadlineForm,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        let timing = self.store.plan_timing(&access, &plan).await?;
        let deadline = parse_new_deadline(
            &deadline.deadline_date,
            &deadline.deadline_time,
            &deadline.utc_offset_minutes,
            timing.deadline_ms,
            timing.first_day,
            timing.utc_offset_minutes,
        )?;
        self.store
            .move_deadline(&access, &plan, deadline, now_ms())
            .await?;
        tracing::info!(plan = %plan, "deadline moved");
        Ok(())
    }

    async fn edit_slot_options(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        options: OptionNames,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self
            .store
            .replace_slot_options(&access, &slot, &options, now_ms())
            .await?)
    }

    async fn ballot_page(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        like: Option<SlotId>,
    ) -> Result<BallotPage, AppError> {
        let access = self.settled_access(req, &household).await?;
        let mut page = self
            .store
            .ballot_page_like(&access, &slot, like.as_ref(), now_ms())
            .await?;
        page.live.key = self
            .live_key(req, &access, crate::live::Subject::Slot, slot.as_str())
            .await?;
        Ok(page)
    }

    async fn cast_ballot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        ranks: BTreeMap<String, String>,
        everywhere: bool,
    ) -> Result<BallotSaved, AppError> {
        let access = self.access(req, &household).await?;
        let now = now_ms();
        limits::check(
            &self.limits,
            limits::BALLOT_SAVES_PER_MEMBER.with_max(self.ballot_saves_per_minute),
            Subject::User(access.user_id()),
            now,
        )
        .await?;
        // A ranking that does not fit the slot's options ends the save with nothing written.
        let ranking = |options: &[(OptionId, String)]| {
            Ranking::from_ranks(options, &ranks)
                .map_err(|refused| StoreError::Ballot(refused.to_string()))
        };
        let saved = self.store.save_ballot(&access, &slot, ranking, now).await?;
        crate::metrics::ballot_cast();
        let also_saved = if everywhere {
            self.store.save_everywhere(&access, &slot, now).await?
        } else {
            0
        };
        Ok(BallotSaved {
            also_saved,
            closed: saved.closed.is_some(),
            winner: saved.closed.and_then(|closed| closed.winner_name),
            results_href: app::routes::slot_results(&household, &saved.plan, &slot),
        })
    }

    async fn results(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ResultsPage, AppError> {
        let access = self.settled_access(req, &household).await?;
        let view = self.store.plan(&access, &plan, now_ms()).await?;
        let outcomes = self.store.plan_outcomes(&access, &plan).await?;
        let slots = view
            .slots
            .into_iter()
            .map(|slot| {
                let outcome = match outcomes.iter().find(|stored| stored.slot == slot.id) {
                    Some(stored) => {
                        recount::outcome_view(access.household_id(), stored, slot.reopenable)?
                    }
                    None => SlotOutcome::Open {
                        deadline_ms: slot.reopened_deadline_ms.unwrap_or(view.deadline_ms),
                    },
                };
                Ok(SlotResult {
                    cook: slot.cook,
                    id: slot.id,
                    label: slot.label,
                    outcome,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(ResultsPage {
            household_id: view.household_id,
            plan_id: view.id,
            plan_title: view.title,
            days: view.days,
            slots,
        })
    }

    async fn slot_export(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<String, AppError> {
        let access = self.settled_access(req, &household).await?;
        if let Some(outcome) = self.store.slot_outcome(&access, &slot).await? {
            return Ok(outcome.export);
        }
        // Not closed, or not this household's slot at all (then: not found).
        self.store.options_of_slot(&access, &slot).await?;
        Err(AppError::Conflict(
            "Voting on this meal is still open: its ballots can be downloaded once it closes."
                .to_owned(),
        ))
    }

    async fn reopen_slot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        deadline: DeadlineForm,
        option: Option<app::plans::DishName>,
    ) -> Result<(), AppError> {
        // Settled first, so a slot that is overdue without ballots has closed and can re-open.
        let access = self.settled_access(req, &household).await?;
        let deadline = parse_reopen_deadline(
            &deadline.deadline_date,
            &deadline.deadline_time,
            &deadline.utc_offset_minutes,
            now_ms(),
        )?;
        self.store
            .reopen_slot_adding(&access, &slot, option.as_ref(), deadline, now_ms())
            .await?;
        tracing::info!(slot = %slot, "slot re-opened");
        Ok(())
    }
}

impl Services {
    /// Refuses a deadline closer than the minimum lead (`MIN_DEADLINE_LEAD_SECS`), unless the
    /// request carries `FINALIZE_SECRET` (the operator's prober, which watches a plan close a few
    /// seconds after proposing it).
    fn check_deadline_lead(
        &self,
        req: &Parts,
        plan: &NewPlan,
        now_ms: i64,
    ) -> Result<(), AppError> {
        if plan.deadline_ms - now_ms >= self.min_deadline_lead_ms {
            return Ok(());
        }
        if self
            .operator_secret
            .as_ref()
            .is_some_and(|secret| crate::auth::operator::presents_secret(&req.headers, secret))
        {
            return Ok(());
        }
        let minutes = self.min_deadline_lead_ms.div_euclid(60_000).max(1);
        Err(AppError::invalid(
            app::error::Field::DeadlineTime,
            format!(
                "Give people time to vote: the deadline must be at least {minutes} minutes after \
                 the plan is proposed."
            ),
        ))
    }
}
