//! Reading plans as pages show them: the household's plan list, and one plan with its slots,
//! options, who has voted and each slot's state.

use app::{
    attendance::SlotAttendance,
    cooks::{CookView, manages_cooks},
    households::Role,
    ids::{PlanId, SlotId},
    plans::{
        DeadlineChange, PlanSummary, PlanView, SlotBrief, SlotSummary, days_label, slot_label,
    },
    progress::LiveKey,
};

use super::store::{count, may_manage};
use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
    progress::read::{PlanProgress, plan_progress, slot_progress},
};

/// A slot of a plan as [`Store::plan`] reads it.
#[derive(sqlx::FromRow)]
struct SlotRow {
    id: String,
    day: String,
    meal: String,
    /// Every ballot on the slot.
    ballots: i64,
    /// Ballots of the plan's expected voters.
    expected_ballots: i64,
    /// The viewer's own (0 or 1).
    mine: i64,
    /// The slot's own deadline, after a re-open.
    deadline_at: Option<i64>,
    /// 1 once the slot has a result.
    closed: i64,
    /// The winning dish's name.
    winner: Option<String>,
    /// Bumped by every ballot, close and nudge: the plan's live version is their sum.
    revision: i64,
    /// The cook, while a member.
    cook_id: Option<String>,
    cook: Option<String>,
    /// Guests at the meal.
    guests: i64,
}

/// A plan of the household's list as [`Store::plans`] reads it.
#[derive(sqlx::FromRow)]
struct PlanListRow {
    id: String,
    title: String,
    first_day: String,
    last_day: String,
    deadline_at: i64,
    slots: i64,
    /// Slots the viewer has voted on.
    mine: i64,
    /// Slots without a result.
    open_slots: i64,
}

/// A slot's state in the household's plan list.
#[derive(sqlx::FromRow)]
struct SlotStateRow {
    plan_id: String,
    day: String,
    meal: String,
    /// 1 once the slot has a result.
    closed: i64,
    winner: Option<String>,
}

/// A plan's own fields as [`Store::plan`] reads them.
#[derive(sqlx::FromRow)]
struct PlanRow {
    title: String,
    first_day: String,
    last_day: String,
    deadline_at: i64,
    proposed_by: String,
    proposer: String,
    /// 1 while the proposer is still a member.
    proposer_present: i64,
}

impl SlotRow {
    /// The slot's cook, as `viewer` sees it.
    fn cook_view(&mut self, viewer: &Viewer<'_>) -> CookView {
        let cook = self.cook_id.take().zip(self.cook.take());
        CookView::new(cook, viewer.user, viewer.i_assign_cooks)
    }
}

/// A change of a plan's deadline.
#[derive(sqlx::FromRow)]
struct DeadlineChangeRow {
    changed_by: String,
    changed_at: i64,
    old_deadline_at: i64,
    new_deadline_at: i64,
}

