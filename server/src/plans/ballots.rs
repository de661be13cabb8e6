//! Ballots: a slot's ballot page, and its options. Saving a ballot is `ballots/save.rs`.
//!
//! Both the page and the save are on the hot path of every member's visit, so each is a fixed,
//! small number of statements whatever the household's size: the page is two reads (the slot,
//! then its options, ballots and voters in one), and a ballot is one transaction of four or five
//! statements unless it is the one that closes the vote.

mod arrange;
mod everywhere;
mod page_rows;
mod save;

pub use save::SavedBallot;

use std::collections::BTreeSet;

use app::{
    attendance::SlotAttendance,
    cooks::{CookCandidate, CookView, manages_cooks},
    households::Role,
    ids::{OptionId, PlanId, SlotId},
    plans::{BallotPage, EligibilityInput, OptionView, eligibility},
    progress::LiveKey,
};

use self::page_rows::{PAGE_ROWS, PageRow, Parts, parts};
use crate::{
    access::HouseholdAccess,
    cant_eat::ruled_out_for,
    db::{Store, StoreError},
    progress::read::slot_progress,
};

/// The slot and its plan, as the ballot page heads them.
#[derive(sqlx::FromRow)]
struct HeaderRow {
    plan_id: String,
    plan_title: String,
    day: String,
    meal: String,
    /// The slot's own deadline after a re-open, else the plan's.
    deadline_at: i64,
    /// 1 once the slot has a result.
    closed: i64,
    /// The slot's live version.
    revision: i64,
    guests: i64,
    proposed_by: String,
    /// 1 when the plan forbids a dish winning twice.
    no_repeats: i64,
    /// The cook, while a member.
    cook_id: Option<String>,
    cook: Option<String>,
}

impl Store {
    /// One slot as its ballot page shows it: options, every member's ballot, who voted.
    pub async fn ballot_page(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        now_ms: i64,
    ) -> Result<BallotPage, StoreError> {
        self.ballot_page_like(access, slot, None, now_ms).await
    }

    /// [`Self::ballot_page`], its board arranged like the viewer's saved ranking of meal `like`
    /// ("Same as …"); without it, a meal the viewer has not ranked is arranged from their past
    /// rankings (`ballots/arrange.rs`: one more statement, only then). Nothing is saved.
    #[tracing::instrument(name = "store.ballot_page", skip_all)]
    pub async fn ballot_page_like(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        like: Option<&SlotId>,
        now_ms: i64,
    ) -> Result<BallotPage, StoreError> {
        let mut conn = self.acquire().await?;
        let header = header(&mut conn, access, slot).await?;
        let rows: Vec<PageRow> = sqlx::query_as(PAGE_ROWS.as_str())
            .bind(slot.as_str())
            .bind(access.household_id().as_str())
            .bind(&header.plan_id)
            .bind(access.user_id().as_str())
            .fetch_all(&mut *conn)
            .await?;

        let parts = parts(rows, access)?;
        let Excluded {
            repeats: excluded,
            ruled_out,
            mine: cant_eat_mine,
        } = excluded_options(access, &parts, header.no_repeats == 1);
        let Parts {
            options,
            mine,
            others,
            voters,
            attendees,
            nudge,
            members,
            my_meals,
            out,
            ..
        } = parts;
        let open = header.closed == 0 && header.deadline_at > now_ms;
        let asked = arrange::Asked {
            like,
            my_meals: &my_meals,
            fresh: open && mine.is_none(),
        };
        let draft = arrange::draft(&mut conn, access, slot, &header.plan_id, asked).await?;
        drop(conn);
        let cook = cook_view(
            access,
            &header.proposed_by,
            header.cook_id.clone().zip(header.cook.clone()),
            members,
        );
        let still_expected = voters.iter().filter(|v| v.expected && !v.voted).count();
        let progress = slot_progress(&attendees, nudge, access.user_id().as_str(), open, now_ms);
        let attendance = attendance(access, slot, &header, out, open);
        Ok(BallotPage {
            household_id: access.household_id().clone(),
            plan_id: PlanId::from_stored(header.plan_id),
            plan_title: header.plan_title,
            slot_id: slot.clone(),
            slot_label: app::plans::slot_label(&header.day, &header.meal),
            deadline_ms: header.deadline_at,
            open,
            options,
            mine,
            others,
            voters,
            still_expected: u32::try_from(still_expected).unwrap_or(u32::MAX),
            progress,
            attendance,
            excluded,
            ruled_out,
            cant_eat_mine,
            live: LiveKey {
                url: app::routes::slot_version(access.household_id(), slot),
                key: String::new(),
                version: header.revision.to_string(),
            },
            cook,
            draft,
            my_meals,
        })
    }

