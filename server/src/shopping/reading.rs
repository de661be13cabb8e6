//! Reading a plan's list for its page and its poll: one statement for the list (its lines, the
//! household's aisles, pantry staples and merged foods, the plan's title) and one for the open
//! meals' leaders ("probably needed"). The poll's version is `crate::live`'s.

use app::{
    ids::{AisleId, LineId, PlanId},
    shopping::{CheckedView, LineView},
};

use super::lines::StoredLine;
use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

/// One row of the list statement: a line, an aisle, a staple, a merged food or the plan, by
/// `kind`.
#[derive(Debug, sqlx::FromRow)]
struct ListRow {
    kind: String,
    id: Option<String>,
    /// The line's food, the aisle's name, the staple's food, the merged food or the plan's title.
    name: Option<String>,
    food_key: Option<String>,
    family: Option<String>,
    amount: Option<f64>,
    metric: Option<i64>,
    /// The line's sources; for a merged food, the food it is the same as.
    sources: Option<String>,
    checked: Option<i64>,
    checked_amount: Option<f64>,
    checker: Option<String>,
    checked_at: Option<i64>,
    aisle: Option<String>,
    position: Option<i64>,
    revision: Option<i64>,
}

/// A plan's list as stored, before it is laid out by aisle.
#[derive(Debug, Default)]
pub struct StoredList {
    pub title: String,
    /// The sum of the lines' revisions: grows with every change.
    pub version: i64,
    /// Lines in the order they first appeared, with the aisle their food is kept in.
    pub lines: Vec<(LineView, String, Option<AisleId>)>,
    /// Aisles in the household's order, with their positions.
    pub aisles: Vec<(AisleId, String, i64)>,
    /// Pantry staples: (food key, food).
    pub staples: Vec<(String, String)>,
    /// Merged foods: (food key, food, the food it is the same as), in the order they were merged.
    pub same_foods: Vec<(String, String, String)>,
}

const LIST: &str = r"
    select 'plan' as kind, p.id, p.title as name, cast(null as text) as food_key,
           cast(null as text) as family, cast(null as double precision) as amount,
           cast(null as bigint) as metric, cast(null as text) as sources,
           cast(null as bigint) as checked, cast(null as double precision) as checked_amount,
           cast(null as text) as checker, cast(null as bigint) as checked_at,
           cast(null as text) as aisle, cast(null as bigint) as position,
           cast(null as bigint) as revision
      from plans p where p.id = $1 and p.household_id = $2
    union all
    select 'line', l.id, l.food, l.food_key, l.family, l.amount, cast(l.metric as bigint),
           l.sources, cast(l.checked as bigint), l.checked_amount, u.display_name,
           l.checked_at, fa.aisle_id, l.created_at, l.revision
      from shopping_lines l
      join plans p on p.id = l.plan_id and p.household_id = $2
      left join users u on u.id = l.checked_by
      left join food_aisles fa on fa.household_id = $2 and fa.food_key = l.food_key
     where l.plan_id = $1
    union all
    select 'aisle', a.id, a.name, null, null, null, null, null, null, null, null, null, null,
           a.position, null
      from aisles a where a.household_id = $2
    union all
    select 'staple', null, s.food, s.food_key, null, null, null, null, null, null, null, null,
           null, null, null
      from pantry_staples s where s.household_id = $2
    union all
    select 'same', null, a.food, a.food_key, null, null, null, a.target_food, null, null, null,
           null, null, a.created_at, null
      from food_aliases a where a.household_id = $2";

impl Store {
    /// The plan's list, its household's aisles and staples, in one statement;
    /// [`StoreError::NotFound`] for a plan of another household.
    #[tracing::instrument(name = "store.shopping_list", skip_all)]
    pub async fn shopping_list(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
    ) -> Result<StoredList, StoreError> {
        let rows: Vec<ListRow> = sqlx::query_as(LIST)
            .bind(plan.as_str())
            .bind(access.household_id().as_str())
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let mut list = StoredList::default();
        let mut found = false;
        let mut lines = Vec::new();
        let mut same_foods = Vec::new();
        for row in rows {
            match row.kind.as_str() {
                "plan" => {
                    found = true;
                    list.title = row.name.unwrap_or_default();
                }
                "line" => {
                    list.version += row.revision.unwrap_or(0);
                    lines.push(row);
                }
                "aisle" => list.aisles.push((
                    aisle_id(row.id)?,
                    row.name.unwrap_or_default(),
                    row.position.unwrap_or(0),
                )),
                "same" => same_foods.push(row),
                _ => list.staples.push((
                    row.food_key.unwrap_or_default(),
                    row.name.unwrap_or_default(),
                )),
            }
        }
        same_foods.sort_by(|a, b| (a.position, &a.food_key).cmp(&(b.position, &b.food_key)));
        list.same_foods = same_foods
            .into_iter()
            .map(|row| {
                let food = row.name.unwrap_or_default();
                (
                    row.food_key.unwrap_or_default(),
                    food,
                    row.sources.unwrap_or_default(),
                )
            })
            .collect();
        if !found {
            return Err(StoreError::NotFound);
        }
        list.aisles.sort_by_key(|(_, _, position)| *position);
        lines.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
        list.lines = lines.into_iter().map(line_view).collect::<Result<_, _>>()?;
        Ok(list)
    }
}

fn aisle_id(id: Option<String>) -> Result<AisleId, StoreError> {
    id.map(AisleId::from_stored)
        .ok_or(StoreError::Corrupt("aisles.id"))
}

/// A stored line as the page shows it, with its food key and aisle.
fn line_view(row: ListRow) -> Result<(LineView, String, Option<AisleId>), StoreError> {
    let family = row.family.unwrap_or_default();
    let metric = row.metric.unwrap_or(1) == 1;
    let amount = StoredLine::amount(&family, row.amount, metric);
    let checked_amount = StoredLine::amount(&family, row.checked_amount, metric);
    let checked = row.checked.unwrap_or(0) == 1;
    let done = checked
        && match (amount, checked_amount) {
            (Some(total), Some(part)) => part.canonical >= total.canonical * (1.0 - 1e-9),
            _ => true,
        };
    let mut sources: Vec<&str> = Vec::new();
    let stored_sources = row.sources.unwrap_or_default();
    for source in stored_sources.lines().filter(|s| !s.is_empty()) {
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    let view = LineView {
        id: LineId::from_stored(row.id.ok_or(StoreError::Corrupt("shopping_lines.id"))?),
        food: row.name.unwrap_or_default(),
        amount: amount.map(|a| a.to_string()),
        checked: checked.then(|| CheckedView {
            by: row.checker.unwrap_or_else(|| "someone".to_owned()),
            at_ms: row.checked_at.unwrap_or(0),
            amount: checked_amount.map(|a| a.to_string()),
        }),
        done,
        sources: sources.join(" / "),
        seen: row.amount.map(|a| a.to_string()).unwrap_or_default(),
    };
    Ok((
        view,
        row.food_key.unwrap_or_default(),
        row.aisle.map(AisleId::from_stored),
    ))
}
