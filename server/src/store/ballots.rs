//! Ballots: a slot's ballot page, and casting a ballot.
//!
//! Both are on the hot path of every member's visit, so each is a fixed, small number of
//! statements whatever the household's size: the page is two reads (the slot, then its options,
//! ballots and voters in one), and a ballot is one transaction of four or five statements unless
//! it is the one that closes the vote.

use app::{
    ids::{OptionId, PlanId, SlotId},
    plans::{BallotPage, MemberBallot, OptionView, Ranking, VoterView},
};
use sqlx::{Any, Transaction};

use super::{
    HouseholdAccess, PlanRule, Store, StoreError,
    closing::{Closed, close_if_due, lock_slot},
    outbox::{Event, EventKind, record_event_to},
};
use crate::closing::{ClosePath, count_closed};

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
}

/// One row of the ballot page's second read: an option (`part` 0), a ballot (1) or a person
/// who may vote (2), in display order.
#[derive(sqlx::FromRow)]
struct PageRow {
    part: i64,
    id: String,
    name: String,
    /// An option's note, or a ballot's ranking (JSON).
    detail: Option<String>,
    link: Option<String>,
    expected: i64,
}

/// A ballot being cast: the slot's turn is taken and its options are read, in one transaction.
/// The caller checks the ranking against [`Self::options`], then [`Self::save`]s it; dropping
/// the draft instead changes nothing.
pub struct BallotDraft {
    tx: Transaction<'static, Any>,
    access: HouseholdAccess,
    slot: SlotId,
    plan: String,
    deadline_ms: i64,
    closed: bool,
    /// Whether the household has a webhook to queue the event for.
    webhook: bool,
    /// Expected voters, other than this member, who still have no ballot.
    others_missing: i64,
    options: Vec<OptionView>,
    now_ms: i64,
}

/// The slot, the questions a ballot asks about it, and its options (one row per option).
#[derive(sqlx::FromRow)]
struct DraftRow {
    plan_id: String,
    deadline_ms: i64,
    closed: i64,
    webhook: i64,
    others_missing: i64,
    option_id: Option<String>,
    name: Option<String>,
    note: Option<String>,
    link: Option<String>,
}

impl BallotDraft {
    /// The slot's options in their order.
    pub fn options(&self) -> &[OptionView] {
        &self.options
    }

    /// The plan the slot belongs to.
    pub fn plan(&self) -> PlanId {
        PlanId::from_stored(self.plan.clone())
    }

