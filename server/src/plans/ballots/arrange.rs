//! The ballot page's starting arrangement when it is not the member's saved ballot: their saved
//! ranking of another meal of the plan ("Same as …", asked for by the page's address), or, for a
//! meal they have not ranked, their past rankings of the same dishes in earlier plans (the
//! latest [`PAST_BALLOTS`]). One statement, read only when needed; nothing is written. The
//! arranging itself is `app::plans::arrange`.

use app::{
    ids::{DishId, OptionId, SlotId},
    plans::{ArrangedFrom, PAST_BALLOTS, PastBallot, Ranking, carry_over, from_past},
};

use crate::{access::HouseholdAccess, db::StoreError};

/// An option of this meal (`part` 0) or of a source meal (2), or a source ballot (1).
#[derive(sqlx::FromRow)]
struct Row {
    part: i64,
    slot_id: String,
    option_id: String,
    dish_id: String,
    ranking: Option<String>,
}

/// The source ballots: the member's ballot on `$4` when given (a meal of the same household), else
/// their latest ballots on meals of earlier plans (`$5` is this plan).
const SOURCES: &str = r"select b.slot_id from ballots b join slots s on s.id = b.slot_id
                                         join plans p on p.id = s.plan_id
      where b.user_id = $2 and p.household_id = $3
        and (($4 <> '' and b.slot_id = $4) or ($4 = '' and p.id <> $5))
      order by b.updated_at desc, b.slot_id limit $6";

/// What the ballot page asks to be arranged.
pub(super) struct Asked<'a> {
    /// "Same as" this meal.
    pub like: Option<&'a SlotId>,
    /// The viewer's other ranked meals of the plan, with their labels: "Same as" is only from
    /// one of them.
    pub my_meals: &'a [(SlotId, String)],
    /// The meal is open and the viewer has not ranked it.
    pub fresh: bool,
}

/// The board's starting arrangement for the member of `access` on `slot` of `plan`, when it is
/// not their saved ballot, and where it came from: at most one statement, none when nothing is
/// asked.
pub(super) async fn draft(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    slot: &SlotId,
    plan: &str,
    asked: Asked<'_>,
) -> Result<Option<(Ranking, ArrangedFrom)>, StoreError> {
    let like = asked
        .like
        .and_then(|like| asked.my_meals.iter().find(|(id, _)| id == like));
    Ok(match like {
        Some((like, label)) => arranged(conn, access, slot, plan, Some(like))
            .await?
            .map(|ranking| (ranking, ArrangedFrom::Meal(label.clone()))),
        None if asked.fresh => arranged(conn, access, slot, plan, None)
            .await?
            .map(|ranking| (ranking, ArrangedFrom::Past)),
        None => None,
    })
}

/// The arrangement for the member of `access` on `slot` of `plan`: carried from their ballot on
/// `like`, or (`like` `None`) from their past rankings. `None` when there is nothing to go on.
async fn arranged(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    slot: &SlotId,
    plan: &str,
    like: Option<&SlotId>,
) -> Result<Option<Ranking>, StoreError> {
    let statement = format!(
        r"select cast(0 as bigint) as part, o.slot_id, o.id as option_id, o.dish_id,
                 cast(null as text) as ranking
          from slot_options o where o.slot_id = $1
          union all
          select cast(1 as bigint), b.slot_id, '', '', b.ranking
          from ballots b where b.user_id = $2 and b.slot_id in ({SOURCES})
          union all
          select cast(2 as bigint), o.slot_id, o.id, o.dish_id, cast(null as text)
          from slot_options o where o.slot_id in ({SOURCES})"
    );
    let rows: Vec<Row> = sqlx::query_as(&statement)
        .bind(slot.as_str())
        .bind(access.user_id().as_str())
        .bind(access.household_id().as_str())
        .bind(like.map_or("", SlotId::as_str))
        .bind(plan)
        .bind(PAST_BALLOTS)
        .fetch_all(&mut *conn)
        .await?;
    let options_of = |part: i64, slot: &str| -> Vec<(OptionId, DishId)> {
        rows.iter()
            .filter(|row| row.part == part && row.slot_id == slot)
            .map(|row| {
                (
                    OptionId::from_stored(row.option_id.clone()),
                    DishId::from_stored(row.dish_id.clone()),
                )
            })
            .collect()
    };
    let here = options_of(0, slot.as_str());
    let ballots: Vec<(&str, Ranking)> = rows
        .iter()
        .filter(|row| row.part == 1)
        .filter_map(|row| {
            let ranking = serde_json::from_str(row.ranking.as_deref()?).ok()?;
            Some((row.slot_id.as_str(), ranking))
        })
        .collect();
    if like.is_some() {
        return Ok(ballots
            .first()
            .map(|(source, ranking)| carry_over(ranking, &options_of(2, source), &here)));
    }
    let past: Vec<PastBallot> = ballots
        .iter()
        .map(|(source, ranking)| PastBallot::new(ranking, &options_of(2, source)))
        .collect();
    Ok(from_past(&past, &here))
}
