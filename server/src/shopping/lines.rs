//! Writing list lines: the one way every addition goes in (a closed slot's winner, a member's
//! item): a merged food renamed to the food it is the same as, then one upsert merging into the
//! line of the same food and unit family; and reading a line row back for a page.
//!
//! An addition never touches what is checked: "rice 1.4 kg (400 g checked)" stays so whatever
//! joins it later. Every change bumps the line's `revision`; a line goes only when a merge of two
//! foods folds it into another, which takes its revisions and one more (`foods/fold.rs`), so the sum
//! of a list's revisions grows with every change and is its version (the poll's `ETag`).

use app::{
    ids::PlanId,
    recipes::{Amount, Family, units::System},
    shopping::{Addition, Provenance, ShoppingList, food_key},
};
use sqlx::{Any, Transaction};

use super::foods::same_foods_for;
use crate::db::{StoreError, placeholders};

/// Columns of one line as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredLine {
    pub food_key: String,
    pub food: String,
    /// [`Family::code`], or "" for a line without an amount.
    pub family: String,
    pub amount: Option<f64>,
    pub metric: bool,
    /// One source per line of text, each ending in `\n`.
    pub sources: String,
}

impl StoredLine {
    /// The additions merged among themselves (one line per food and family, so one statement
    /// can upsert them all), as rows to store.
    pub fn merged(additions: Vec<Addition>) -> Vec<StoredLine> {
        let mut list = ShoppingList::default();
        list.add(additions);
        list.lines
            .into_iter()
            .map(|line| StoredLine {
                food_key: food_key(&line.food),
                family: line.amount.map(|a| a.family.code()).unwrap_or_default(),
                amount: line.amount.map(|a| a.canonical),
                metric: line.amount.is_none_or(|a| a.system == System::Metric),
                sources: line
                    .sources
                    .iter()
                    .map(|s| format!("{}\n", source_text(s)))
                    .collect(),
                food: line.food,
            })
            .collect()
    }

    /// The stored amount as an [`Amount`] again.
    pub fn amount(family: &str, canonical: Option<f64>, metric: bool) -> Option<Amount> {
        let family = Family::from_code(family)?;
        Some(Amount {
            family,
            canonical: canonical?,
            system: if metric {
                System::Metric
            } else {
                System::UsCustomary
            },
        })
    }
}

/// "Wed dinner · Curry", "added by Ada".
pub fn source_text(source: &Provenance) -> String {
    match source {
        Provenance::Meal { slot, dish } => format!("{slot} · {dish}"),
        Provenance::Member { name } => format!("added by {name}"),
    }
}

/// Adds `additions` to `household`'s `plan`'s list: merged foods renamed to the food they are the
/// same as (one statement), merged among themselves, then upserted (one). Returns the lines.
pub async fn add(
    tx: &mut Transaction<'_, Any>,
    household: &str,
    plan: &PlanId,
    additions: Vec<Addition>,
    now_ms: i64,
) -> Result<Vec<StoredLine>, StoreError> {
    let mut keys: Vec<String> = additions.iter().map(|a| food_key(&a.food)).collect();
    keys.sort();
    keys.dedup();
    let same_foods = same_foods_for(tx, household, &keys).await?;
    let lines = StoredLine::merged(same_foods.resolve(additions));
    upsert(tx, plan, &lines, now_ms).await?;
    Ok(lines)
}

/// Upserts `lines` into `plan`'s list in one statement: a new line, or added to the line of the
/// same food and family (amounts summed, sources appended, checked state kept).
async fn upsert(
    tx: &mut Transaction<'_, Any>,
    plan: &PlanId,
    lines: &[StoredLine],
    now_ms: i64,
) -> Result<(), StoreError> {
    if lines.is_empty() {
        return Ok(());
    }
    let sql = format!(
        r"insert into shopping_lines
              (id, plan_id, food_key, food, family, amount, metric, sources, created_at)
          values {}
          on conflict (plan_id, food_key, family) do update set
              amount = case when shopping_lines.amount is null then excluded.amount
                            when excluded.amount is null then shopping_lines.amount
                            else shopping_lines.amount + excluded.amount end,
              metric = case when shopping_lines.metric = 1 or excluded.metric = 1
                            then 1 else 0 end,
              sources = shopping_lines.sources || excluded.sources,
              revision = shopping_lines.revision + 1",
        placeholders(lines.len(), 9)
    );
    let mut insert = sqlx::query(&sql);
    for line in lines {
        insert = insert
            // Time-ordered (monotonic within a process): lines created in one millisecond still
            // read back in the order they were written.
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(plan.as_str())
            .bind(line.food_key.clone())
            .bind(line.food.clone())
            .bind(line.family.clone())
            .bind(line.amount)
            .bind(i64::from(line.metric))
            .bind(line.sources.clone())
            .bind(now_ms);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use app::recipes::parse_line;

    use super::*;

    #[test]
    fn additions_are_merged_before_they_are_stored_so_one_statement_takes_them() {
        let lines: Vec<_> = ["200 g rice", "0.2 kg rice", "1 cup rice", "salt to taste"]
            .iter()
            .map(|l| parse_line(l).unwrap())
            .collect();
        let additions = app::shopping::additions_for_winner("Wed dinner", "Curry", &lines, 4, 4);
        let stored = StoredLine::merged(additions);
        assert_eq!(stored.len(), 3, "{stored:?}");
        assert_eq!(stored[0].food_key, "rice");
        assert_eq!(stored[0].family, "mass");
        assert_eq!(stored[0].amount, Some(400.0));
        assert_eq!(stored[0].sources, "Wed dinner · Curry\n");
        assert_eq!(stored[1].family, "volume");
        assert!(!stored[1].metric, "cups are US customary");
        assert_eq!(stored[2].family, "");
        assert_eq!(stored[2].amount, None);
        let back = StoredLine::amount(&stored[0].family, stored[0].amount, stored[0].metric);
        assert_eq!(back.unwrap().to_string(), "400 g");
    }
}