impl Store {
    /// The household's plans, newest first, with how many slots the viewer has voted on. A plan
    /// is open while a slot of it has no result: the caller settles overdue slots first.
    #[tracing::instrument(name = "store.plans", skip_all)]
    pub async fn plans(&self, access: &HouseholdAccess) -> Result<Vec<PlanSummary>, StoreError> {
        let mut conn = self.acquire().await?;
        let rows: Vec<PlanListRow> = sqlx::query_as(
            r"select p.id, p.title, p.first_day, p.last_day, p.deadline_at,
                     cast((select count(*) from slots s where s.plan_id = p.id) as bigint)
                       as slots,
                     cast((select count(*) from ballots b join slots s on s.id = b.slot_id
                           where s.plan_id = p.id and b.user_id = $2) as bigint) as mine,
                     cast((select count(*) from slots s where s.plan_id = p.id and not exists
                             (select 1 from slot_results r where r.slot_id = s.id)) as bigint)
                       as open_slots
              from plans p
              where p.household_id = $1
              order by p.first_day desc, p.created_at desc, p.id",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .fetch_all(&mut *conn)
        .await?;
        let slot_rows: Vec<SlotStateRow> = sqlx::query_as(
            r"select s.plan_id, s.day, s.meal,
                     cast(case when r.slot_id is null then 0 else 1 end as bigint) as closed,
                     (select d.name from slot_options o join dishes d on d.id = o.dish_id
                      where o.id = r.winner_option_id) as winner
              from slots s join plans p on p.id = s.plan_id
                   left join slot_results r on r.slot_id = s.id
              where p.household_id = $1
              order by s.plan_id, s.position",
        )
        .bind(access.household_id().as_str())
        .fetch_all(&mut *conn)
        .await?;
        let slot_states = |plan: &str| {
            slot_rows
                .iter()
                .filter(|row| row.plan_id == plan)
                .map(|row| SlotBrief {
                    label: slot_label(&row.day, &row.meal),
                    closed: row.closed == 1,
                    winner: row.winner.clone(),
                })
                .collect()
        };
        Ok(rows
            .into_iter()
            .map(|row| PlanSummary {
                slot_states: slot_states(&row.id),
                id: PlanId::from_stored(row.id),
                title: row.title,
                days: days_label(&row.first_day, &row.last_day),
                deadline_ms: row.deadline_at,
                // Pages settle overdue slots before they read, so an open slot is open.
                open: row.open_slots > 0,
                slots: count(row.slots),
                my_ballots: count(row.mine),
            })
            .collect())
    }

    /// A plan with its slots, their options and ballot counts, and its deadline's history.
    #[tracing::instrument(name = "store.plan", skip_all)]
    pub async fn plan(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
        now_ms: i64,
    ) -> Result<PlanView, StoreError> {
        let mut conn = self.acquire().await?;
        let row: Option<PlanRow> = sqlx::query_as(
            r"select p.title, p.first_day, p.last_day, p.deadline_at, p.proposed_by,
                     u.display_name as proposer,
                     cast(case when exists (select 1 from memberships m
                                            where m.household_id = p.household_id
                                              and m.user_id = p.proposed_by)
                          then 1 else 0 end as bigint) as proposer_present
              from plans p join users u on u.id = p.proposed_by
              where p.id = $1 and p.household_id = $2",
        )
        .bind(plan.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let plan_row = row.ok_or(StoreError::NotFound)?;
        let slot_rows = slot_rows(&mut conn, access, plan).await?;
        let option_rows: Vec<(String, String)> = sqlx::query_as(
            r"select o.slot_id, d.name
              from slot_options o join slots s on s.id = o.slot_id join dishes d on d.id = o.dish_id
              where s.plan_id = $1 order by s.position, o.position",
        )
        .bind(plan.as_str())
        .fetch_all(&mut *conn)
        .await?;
        let deadline_changes = deadline_changes(&mut conn, plan).await?;
        let expected = expected_voters(&mut conn, access, plan).await?;
        let progress = plan_progress(&mut conn, access, plan.as_str()).await?;
        drop(conn);

        // Pages settle overdue slots before they read, so a slot without a result is open.
        let deadline_ms = plan_row.deadline_at;
        let open = slot_rows.iter().any(|row| row.closed == 0);
        let i_manage = may_manage(
            access,
            &plan_row.proposed_by,
            plan_row.proposer_present == 1,
        );
        let any_ballot = slot_rows.iter().any(|row| row.ballots > 0);
        let version: i64 = slot_rows.iter().map(|row| row.revision).sum();
        let viewer = Viewer {
            household: access.household_id(),
            user: access.user_id().as_str(),
            i_manage,
            i_assign_cooks: manages_cooks(
                plan_row.proposed_by == access.user_id().as_str(),
                access.role() == Role::Admin,
            ),
            deadline_ms,
            now_ms,
        };
        let slots = slot_summaries(slot_rows, &option_rows, progress, &viewer);
        Ok(PlanView {
            household_id: access.household_id().clone(),
            id: plan.clone(),
            title: plan_row.title,
            days: days_label(&plan_row.first_day, &plan_row.last_day),
            proposed_by: plan_row.proposer,
            deadline_ms,
            open,
            options_editable: open && deadline_ms > now_ms && i_manage && !any_ballot,
            deadline_movable: open && deadline_ms > now_ms && i_manage,
            deadline_changes,
            expected_voters: count(expected),
            slots,
            live: LiveKey {
                url: app::routes::plan_version(access.household_id(), plan),
                key: String::new(),
                version: version.to_string(),
            },
        })
    }
}

/// Who reads a plan's page, and when.
struct Viewer<'a> {
    household: &'a app::ids::HouseholdId,
    user: &'a str,
    /// The member may re-open a slot.
    i_manage: bool,
    /// The member may choose any member as a meal's cook (`app::cooks::manages_cooks`).
    i_assign_cooks: bool,
    /// The plan's deadline.
    deadline_ms: i64,
    now_ms: i64,
}

/// A plan's slots as its page lists them, each with its progress.
fn slot_summaries(
    slot_rows: Vec<SlotRow>,
    option_rows: &[(String, String)],
    mut progress: PlanProgress,
    viewer: &Viewer<'_>,
) -> Vec<SlotSummary> {
    let i_manage = viewer.i_manage;
    slot_rows
        .into_iter()
        .map(|mut row| {
            let cook = row.cook_view(viewer);
            let people = progress.remove(&row.id).unwrap_or_default();
            let open =
                row.closed == 0 && row.deadline_at.unwrap_or(viewer.deadline_ms) > viewer.now_ms;
            let id = SlotId::from_stored(row.id.clone());
            let attendance = SlotAttendance {
                household_id: viewer.household.clone(),
                slot_id: id.clone(),
                me_out: people.out.iter().any(|(user, _)| user == viewer.user),
                out: people.out.into_iter().map(|(_, name)| name).collect(),
                guests: u32::try_from(row.guests).unwrap_or(0),
                open,
                guests_editable: open && i_manage,
            };
            let progress = slot_progress(
                &people.attendees,
                people.nudge,
                viewer.user,
                open,
                viewer.now_ms,
            );
            (row, id, progress, attendance, cook)
        })
        .map(|(row, id, progress, attendance, cook)| SlotSummary {
            cook,
            progress,
            attendance,
            options: option_rows
                .iter()
                .filter(|(slot, _)| *slot == row.id)
                .map(|(_, name)| name.clone())
                .collect(),
            label: slot_label(&row.day, &row.meal),
            id,
            ballots: count(row.ballots),
            expected_ballots: count(row.expected_ballots),
            i_voted: row.mine > 0,
            closed: row.closed == 1,
            reopenable: i_manage && row.closed == 1 && row.winner.is_none(),
            winner: row.winner,
            reopened_deadline_ms: row.deadline_at,
        })
        .collect()
}

/// A plan's slots with their ballot counts, the viewer's own ballot, result and revision.
async fn slot_rows(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    plan: &PlanId,
) -> Result<Vec<SlotRow>, StoreError> {
    let rows: Vec<SlotRow> = sqlx::query_as(
        r"select s.id, s.day, s.meal,
                 cast((select count(*) from ballots b where b.slot_id = s.id) as bigint)
                   as ballots,
                 cast((select count(*) from ballots b join plan_voters v
                         on v.plan_id = s.plan_id and v.user_id = b.user_id
                       where b.slot_id = s.id) as bigint) as expected_ballots,
                 cast((select count(*) from ballots b
                       where b.slot_id = s.id and b.user_id = $2) as bigint) as mine,
                 s.deadline_at,
                 cast(case when r.slot_id is null then 0 else 1 end as bigint) as closed,
                 (select d.name from slot_options o join dishes d on d.id = o.dish_id
                  where o.id = r.winner_option_id) as winner,
                 s.revision, s.guests, cu.id as cook_id, cu.display_name as cook
          from slots s left join slot_results r on r.slot_id = s.id
          left join memberships cm on cm.user_id = s.cook_id and cm.household_id = $3
          left join users cu on cu.id = cm.user_id
          where s.plan_id = $1 order by s.position",
    )
    .bind(plan.as_str())
    .bind(access.user_id().as_str())
    .bind(access.household_id().as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// Who moved the plan's deadline, when, from what to what.
async fn deadline_changes(
    conn: &mut sqlx::AnyConnection,
    plan: &PlanId,
) -> Result<Vec<DeadlineChange>, StoreError> {
    let changes: Vec<DeadlineChangeRow> = sqlx::query_as(
        r"select u.display_name as changed_by, c.changed_at, c.old_deadline_at, c.new_deadline_at
          from plan_deadline_changes c join users u on u.id = c.changed_by
          where c.plan_id = $1 order by c.changed_at",
    )
    .bind(plan.as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(changes
        .into_iter()
        .map(|row| DeadlineChange {
            by: row.changed_by,
            at_ms: row.changed_at,
            from_ms: row.old_deadline_at,
            to_ms: row.new_deadline_at,
        })
        .collect())
}

/// How many of the plan's expected voters are still members.
async fn expected_voters(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    plan: &PlanId,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        r"select cast(count(*) as bigint) from plan_voters v
          join memberships m on m.user_id = v.user_id and m.household_id = $2
          where v.plan_id = $1",
    )
    .bind(plan.as_str())
    .bind(access.household_id().as_str())
    .fetch_one(&mut *conn)
    .await?)
}
