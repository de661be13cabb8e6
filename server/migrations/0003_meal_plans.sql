-- Meal plans: a household's dish library, plans of slots (day x meal) with their options, the
-- members expected to vote, and one ballot per member per slot.

-- The meal names a household plans (breakfast, lunch, dinner when unset), one per line.
alter table households add column meal_names text;

create table dishes (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    name text not null,
    -- The name trimmed and lower-cased: one dish per name in a household, whatever its case.
    name_key text not null,
    note text,
    link text,
    created_at bigint not null,
    unique (household_id, name_key)
);

create table plans (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    proposed_by text not null references users (id),
    title text not null,
    -- Calendar days as ISO 8601 text (YYYY-MM-DD), inclusive.
    first_day text not null,
    last_day text not null,
    -- The proposer's offset from UTC when proposing: day boundaries are local to the household.
    utc_offset_minutes bigint not null,
    deadline_at bigint not null,
    created_at bigint not null
);
create index plans_household on plans (household_id, first_day);

-- Every change of a plan's deadline, shown to members.
create table plan_deadline_changes (
    plan_id text not null references plans (id) on delete cascade,
    changed_by text not null references users (id),
    changed_at bigint not null,
    old_deadline_at bigint not null,
    new_deadline_at bigint not null
);
create index plan_deadline_changes_plan on plan_deadline_changes (plan_id);

-- The members at the moment of proposing (a snapshot): who an early close waits for.
create table plan_voters (
    plan_id text not null references plans (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    primary key (plan_id, user_id)
);

create table slots (
    id text primary key,
    plan_id text not null references plans (id) on delete cascade,
    day text not null,
    meal text not null,
    -- Order within the plan: by day, then by the meal's place in the household's meal names.
    position bigint not null,
    unique (plan_id, day, meal)
);

create table slot_options (
    id text primary key,
    slot_id text not null references slots (id) on delete cascade,
    dish_id text not null references dishes (id),
    position bigint not null,
    unique (slot_id, dish_id)
);
create index slot_options_slot on slot_options (slot_id);

-- One ballot per member per slot. `ranking` is JSON: tiers of option ids, best first; options
-- left out are "no opinion" and tie below every ranked one.
create table ballots (
    slot_id text not null references slots (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    ranking text not null,
    cast_at bigint not null,
    updated_at bigint not null,
    primary key (slot_id, user_id)
);
