-- Web Push (docs/notifications.md, "Web Push"): a member's phones subscribed to notifications, the
-- kinds each member turned off, the pushes waiting to be sent, and the vote reminders sent.

-- One row per subscribed device (browser push subscription). At most 10 per member (checked by
-- the insert itself). The endpoint is the push service's address for this device.
create table push_subscriptions (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    endpoint text not null unique,
    -- The device's P-256 public key (65 bytes, uncompressed) and auth secret (16 bytes), base64url.
    p256dh text not null,
    auth text not null,
    -- "Chrome on Android", from the user agent at subscription time.
    label text not null,
    -- The device's IANA time zone, for quiet hours ("Europe/Berlin"; "UTC" when unknown).
    time_zone text not null,
    created_at bigint not null
);
create index push_subscriptions_user on push_subscriptions (user_id, created_at);

-- A row per (member, kind) the member turned off; no row: the kind is pushed.
create table push_muted (
    user_id text not null references users (id) on delete cascade,
    kind text not null,
    primary key (user_id, kind)
);

-- 1: an event of a pushed kind whose pushes the batch has not yet queued. Set by the event's own
-- insert, cleared by the batch that queues them (only the instance whose update matches does).
alter table outbox add column push_pending integer not null default 0;
create index outbox_push_pending on outbox (created_at, id) where push_pending = 1;

-- One row per push to one device, sent by the background batch with the webhooks' retry policy.
create table push_deliveries (
    id text primary key,
    subscription_id text not null references push_subscriptions (id) on delete cascade,
    household_id text not null references households (id) on delete cascade,
    kind text not null,
    -- {"title", "body", "url"}: what the device shows and opens.
    payload text not null,
    created_at bigint not null,
    -- Held until 07:00 in the device's zone when queued in its quiet hours.
    next_attempt_at bigint not null,
    -- Dropped, unsent, after this time (a vote reminder after its deadline); null: never.
    expires_at bigint,
    attempts bigint not null default 0,
    delivered_at bigint,
    abandoned_at bigint,
    last_error text
);
create index push_deliveries_due on push_deliveries (next_attempt_at)
    where delivered_at is null and abandoned_at is null;
create index push_deliveries_subscription on push_deliveries (subscription_id);

-- A vote reminder is sent once per member per slot: the primary key makes the second instance's
-- insert do nothing.
create table push_reminders (
    slot_id text not null references slots (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    reminded_at bigint not null,
    primary key (slot_id, user_id)
);
