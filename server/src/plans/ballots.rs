//! Ballots: a slot's ballot page, and its options. Saving a ballot is `ballots/save.rs`.
//!
//! Both the page and the save are on the hot path of every member's visit, so each is a fixed,
//! small number of statements whatever the household's size: the page is two reads (the slot,
//! then its options, ballots and voters in one), and a ballot is one transaction of four or five
//! statements unless it is the one that closes the vote.

mod arrange;
mod everywhere;
mod save;

pub use save::SavedBallot;

use std::{collections::BTreeSet, sync::LazyLock};

use app::{
    attendance::SlotAttendance,
    cooks::{CookCandidate, CookView, manages_cooks},
    households::Role,
    ids::{OptionId, PlanId, SlotId, UserId},
    plans::{
        BallotPage, EligibilityInput, MemberBallot, OptionView, Ranking, VoterView, eligibility,
    },
    progress::{LiveKey, NudgeView},
};

use crate::{
    access::HouseholdAccess,
    attendance::is_out,
    db::{Store, StoreError},
    progress::read::{Attendee, LATEST_NUDGE, expected_for_slot, slot_progress},
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

/// One row of the ballot page's second read: an option (`part` 0), a ballot (1), a person who
/// may vote (2) or a member of the slot's latest nudge (3), in display order.
#[derive(sqlx::FromRow)]
struct PageRow {
    part: i64,
    id: String,
    name: String,
    /// An option's note, or a ballot's ranking (JSON).
    detail: Option<String>,
    link: Option<String>,
    expected: i64,
    /// A person: 1 when eating (`progress::read::expected_for_slot`).
    eating: i64,
    /// A person: 1 while a member of the household (who may cook).
    member: i64,
    /// A person: 1 when they said "I'm out"; an option: 1 when its dish won an earlier slot of
    /// the plan.
    flag: i64,
    /// A nudge's member: when it was.
    at: i64,
}

/// The ballot page's second read: options in their order; ballots and people by name (people
/// are the current members and the expected voters, who may have left since, each once); and
/// the names in the slot's latest nudge; the viewer's other ranked meals of the plan (part 4, day
/// and meal). `$1` the slot, `$2` the household, `$3` the plan, `$4` the viewer.
static PAGE_ROWS: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select cast(0 as bigint) as part, o.position as pos, '' as sort_name,
                 o.id as id, d.name as name, d.note as detail, d.link as link,
                 cast(0 as bigint) as expected, cast(0 as bigint) as eating,
                 cast(0 as bigint) as member,
                 cast(case when exists (
                     select 1 from slot_results r join slots e on e.id = r.slot_id
                     join slot_options w on w.id = r.winner_option_id
                     where e.plan_id = $3 and w.dish_id = o.dish_id
                       and e.position < (select position from slots where id = $1))
                 then 1 else 0 end as bigint) as flag,
                 cast(0 as bigint) as at
          from slot_options o join dishes d on d.id = o.dish_id
          where o.slot_id = $1
          union all
          select cast(1 as bigint), cast(0 as bigint), lower(u.display_name),
                 b.user_id, u.display_name, b.ranking, cast(null as text), cast(0 as bigint),
                 cast(0 as bigint), cast(0 as bigint), cast(0 as bigint), cast(0 as bigint)
          from ballots b join users u on u.id = b.user_id
          where b.slot_id = $1
          union all
          select cast(2 as bigint), cast(0 as bigint), lower(u.display_name),
                 u.id, u.display_name, cast(null as text), cast(null as text),
                 cast(case when exists (select 1 from plan_voters v
                                        where v.plan_id = $3 and v.user_id = u.id)
                      then 1 else 0 end as bigint),
                 cast(case when u.id in ({eating}) then 1 else 0 end as bigint),
                 cast(case when u.id in (select user_id from memberships where household_id = $2)
                      then 1 else 0 end as bigint),
                 cast(case when {out} then 1 else 0 end as bigint),
                 cast(0 as bigint)
          from users u
          where u.id in (select user_id from memberships where household_id = $2)
             or u.id in (select user_id from plan_voters where plan_id = $3)
          union all
          select cast(3 as bigint), cast(0 as bigint), lower(u.display_name),
                 u.id, u.display_name, cast(null as text), cast(null as text), cast(0 as bigint),
                 cast(0 as bigint), cast(0 as bigint), cast(0 as bigint), n.nudged_at
          from nudges n join nudged_members nm on nm.nudge_id = n.id
               join users u on u.id = nm.user_id
          where n.slot_id = $1 and {LATEST_NUDGE}
          union all
          select cast(4 as bigint), s.position, '', s.id, s.day, s.meal, cast(null as text),
                 cast(0 as bigint), cast(0 as bigint), cast(0 as bigint), cast(0 as bigint),
                 cast(0 as bigint)
          from slots s join ballots b on b.slot_id = s.id and b.user_id = $4
          where s.plan_id = $3 and s.id <> $1
          order by part, pos, sort_name, id",
        eating = expected_for_slot("$1", "$3", "$2"),
        out = is_out("$1", "u.id"),
    )
});

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
            won_earlier,
        } = parts(rows, access)?;
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
        let excluded = repeats_excluded(&options, &won_earlier, header.no_repeats == 1);
        let attendance = SlotAttendance {
            household_id: access.household_id().clone(),
            slot_id: slot.clone(),
            me_out: out
                .iter()
                .any(|(user, _)| user == access.user_id().as_str()),
            out: out.into_iter().map(|(_, name)| name).collect(),
            guests: u32::try_from(header.guests).unwrap_or(0),
            open,
            guests_editable: open && header.proposed_by == access.user_id().as_str(),
        };
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

