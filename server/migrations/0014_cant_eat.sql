-- A member's private "can't eat" list (docs/cant_eat.md): foods, which rule out every dish with
-- an ingredient of that food, and dishes (for dishes without ingredients). Kept per household
-- and member, as the household's foods and dishes are: a person in two households keeps two
-- lists. Only that member reads or changes their list; the close and the ballot page read the
-- lists of the people eating a meal to rule options out, and tell others only how many were.
-- At most `app::cant_eat::MAX_ENTRIES` foods and as many dishes per list.
--
-- The membership is the foreign key: leaving the household (or the account, or the household,
-- going) deletes the list with it.
create table cant_eat_foods (
    household_id text not null,
    user_id text not null,
    -- The food's key as the shopping list keys foods (lowercase, spaces collapsed).
    food_key text not null,
    -- The food as the member wrote it.
    food text not null,
    created_at bigint not null,
    primary key (household_id, user_id, food_key),
    foreign key (household_id, user_id) references memberships (household_id, user_id)
        on delete cascade
);

create table cant_eat_dishes (
    household_id text not null,
    user_id text not null,
    dish_id text not null references dishes (id) on delete cascade,
    created_at bigint not null,
    primary key (household_id, user_id, dish_id),
    foreign key (household_id, user_id) references memberships (household_id, user_id)
        on delete cascade
);
create index cant_eat_dishes_dish on cant_eat_dishes (dish_id);
