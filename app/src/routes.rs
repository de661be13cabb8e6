//! Every address the site serves, built in one place: page links, where a server function sends
//! the browser next, the notification links the server stores, calendar events, the prober and
//! the tests all call these functions, so an address changes here or nowhere.
//!
//! The route table (`crate::App`) spells the same paths as segments; [`templates`] are the route
//! templates the server logs a request under, and the server's tests check them against the
//! table and round-trip every function below through the router's parameter parsing.

use std::fmt::Display;

/// The landing page.
pub const HOME: &str = "/";
/// The sign-in page.
pub const SIGN_IN: &str = "/signin";
/// The sign-up page.
pub const SIGN_UP: &str = "/signup";
/// The signed-in member's households, account and calendar link.
pub const HOUSEHOLDS: &str = "/households";
/// Where calendar feed addresses start: a feed is `/calendar/<token>.ics` ([`calendar_feed`]).
pub const CALENDAR_FEEDS: &str = "/calendar/";

/// The route templates the router matches and the request log names (`{name}` is a parameter).
pub mod templates {
    /// A household's overview ([`super::household`]).
    pub const HOUSEHOLD: &str = "/households/{id}";
    /// A slot's ballot page ([`super::ballot`]).
    pub const BALLOT: &str = "/households/{id}/slots/{slot}";
    /// A closed slot's ballot file ([`super::export`]).
    pub const EXPORT: &str = "/households/{id}/slots/{slot}/export";
    /// An invite link's page ([`super::join`]).
    pub const JOIN: &str = "/join/{token}";
    /// A member's calendar feed ([`super::calendar_feed`]).
    pub const CALENDAR_FEED: &str = "/calendar/{file}";
    /// A plan's shopping list's version, which its page polls ([`super::shopping_list_version`]).
    pub const SHOPPING_LIST_VERSION: &str = "/households/{id}/plans/{plan}/list/version";
    /// A plan's progress version, which its page polls ([`super::plan_version`]).
    pub const PLAN_VERSION: &str = "/households/{id}/plans/{plan}/version";
    /// A slot's version, which its ballot page polls ([`super::slot_version`]).
    pub const SLOT_VERSION: &str = "/households/{id}/slots/{slot}/version";
}

/// The script of the shopping list page: background changes, offline.
pub const LIST_SCRIPT: &str = "/list.js";
/// The script of every live page (the list, a plan, a ballot page): polls the page's version
/// while it is visible and swaps in what changed.
pub const LIVE_SCRIPT: &str = "/live.js";

/// The account page's push script (`public/push.js`): subscribes this device.
pub const PUSH_SCRIPT: &str = "/push.js";

/// `page` with the invite it was opened with (`?invite=`), for the sign-in and sign-up pages;
/// `page` itself without one.
pub fn with_invite(page: &str, invite: Option<impl Display>) -> String {
    match invite {
        Some(invite) => format!("{page}?invite={invite}"),
        None => page.to_owned(),
    }
}

/// The households page, opened at the account section after every other session was ended.
pub fn signed_out_elsewhere() -> String {
    format!("{HOUSEHOLDS}?signed_out_elsewhere=1#account")
}

/// The households page, opened at the account section after a password change.
pub fn password_changed() -> String {
    format!("{HOUSEHOLDS}?password_changed=1#account")
}

/// The households page, opened at the member's push devices.
pub fn push_section() -> String {
    format!("{HOUSEHOLDS}#push")
}

/// The households page, opened at the member's calendar link.
pub fn calendar_section() -> String {
    format!("{HOUSEHOLDS}#calendar")
}

/// A household's overview.
pub fn household(household: impl Display) -> String {
    format!("{HOUSEHOLDS}/{household}")
}

/// A household's overview, opened at a section (`#anchor`).
pub fn household_at(household: impl Display, anchor: &str) -> String {
    format!("{}#{anchor}", self::household(household))
}

/// A household's meal plans.
pub fn plans(household: impl Display) -> String {
    format!("{}/plans", self::household(household))
}

/// The form that proposes a plan.
pub fn propose(household: impl Display) -> String {
    format!("{}/propose", self::household(household))
}

/// A household's dishes and meal names.
pub fn dishes(household: impl Display) -> String {
    format!("{}/dishes", self::household(household))
}

/// A dish of the household's library, with its recipe.
pub fn dish(household: impl Display, dish: impl Display) -> String {
    format!("{}/{dish}", self::dishes(household))
}

/// A member's own "can't eat" list in a household (nobody else's: `crate::cant_eat`).
pub fn cant_eat(household: impl Display, member: impl Display) -> String {
    format!("{}/cant-eat/{member}", self::household(household))
}

