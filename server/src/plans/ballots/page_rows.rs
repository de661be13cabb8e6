//! The ballot page's second read: options, ballots, people, the latest nudge and the viewer's
//! other ranked meals of the plan in one statement, and its rows sorted into the page's parts.

use std::{collections::BTreeSet, sync::LazyLock};

use app::{
    cant_eat::{Entry, OptionDish},
    cooks::CookCandidate,
    ids::{OptionId, SlotId, UserId},
    plans::{MemberBallot, OptionView, Ranking, VoterView},
    progress::NudgeView,
};

use crate::{
    access::HouseholdAccess,
    attendance::is_out,
    cant_eat::{entries_of, parse_entry},
    db::StoreError,
    progress::read::{Attendee, LATEST_NUDGE, expected_for_slot},
};

/// One row of the ballot page's second read: an option (`part` 0), a ballot (1), a person who
/// may vote (2), a member of the slot's latest nudge (3), one of the viewer's other ranked meals
/// (4), an option's dish (5) or a "can't eat" entry (6), in display order.
#[derive(sqlx::FromRow)]
pub(super) struct PageRow {
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
/// and meal); each option's dish and ingredient lines (part 5) and the "can't eat" entries of
/// the people eating and of the viewer (part 6: member, entry), which never leave the server:
/// the page gets only the options they rule out. `$1` the slot, `$2` the household, `$3` the
/// plan, `$4` the viewer.
pub(super) static PAGE_ROWS: LazyLock<String> = LazyLock::new(|| {
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
          union all
          select cast(5 as bigint), o.position, '', o.id, o.dish_id, d.ingredients,
                 cast(null as text), cast(0 as bigint), cast(0 as bigint), cast(0 as bigint),
                 cast(0 as bigint), cast(0 as bigint)
          from slot_options o join dishes d on d.id = o.dish_id
          where o.slot_id = $1
          union all
          select cast(6 as bigint), cast(0 as bigint), '', ce.user_id, ce.entry,
                 cast(null as text), cast(null as text), cast(0 as bigint), cast(0 as bigint),
                 cast(0 as bigint), cast(0 as bigint), cast(0 as bigint)
          from ({cant_eat}) ce
          order by part, pos, sort_name, id, name",
        eating = expected_for_slot("$1", "$3", "$2"),
        out = is_out("$1", "u.id"),
        cant_eat = entries_of(
            &format!(
                "select ev.user_id from ({}) ev union select $4",
                expected_for_slot("$1", "$3", "$2")
            ),
            "$2"
        ),
    )
});

/// The ballot page's second read, in its parts.
#[derive(Default)]
pub(super) struct Parts {
    pub options: Vec<OptionView>,
    pub mine: Option<Ranking>,
    pub others: Vec<MemberBallot>,
    pub voters: Vec<VoterView>,
    /// The people eating, with whether they have ranked.
    pub attendees: Vec<Attendee>,
    pub nudge: Option<NudgeView>,
    /// The household's members, who may cook.
    pub members: Vec<CookCandidate>,
    /// The viewer's other ranked meals of the plan, with their labels.
    pub my_meals: Vec<(SlotId, String)>,
    /// The members who are out (id, name), by name.
    pub out: Vec<(String, String)>,
    /// The options whose dish won an earlier slot of the plan.
    pub won_earlier: BTreeSet<OptionId>,
    /// Each option's dish with its ingredients' foods.
    pub dishes: Vec<OptionDish>,
    /// The "can't eat" entries of the people eating and of the viewer (member, entry).
    pub cant_eat: Vec<(String, Entry)>,
    /// Who has a ballot (user ids), read before the people.
    voted: Vec<String>,
}

/// Sorts the rows of the ballot page's second read into its parts; `access`'s member's ballot
/// is theirs, the others' are listed by name.
pub(super) fn parts(rows: Vec<PageRow>, access: &HouseholdAccess) -> Result<Parts, StoreError> {
    let mut parts = Parts::default();
    for row in rows {
        match row.part {
            0 => parts.option(row),
            1 => parts.ballot(row, access)?,
            2 => parts.person(row),
            4 => parts.my_meals.push((
                SlotId::from_stored(row.id),
                app::plans::slot_label(&row.name, row.detail.as_deref().unwrap_or_default()),
            )),
            5 => parts.dishes.push(OptionDish::from_stored(
                OptionId::from_stored(row.id),
                row.name,
                row.detail.as_deref(),
            )),
            6 => parts
                .cant_eat
                .extend(parse_entry(&row.name).map(|entry| (row.id, entry))),
            _ => parts
                .nudge
                .get_or_insert_with(|| NudgeView {
                    names: Vec::new(),
                    at_ms: row.at,
                })
                .names
                .push(row.name),
        }
    }
    Ok(parts)
}

impl Parts {
    fn option(&mut self, row: PageRow) {
        let id = OptionId::from_stored(row.id);
        if row.flag == 1 {
            self.won_earlier.insert(id.clone());
        }
        self.options.push(OptionView {
            id,
            name: row.name,
            note: row.detail,
            link: row.link,
        });
    }

    fn ballot(&mut self, row: PageRow, access: &HouseholdAccess) -> Result<(), StoreError> {
        let ranking: Ranking = row
            .detail
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .ok_or(StoreError::Corrupt("ballots.ranking"))?;
        if row.id == access.user_id().as_str() {
            self.mine = Some(ranking);
        } else {
            self.others.push(MemberBallot {
                member: row.name,
                ranking,
            });
        }
        self.voted.push(row.id);
        Ok(())
    }

    fn person(&mut self, row: PageRow) {
        let ranked = self.voted.contains(&row.id);
        if row.member == 1 {
            self.members.push(CookCandidate {
                id: UserId::from_stored(row.id.clone()),
                name: row.name.clone(),
            });
        }
        if row.flag == 1 {
            self.out.push((row.id.clone(), row.name.clone()));
        }
        if row.eating == 1 {
            self.attendees.push(Attendee {
                user: row.id.clone(),
                name: row.name.clone(),
                ranked,
            });
        }
        self.voters.push(VoterView {
            voted: ranked,
            name: row.name,
            expected: row.expected == 1,
        });
    }
}
