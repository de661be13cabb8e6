-- Safe in the open (docs/security.md). A removal sticks: who was removed from which household and
-- when, so an invite made before the removal cannot bring them back; who set each webhook, so it
-- is switched off when that admin stops being one; events meant for a household's admins only.
-- And the server's own keys.

-- One row per (household, person) removed by an admin, kept at the latest removal. An invite
-- created at or before `removed_at` no longer admits that person; a newer one does.
create table removals (
    household_id text not null references households (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    removed_at bigint not null,
    primary key (household_id, user_id)
);

-- Null for webhooks set before this migration: nobody's departure switches those off.
alter table webhooks add column set_by text references users (id) on delete set null;

-- 1: only the household's admins see the event among their notifications.
alter table outbox add column admins_only integer not null default 0;

-- Keys the server makes for itself on first use, shared by every instance: `rate_limits` names
-- a client address or an email only through an HMAC under the `rate_limits` key, so a copy of
-- that table does not reveal who tried what.
create table server_keys (
    name text primary key,
    -- Hex of 32 random bytes.
    value text not null,
    created_at bigint not null
);

-- Sessions signed in before this time (ms) are no longer valid: set by "sign out everywhere" and
-- by a password change, which keep only the session that asked.
alter table users add column sessions_valid_from bigint not null default 0;