    /// Saves the ballot, replacing an earlier one, while the slot is open; then closes the slot
    /// if every expected voter has voted. A ballot that arrives past the deadline closes the
    /// slot (lazily) and is refused.
    #[tracing::instrument(name = "store.save_ballot", skip_all)]
    pub async fn save(mut self, ranking: &Ranking) -> Result<Option<Closed>, StoreError> {
        let (slot, now_ms) = (self.slot.as_str(), self.now_ms);
        if self.closed {
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        if self.deadline_ms <= now_ms {
            let closed = close_if_due(&mut self.tx, slot, ClosePath::Lazy, now_ms).await?;
            self.tx.commit().await?;
            if let Some(closed) = &closed {
                count_closed(closed);
            }
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        let json =
            serde_json::to_string(ranking).map_err(|_| StoreError::Corrupt("ballots.ranking"))?;
        sqlx::query(
            r"insert into ballots (slot_id, user_id, ranking, cast_at, updated_at)
              values ($1, $2, $3, $4, $4)
              on conflict (slot_id, user_id)
              do update set ranking = excluded.ranking, updated_at = excluded.updated_at",
        )
        .bind(slot)
        .bind(self.access.user_id().as_str())
        .bind(&json)
        .bind(now_ms)
        .execute(&mut *self.tx)
        .await?;
        let event = Event {
            household: self.access.household_id().as_str(),
            kind: EventKind::BallotCast,
            actor: Some(self.access.user_id().as_str()),
            plan: Some(&self.plan),
            slot: Some(slot),
            data: serde_json::json!({}),
        };
        record_event_to(&mut self.tx, event, now_ms, self.webhook).await?;
        // This ballot is in: the vote is complete when nobody else expected is missing.
        let closed = if self.others_missing == 0 {
            close_if_due(&mut self.tx, slot, ClosePath::Lazy, now_ms).await?
        } else {
            None
        };
        self.tx.commit().await?;
        if let Some(closed) = &closed {
            count_closed(closed);
        }
        Ok(closed)
    }
}

impl Store {
    /// One slot as its ballot page shows it: options, every member's ballot, who voted.
    #[tracing::instrument(name = "store.ballot_page", skip_all)]
    pub async fn ballot_page(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        now_ms: i64,
    ) -> Result<BallotPage, StoreError> {
        let mut conn = self.acquire().await?;
        let header: Option<HeaderRow> = sqlx::query_as(
            r"select p.id as plan_id, p.title as plan_title, s.day, s.meal,
                     coalesce(s.deadline_at, p.deadline_at) as deadline_at,
                     cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                          then 1 else 0 end as bigint) as closed
              from slots s join plans p on p.id = s.plan_id
              where s.id = $1 and p.household_id = $2",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let HeaderRow {
            plan_id: plan,
            plan_title,
            day,
            meal,
            deadline_at: deadline_ms,
            closed,
        } = header.ok_or(StoreError::NotFound)?;
        // Options in their order; ballots and people by name. People are the current members
        // and the expected voters (who may have left since), each once.
        let rows: Vec<PageRow> = sqlx::query_as(
            r"select cast(0 as bigint) as part, o.position as pos, '' as sort_name,
                     o.id as id, d.name as name, d.note as detail, d.link as link,
                     cast(0 as bigint) as expected
              from slot_options o join dishes d on d.id = o.dish_id
              where o.slot_id = $1
              union all
              select cast(1 as bigint), cast(0 as bigint), lower(u.display_name),
                     b.user_id, u.display_name, b.ranking, cast(null as text), cast(0 as bigint)
              from ballots b join users u on u.id = b.user_id
              where b.slot_id = $1
              union all
              select cast(2 as bigint), cast(0 as bigint), lower(u.display_name),
                     u.id, u.display_name, cast(null as text), cast(null as text),
                     cast(case when exists (select 1 from plan_voters v
                                            where v.plan_id = $3 and v.user_id = u.id)
                          then 1 else 0 end as bigint)
              from users u
              where u.id in (select user_id from memberships where household_id = $2)
                 or u.id in (select user_id from plan_voters where plan_id = $3)
              order by part, pos, sort_name, id",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .bind(&plan)
        .fetch_all(&mut *conn)
        .await?;

        let mut options = Vec::new();
        let mut voted = Vec::new();
        let mut mine = None;
        let mut others = Vec::new();
        let mut voters = Vec::new();
        for row in rows {
            match row.part {
                0 => options.push(OptionView {
                    id: OptionId::from_stored(row.id),
                    name: row.name,
                    note: row.detail,
                    link: row.link,
                }),
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
                _ => voters.push(VoterView {
                    voted: voted.contains(&row.id),
                    name: row.name,
                    expected: row.expected == 1,
                }),
            }
        }
        let still_expected = voters.iter().filter(|v| v.expected && !v.voted).count();
        Ok(BallotPage {
            household_id: access.household_id().clone(),
            plan_id: PlanId::from_stored(plan),
            plan_title,
            slot_id: slot.clone(),
            slot_label: app::plans::slot_label(&day, &meal),
            deadline_ms,
            open: closed == 0 && deadline_ms > now_ms,
            options,
            mine,
            others,
            voters,
            still_expected: u32::try_from(still_expected).unwrap_or(u32::MAX),
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

    /// Starts casting the member's ballot for a slot of this household: takes the slot's turn
    /// (so a ballot is either counted in the result or refused, never lost between the two) and
    /// reads what the ballot needs in one statement. [`StoreError::NotFound`] for a slot of
    /// another household.
    #[tracing::instrument(name = "store.begin_ballot", skip_all)]
    pub async fn begin_ballot(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        now_ms: i64,
    ) -> Result<BallotDraft, StoreError> {
        let mut tx = self.begin().await?;
        if !lock_slot(&mut tx, slot.as_str(), Some(access.household_id().as_str())).await? {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<DraftRow> = sqlx::query_as(
            r"select p.id as plan_id, coalesce(s.deadline_at, p.deadline_at) as deadline_ms,
                     cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                          then 1 else 0 end as bigint) as closed,
                     cast(case when exists (select 1 from webhooks w
                                            where w.household_id = p.household_id)
                          then 1 else 0 end as bigint) as webhook,
                     (select cast(count(*) as bigint) from plan_voters v
                      join memberships m on m.user_id = v.user_id
                                        and m.household_id = p.household_id
                      where v.plan_id = p.id and v.user_id <> $3
                        and not exists (select 1 from ballots b
                                        where b.slot_id = s.id and b.user_id = v.user_id))
                       as others_missing,
                     o.id as option_id, d.name, d.note, d.link
              from slots s join plans p on p.id = s.plan_id
              left join slot_options o on o.slot_id = s.id
              left join dishes d on d.id = o.dish_id
              where s.id = $1 and p.household_id = $2
              order by o.position",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .fetch_all(&mut *tx)
        .await?;
        let first = rows.first().ok_or(StoreError::NotFound)?;
        let (plan, deadline_ms) = (first.plan_id.clone(), first.deadline_ms);
        let (closed, webhook, others_missing) =
            (first.closed == 1, first.webhook == 1, first.others_missing);
        let options = rows
            .into_iter()
            .filter_map(|row| {
                Some(OptionView {
                    id: OptionId::from_stored(row.option_id?),
                    name: row.name?,
                    note: row.note,
                    link: row.link,
                })
            })
            .collect();
        Ok(BallotDraft {
            tx,
            access: access.clone(),
            slot: slot.clone(),
            plan,
            deadline_ms,
            closed,
            webhook,
            others_missing,
            options,
            now_ms,
        })
    }
}