    /// A slot's options in their order, for a slot of this household.
    #[tracing::instrument(name = "store.options_of_slot", skip_all)]
    pub async fn options_of_slot(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
    ) -> Result<Vec<OptionView>, StoreError> {
        // Left joins: a slot with no options still answers one row, so "no such slot" is told
        // apart from "no options".
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Option<String>,
            name: Option<String>,
            note: Option<String>,
            link: Option<String>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            r"select o.id as id, d.name as name, d.note as note, d.link as link
                  from slots s join plans p on p.id = s.plan_id
                  left join slot_options o on o.slot_id = s.id
                  left join dishes d on d.id = o.dish_id
                  where s.id = $1 and p.household_id = $2
                  order by o.position",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(OptionView {
                    id: OptionId::from_stored(row.id?),
                    name: row.name?,
                    note: row.note,
                    link: row.link,
                })
            })
            .collect())
    }
}

/// Who is out of the meal and its guests, as the viewer of `access` sees them.
fn attendance(
    access: &HouseholdAccess,
    slot: &SlotId,
    header: &HeaderRow,
    out: Vec<(String, String)>,
    open: bool,
) -> SlotAttendance {
    let viewer = access.user_id().as_str();
    SlotAttendance {
        household_id: access.household_id().clone(),
        slot_id: slot.clone(),
        me_out: out.iter().any(|(user, _)| user == viewer),
        out: out.into_iter().map(|(_, name)| name).collect(),
        guests: u32::try_from(header.guests).unwrap_or(0),
        open,
        guests_editable: open && header.proposed_by == viewer,
    }
}

/// The ballot page's first read: the slot and its plan, for a slot of this household.
async fn header(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    slot: &SlotId,
) -> Result<HeaderRow, StoreError> {
    let header: Option<HeaderRow> = sqlx::query_as(
        r"select p.id as plan_id, p.title as plan_title, s.day, s.meal,
                 coalesce(s.deadline_at, p.deadline_at) as deadline_at,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 s.revision, s.guests, p.proposed_by, cast(p.no_repeats as bigint) as no_repeats,
                 cu.id as cook_id, cu.display_name as cook
          from slots s join plans p on p.id = s.plan_id
          left join memberships cm on cm.user_id = s.cook_id and cm.household_id = p.household_id
          left join users cu on cu.id = cm.user_id
          where s.id = $1 and p.household_id = $2",
    )
    .bind(slot.as_str())
    .bind(access.household_id().as_str())
    .fetch_optional(&mut *conn)
    .await?;
    header.ok_or(StoreError::NotFound)
}

/// The meal's cook (id and name, while a member) for the viewer of `access`, with the members
/// they may choose when they are the plan's proposer or an admin.
fn cook_view(
    access: &HouseholdAccess,
    proposed_by: &str,
    cook: Option<(String, String)>,
    members: Vec<CookCandidate>,
) -> CookView {
    let i_assign = manages_cooks(
        proposed_by == access.user_id().as_str(),
        access.role() == Role::Admin,
    );
    let mut view = CookView::new(cook, access.user_id().as_str(), i_assign);
    if i_assign {
        view.members = members;
    }
    view
}

/// The options that cannot win now, and the viewer's own "can't eat", each in the slot's order.
struct Excluded {
    /// In a no-repeat plan, those whose dish won an earlier slot (unless every option has).
    repeats: Vec<OptionId>,
    /// Ruled out for someone eating (`app::cant_eat`): never whose or why.
    ruled_out: Vec<OptionId>,
    /// On the viewer's own list, whether or not they eat this meal.
    mine: Vec<OptionId>,
}

/// [`Excluded`] by the rules of `app::plans::eligibility`, from the page's read: the people
/// eating rule options out, the viewer sees their own.
fn excluded_options(access: &HouseholdAccess, parts: &Parts, no_repeats: bool) -> Excluded {
    let viewer = access.user_id().as_str();
    let vetoed = ruled_out_for(&parts.dishes, &parts.cant_eat, |user| {
        parts.attendees.iter().any(|attendee| attendee.user == user)
    });
    let mine = ruled_out_for(&parts.dishes, &parts.cant_eat, |user| user == viewer);
    let ids: Vec<OptionId> = parts.options.iter().map(|o| o.id.clone()).collect();
    let result = eligibility(&EligibilityInput {
        options: &ids,
        won_earlier: &parts.won_earlier,
        vetoed: &vetoed,
        no_repeats,
    });
    let in_order = |set: &BTreeSet<OptionId>| -> Vec<OptionId> {
        ids.iter().filter(|id| set.contains(id)).cloned().collect()
    };
    Excluded {
        repeats: result.repeats_excluded,
        ruled_out: in_order(&vetoed),
        mine: in_order(&mine),
    }
}