/// The options that cannot win now: in a no-repeat plan, those whose dish won an earlier slot
/// (unless every option has, `app::plans::eligibility`).
fn repeats_excluded(
    options: &[OptionView],
    won_earlier: &BTreeSet<OptionId>,
    no_repeats: bool,
) -> Vec<OptionId> {
    let ids: Vec<OptionId> = options.iter().map(|o| o.id.clone()).collect();
    eligibility(&EligibilityInput {
        options: &ids,
        won_earlier,
        vetoed: &BTreeSet::new(),
        no_repeats,
    })
    .repeats_excluded
}

/// The ballot page's second read, in its parts.
struct Parts {
    options: Vec<OptionView>,
    mine: Option<Ranking>,
    others: Vec<MemberBallot>,
    voters: Vec<VoterView>,
    /// The people eating, with whether they have ranked.
    attendees: Vec<Attendee>,
    nudge: Option<NudgeView>,
    /// The household's members, who may cook.
    members: Vec<CookCandidate>,
    /// The viewer's other ranked meals of the plan, with their labels.
    my_meals: Vec<(SlotId, String)>,
    /// The members who are out (id, name), by name.
    out: Vec<(String, String)>,
    /// The options whose dish won an earlier slot of the plan.
    won_earlier: BTreeSet<OptionId>,
}

/// Sorts the rows of the ballot page's second read into its parts; `access`'s member's ballot
/// is theirs, the others' are listed by name.
fn parts(rows: Vec<PageRow>, access: &HouseholdAccess) -> Result<Parts, StoreError> {
    let mut options = Vec::new();
    let mut voted = Vec::new();
    let mut mine = None;
    let mut others = Vec::new();
    let mut voters = Vec::new();
    let mut attendees = Vec::new();
    let mut nudge: Option<NudgeView> = None;
    let mut members = Vec::new();
    let mut my_meals = Vec::new();
    let mut out = Vec::new();
    let mut won_earlier = BTreeSet::new();
    for row in rows {
        match row.part {
            0 => {
                let id = OptionId::from_stored(row.id);
                if row.flag == 1 {
                    won_earlier.insert(id.clone());
                }
                options.push(OptionView {
                    id,
                    name: row.name,
                    note: row.detail,
                    link: row.link,
                });
            }
            1 => {
                let ranking: Ranking = row
                    .detail
                    .as_deref()
                    .and_then(|json| serde_json::from_str(json).ok())
                    .ok_or(StoreError::Corrupt("ballots.ranking"))?;
                if row.id == access.user_id().as_str() {
                    mine = Some(ranking);
                } else {
                    others.push(MemberBallot {
                        member: row.name,
                        ranking,
                    });
                }
                voted.push(row.id);
            }
            2 => {
                let ranked = voted.contains(&row.id);
                if row.member == 1 {
                    members.push(CookCandidate {
                        id: UserId::from_stored(row.id.clone()),
                        name: row.name.clone(),
                    });
                }
                if row.flag == 1 {
                    out.push((row.id.clone(), row.name.clone()));
                }
                if row.eating == 1 {
                    attendees.push(Attendee {
                        user: row.id.clone(),
                        name: row.name.clone(),
                        ranked,
                    });
                }
                voters.push(VoterView {
                    voted: ranked,
                    name: row.name,
                    expected: row.expected == 1,
                });
            }
            4 => my_meals.push((
                SlotId::from_stored(row.id),
                app::plans::slot_label(&row.name, row.detail.as_deref().unwrap_or_default()),
            )),
            _ => nudge
                .get_or_insert_with(|| NudgeView {
                    names: Vec::new(),
                    at_ms: row.at,
                })
                .names
                .push(row.name),
        }
    }
    Ok(Parts {
        options,
        mine,
        others,
        voters,
        attendees,
        nudge,
        members,
        my_meals,
        out,
        won_earlier,
    })
}
