-- People, their sessions, households and who belongs to which.

create table users (
    id text primary key,
    email text not null,
    display_name text not null,
    password_hash text not null,
    created_at bigint not null
);
-- Emails are compared case-insensitively; the store lower-cases them before writing.
create unique index users_email on users (email);

create table sessions (
    id_hash text primary key,
    user_id text not null references users (id) on delete cascade,
    current_household_id text,
    created_at bigint not null,
    expires_at bigint not null
);
create index sessions_user on sessions (user_id);

create table households (
    id text primary key,
    name text not null,
    created_at bigint not null
);

create table memberships (
    household_id text not null references households (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    role text not null check (role in ('admin', 'member')),
    joined_at bigint not null,
    primary key (household_id, user_id)
);
create index memberships_user on memberships (user_id);

create table invites (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    token_hash text not null unique,
    created_by text not null references users (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    single_use integer not null default 0,
    uses integer not null default 0,
    revoked_at bigint
);
create index invites_household on invites (household_id);

-- Fixed-window counters shared by every instance (sign-in and invite attempts).
create table rate_limits (
    key text primary key,
    window_start bigint not null,
    hits bigint not null
);
