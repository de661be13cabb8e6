-- A cook per meal and the evening-before reminder (docs/cooks.md).

-- Who cooks the meal; null while nobody has volunteered or been assigned, and once that
-- account is gone. A cook who leaves the household is no longer shown nor reminded.
alter table slots add column cook_id text references users (id) on delete set null;
-- The reminder sweep reads the meals with a cook on one or two days.
create index slots_cooked_day on slots (day) where cook_id is not null;

-- One row per reminded meal: the primary key makes the reminder exactly once, however many
-- server instances sweep at the same moment (the insert is the sweep's first write, `on
-- conflict do nothing`, and the notification is written only when it inserted the row).
create table cook_reminders (
    slot_id text primary key references slots (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    sent_at bigint not null
);
