-- Closing votes (docs/closing.md): each closed slot's stored result, a re-opened slot's own
-- deadline, the data-changes outbox with the notifications and webhook deliveries it feeds, and
-- members' calendar feeds.

-- Set when the proposer re-opens a slot that closed without ballots; otherwise the plan's
-- deadline applies.
alter table slots add column deadline_at bigint;
-- Bumped by every ballot and every close of the slot. The bump is each such transaction's first
-- write, so writers on one slot take turns on both engines (a row lock on PostgreSQL, the write
-- lock on SQLite) and a close sees every ballot that was accepted.
alter table slots add column revision bigint not null default 0;

-- Exactly one row per closed slot: the primary key makes closing idempotent.
create table slot_results (
    slot_id text primary key references slots (id) on delete cascade,
    closed_at bigint not null,
    -- What closed it: lazy, trigger, ticker or everyone_voted.
    close_path text not null,
    ballot_count bigint not null,
    -- SHA-256 (hex) of `export`, and the tie-break seed derived from the slot, the close time and
    -- the ballots (docs/tally.md).
    ballots_digest text not null,
    seed text not null,
    -- Null when nobody voted: no winner, and the proposer may re-open the slot.
    winner_option_id text,
    -- JSON: the final order of option ids, best first, and the tie-break record.
    final_order text not null,
    tie_break text not null,
    -- The ballot file in the tally's input shape, exactly as `mealvote tally` reads it.
    export text not null
);

-- Every change a household hears about, written in the same transaction as the change itself.
create table outbox (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    -- plan_proposed, ballot_cast, slot_closed or plan_decided.
    kind text not null,
    -- Who made the change; null when the clock did (a deadline passing).
    actor_id text references users (id) on delete set null,
    plan_id text references plans (id) on delete cascade,
    slot_id text references slots (id) on delete cascade,
    -- JSON: the event as a webhook receives it.
    payload text not null,
    created_at bigint not null
);
create index outbox_household on outbox (household_id, created_at);

-- Notifications are the household's outbox read from where each member last looked.
alter table memberships add column notifications_seen_at bigint not null default 0;

-- At most one webhook per household. The secret signs each body (HMAC-SHA256); it has to be
-- kept to sign, and it is shown to admins only when it is created.
create table webhooks (
    household_id text primary key references households (id) on delete cascade,
    url text not null,
    secret text not null,
    created_at bigint not null
);

-- One delivery per event for a household with a webhook, queued with the event.
create table webhook_deliveries (
    outbox_id text primary key references outbox (id) on delete cascade,
    household_id text not null references households (id) on delete cascade,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    delivered_at bigint,
    -- Set when the retries are used up.
    abandoned_at bigint,
    last_error text
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at);

-- A member's secret calendar URL: only the token's SHA-256 is stored; deleting the row revokes it.
create table calendar_feeds (
    user_id text primary key references users (id) on delete cascade,
    token_hash text not null unique,
    created_at bigint not null
);

create index slot_results_closed on slot_results (closed_at);
