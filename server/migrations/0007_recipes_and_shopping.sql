-- Recipes on dishes and a plan's shopping list (docs/recipes.md, docs/shopping.md).

-- A dish's recipe, all optional: how many it serves, its ingredient lines (JSON: an array of
-- parsed lines, each with the line as written) and its method. `dishes.link` is its source.
alter table dishes add column serves bigint;
alter table dishes add column ingredients text;
alter table dishes add column steps text;

-- A household's aisles in the order of its own store.
create table aisles (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    name text not null,
    position bigint not null
);
create index aisles_household on aisles (household_id, position);

-- Which aisle a household keeps a food in (by its key: lowercase, spaces collapsed), learned when
-- a member moves a line, for every later list.
create table food_aisles (
    household_id text not null references households (id) on delete cascade,
    food_key text not null,
    aisle_id text not null references aisles (id) on delete cascade,
    primary key (household_id, food_key)
);

-- Foods a household always has: left off what to buy, shown as "usually at home".
create table pantry_staples (
    household_id text not null references households (id) on delete cascade,
    food_key text not null,
    food text not null,
    primary key (household_id, food_key)
);

-- A plan's list: one line per food and unit family (`family` is '' for a line with no amount).
-- `amount` is in the family's canonical unit (g, ml, pieces); `metric` 1 while any part of it was
-- written in metric units. `sources` holds one "Wed dinner · Curry" per line of text, each
-- ending in a line break, appended as parts join. `revision` grows with every change to the
-- line, and lines are never deleted: a list's version is the sum of its lines' revisions.
create table shopping_lines (
    id text primary key,
    plan_id text not null references plans (id) on delete cascade,
    food_key text not null,
    food text not null,
    family text not null,
    amount double precision,
    metric integer not null default 1,
    sources text not null,
    -- Checked: how much (canonical), by whom and when; an addition never unchecks it.
    checked integer not null default 0,
    checked_amount double precision,
    checked_by text references users (id) on delete set null,
    checked_at bigint,
    revision bigint not null default 1,
    created_at bigint not null,
    unique (plan_id, food_key, family)
);

-- Operations applied to a list, by the id the phone gave them: a replay changes nothing.
create table shopping_ops (
    op_id text primary key,
    plan_id text not null references plans (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    applied_at bigint not null
);
create index shopping_ops_applied on shopping_ops (applied_at);
