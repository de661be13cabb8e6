-- Sessions take tower-sessions' record shape, and invite use counts become 64-bit.
--
-- Both tables are rebuilt rather than altered: SQLite cannot change a column's type. No released
-- code has read or written either table yet, so nothing running side by side depends on the old
-- shape (see README.md: expand, then contract).

-- tower-sessions records. The cookie carries the session id; only its SHA-256 is stored, so a copy
-- of this table cannot be replayed as cookies.
drop table sessions;
create table sessions (
    id_hash text primary key,
    -- The session's key/value data as JSON (the signed-in user id, the current household).
    data text not null,
    expires_at bigint not null
);
create index sessions_expires_at on sessions (expires_at);

create table invites_v2 (
    id text primary key,
    household_id text not null references households (id) on delete cascade,
    -- SHA-256 (hex) of the link's random token; the token itself is never stored.
    token_hash text not null unique,
    created_by text not null references users (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    single_use integer not null default 0,
    uses bigint not null default 0,
    revoked_at bigint
);
insert into invites_v2
    (id, household_id, token_hash, created_by, created_at, expires_at, single_use, uses, revoked_at)
select id, household_id, token_hash, created_by, created_at, expires_at, single_use, uses, revoked_at
from invites;
drop table invites;
alter table invites_v2 rename to invites;
create index invites_household on invites (household_id);