/// A household's notifications.
pub fn notifications(household: impl Display) -> String {
    format!("{}/notifications", self::household(household))
}

/// A meal plan.
pub fn plan(household: impl Display, plan: impl Display) -> String {
    format!("{}/{plan}", self::plans(household))
}

/// A plan's shopping list.
pub fn shopping_list(household: impl Display, plan: impl Display) -> String {
    format!("{}/list", self::plan(household, plan))
}

/// What a plan's shopping list page polls: its version.
pub fn shopping_list_version(household: impl Display, plan: impl Display) -> String {
    format!("{}/version", self::shopping_list(household, plan))
}

/// What a plan's page polls: its progress version.
pub fn plan_version(household: impl Display, plan: impl Display) -> String {
    format!("{}/version", self::plan(household, plan))
}

/// A plan's results.
pub fn results(household: impl Display, plan: impl Display) -> String {
    format!("{}/results", self::plan(household, plan))
}

/// The anchor of a slot's section on the results page, which the plan and ballot pages link to.
pub fn slot_anchor(slot: impl Display) -> String {
    format!("slot-{slot}")
}

/// Where a slot's result is shown: its section of the plan's results page.
pub fn slot_results(household: impl Display, plan: impl Display, slot: impl Display) -> String {
    format!("{}#{}", results(household, plan), slot_anchor(slot))
}

/// A slot's ballot page.
pub fn ballot(household: impl Display, slot: impl Display) -> String {
    format!("{}/slots/{slot}", self::household(household))
}

/// What a slot's ballot page polls: the slot's version.
pub fn slot_version(household: impl Display, slot: impl Display) -> String {
    format!("{}/version", ballot(household, slot))
}

/// The download of a closed slot's ballot file.
pub fn export(household: impl Display, slot: impl Display) -> String {
    format!("{}/export", ballot(household, slot))
}

/// An invite link's page, which asks "Join <household>?".
pub fn join(token: impl Display) -> String {
    format!("/join/{token}")
}

/// A member's calendar feed, after [`CALENDAR_FEEDS`].
pub fn calendar_feed(token: impl Display) -> String {
    format!("{CALENDAR_FEEDS}{token}.ics")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_s_pages_nest_under_its_address() {
        assert_eq!(household("h1"), "/households/h1");
        assert_eq!(household_at("h1", "calendar"), "/households/h1#calendar");
        assert_eq!(plans("h1"), "/households/h1/plans");
        assert_eq!(propose("h1"), "/households/h1/propose");
        assert_eq!(dishes("h1"), "/households/h1/dishes");
        assert_eq!(notifications("h1"), "/households/h1/notifications");
        assert_eq!(cant_eat("h1", "u4"), "/households/h1/cant-eat/u4");
        assert_eq!(plan("h1", "p2"), "/households/h1/plans/p2");
        assert_eq!(results("h1", "p2"), "/households/h1/plans/p2/results");
        assert_eq!(
            slot_results("h1", "p2", "s3"),
            "/households/h1/plans/p2/results#slot-s3"
        );
        assert_eq!(ballot("h1", "s3"), "/households/h1/slots/s3");
        assert_eq!(export("h1", "s3"), "/households/h1/slots/s3/export");
    }

    #[test]
    fn links_outside_a_household_keep_their_query_and_anchor() {
        assert_eq!(join("t0k"), "/join/t0k");
        assert_eq!(calendar_feed("t0k"), "/calendar/t0k.ics");
        assert_eq!(with_invite(SIGN_UP, Some("t0k")), "/signup?invite=t0k");
        assert_eq!(with_invite(SIGN_IN, None::<&str>), "/signin");
        assert_eq!(
            signed_out_elsewhere(),
            "/households?signed_out_elsewhere=1#account"
        );
        assert_eq!(password_changed(), "/households?password_changed=1#account");
        assert_eq!(calendar_section(), "/households#calendar");
    }

    #[test]
    fn templates_are_the_functions_with_parameters_in_place() {
        assert_eq!(household("{id}"), templates::HOUSEHOLD);
        assert_eq!(ballot("{id}", "{slot}"), templates::BALLOT);
        assert_eq!(export("{id}", "{slot}"), templates::EXPORT);
        assert_eq!(
            shopping_list_version("{id}", "{plan}"),
            templates::SHOPPING_LIST_VERSION
        );
        assert_eq!(plan_version("{id}", "{plan}"), templates::PLAN_VERSION);
        assert_eq!(slot_version("{id}", "{slot}"), templates::SLOT_VERSION);
        assert_eq!(join("{token}"), templates::JOIN);
        assert_eq!(
            format!("{CALENDAR_FEEDS}{{file}}"),
            templates::CALENDAR_FEED
        );
    }
}
