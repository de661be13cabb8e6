-- A household's synonymous foods (docs/shopping.md, "Same food"): "scallion" is the same food as
-- "spring onion". Keyed like lines merge (lowercase, trimmed, spaces collapsed). `food` is the
-- merged food as written; `target_key` and `target_food` the food it joins, never itself merged
-- (a merge into a merged food resolves to its target, so there are no chains or cycles). At most
-- `app::quotas::MAX_FOOD_ALIASES` per household.
create table food_aliases (
    household_id text not null references households (id) on delete cascade,
    food_key text not null,
    food text not null,
    target_key text not null,
    target_food text not null,
    created_at bigint not null,
    primary key (household_id, food_key)
);
-- Merging a food that others were merged into re-points them (`where target_key = ...`).
create index food_aliases_target on food_aliases (household_id, target_key);
