-- Attendance per meal and no repeats within a plan (docs/closing.md, "Who eats" and "No repeats
-- within a plan").

-- A member who is not eating a meal ("I'm out"). Everyone else the plan expects is eating it by
-- default; only the eaters' ballots count and only they are waited for. Rows are written while
-- the meal is open; a closed meal's result never reads them again.
create table slot_absences (
    slot_id text not null references slots (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    primary key (slot_id, user_id)
);

-- Guests at a meal, set by the plan's proposer (0..=20): the shopping list cooks for the eaters
-- plus the guests.
alter table slots add column guests bigint not null default 0;

-- 1: a dish that won an earlier meal of the plan cannot win a later one. Plans proposed before
-- this migration keep today's behaviour (0); new plans are proposed with 1 unless the proposer
-- unticks it.
alter table plans add column no_repeats integer not null default 0;
