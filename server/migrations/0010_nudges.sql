-- Nudges (docs/plans.md, "Live progress and nudges"): a member asks the attendees of an open slot
-- who have not ranked yet to do so, at most once per slot per 12 hours, whoever presses first.

-- One row per nudge. The 12-hour rule is checked in the nudge's own transaction, which first
-- takes the slot's turn (`slots.revision`), so two members pressing at once nudge once.
create table nudges (
    id text primary key,
    slot_id text not null references slots (id) on delete cascade,
    -- Who pressed; null once that account is gone.
    nudged_by text references users (id) on delete set null,
    nudged_at bigint not null
);
create index nudges_slot on nudges (slot_id, nudged_at);

-- Who a nudge asked: the attendees without a ballot at that moment.
create table nudged_members (
    nudge_id text not null references nudges (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    primary key (nudge_id, user_id)
);

-- An event meant for one member only (a nudge's notification): the others never list it. Null,
-- as for every earlier event, means the whole household.
alter table outbox add column recipient_id text references users (id) on delete cascade;
