//! The authorization walk: every household-scoped page and server function, tried by people who
//! must not reach the household, answers "not found", exactly as for a household that does not
//! exist. Add each new household-scoped route to `HOUSEHOLD_SCOPED`; the two completeness tests
//! fail until every page and server function is listed in one table or the other.

use app::{error::AppError, routes};
use reqwest::StatusCode;

use crate::support::{Person, TestApp};

/// A request touching household `{h}`. In fields, `{h}` becomes the household's id, `{m}` a
/// member's id, `{i}` a pending invite's id, `{plan}` a plan's id, `{slot}` one of its slots and
/// `{o}` one of that slot's options, `{d}` a dish of the library. A path is built from [`Ids`].
enum Probe {
    Page(fn(&Ids) -> String),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
    /// A plain axum route (`server::http::HOUSEHOLD_DOWNLOADS`), opened with GET.
    Download(fn(&Ids) -> String),
}

/// The ids a probe's path is built from: the scene's, or the route table's parameter names.
struct Ids<'a> {
    household: &'a str,
    plan: &'a str,
    slot: &'a str,
    dish: &'a str,
    member: &'a str,
}

/// A path with these ids is the route's template, as the route table lists it.
const TEMPLATE: Ids<'static> = Ids {
    household: "{id}",
    plan: "{plan}",
    slot: "{slot}",
    dish: "{dish}",
    member: "{member}",
};

/// A line and an aisle id of the right shape: the membership check refuses before either is
/// looked up, as it must.
const SOME_LINE: &str = "00000000-0000-4000-8000-000000000001";

const HOUSEHOLD_SCOPED: &[Probe] = &[
    Probe::Page(|id| routes::household(id.household)),
    Probe::ServerFn("get_household_overview", &[("household_id", "{h}")]),
    Probe::ServerFn("switch_household", &[("household_id", "{h}")]),
    Probe::ServerFn(
        "create_invite",
        &[("household_id", "{h}"), ("expires_in_days", "7")],
    ),
    Probe::ServerFn(
        "revoke_invite",
        &[("household_id", "{h}"), ("invite_id", "{i}")],
    ),
    Probe::ServerFn(
        "remove_member",
        &[("household_id", "{h}"), ("user_id", "{m}")],
    ),
    Probe::ServerFn(
        "set_member_role",
        &[
            ("household_id", "{h}"),
            ("user_id", "{m}"),
            ("role", "admin"),
        ],
    ),
    Probe::ServerFn("leave_household", &[("household_id", "{h}")]),
    Probe::Page(|id| routes::plans(id.household)),
    Probe::Page(|id| routes::propose(id.household)),
    Probe::Page(|id| routes::dishes(id.household)),
    Probe::Page(|id| routes::plan(id.household, id.plan)),
    Probe::Page(|id| routes::ballot(id.household, id.slot)),
    Probe::ServerFn("get_meal_settings", &[("household_id", "{h}")]),
    Probe::ServerFn(
        "add_dish",
        &[
            ("household_id", "{h}"),
            ("dish_name", "Stolen soup"),
            ("note", ""),
            ("link", ""),
        ],
    ),
    Probe::ServerFn(
        "set_meal_names",
        &[("household_id", "{h}"), ("meals", "elevenses")],
    ),
    Probe::ServerFn("list_plans", &[("household_id", "{h}")]),
    Probe::ServerFn(
        "propose_plan",
        &[
            ("household_id", "{h}"),
            ("first_day", "2099-01-10"),
            ("days", "1"),
            ("meals", "dinner"),
            ("options", "X\nY"),
            ("deadline_date", "2099-01-09"),
            ("deadline_time", "18:00"),
        ],
    ),
    Probe::ServerFn(
        "nudge_slot",
        &[("household_id", "{h}"), ("slot_id", "{slot}")],
    ),
    Probe::ServerFn(
        "volunteer_to_cook",
        &[("household_id", "{h}"), ("slot_id", "{slot}")],
    ),
    Probe::ServerFn(
        "step_back_from_cooking",
        &[("household_id", "{h}"), ("slot_id", "{slot}")],
    ),
    Probe::ServerFn(
        "assign_cook",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("cook_id", "{m}"),
        ],
    ),
    Probe::ServerFn(
        "set_attendance",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("eating", "out"),
        ],
    ),
    Probe::ServerFn(
        "set_guests",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("guests", "2"),
        ],
    ),
    Probe::ServerFn(
        "get_plan",
        &[("household_id", "{h}"), ("plan_id", "{plan}")],
    ),
    Probe::ServerFn(
        "move_deadline",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("deadline_date", "2099-01-01"),
            ("deadline_time", "18:00"),
            ("utc_offset_minutes", "0"),
        ],
    ),
    Probe::ServerFn(
        "edit_slot_options",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("options", "X\nY"),
        ],
    ),
    Probe::ServerFn(
        "get_ballot_page",
        &[("household_id", "{h}"), ("slot_id", "{slot}")],
    ),
    Probe::ServerFn(
        "cast_ballot",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("rank-{o}", "1"),
        ],
    ),
    Probe::Page(|id| routes::results(id.household, id.plan)),
    Probe::ServerFn(
        "get_results",
        &[("household_id", "{h}"), ("plan_id", "{plan}")],
    ),
    Probe::ServerFn(
        "reopen_slot",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("deadline_date", "2099-01-01"),
            ("deadline_time", "18:00"),
            ("utc_offset_minutes", "0"),
        ],
    ),
    Probe::ServerFn(
        "reopen_slot_adding",
        &[
            ("household_id", "{h}"),
            ("slot_id", "{slot}"),
            ("option", "Stolen stew"),
            ("deadline_date", "2099-01-01"),
            ("deadline_time", "18:00"),
            ("utc_offset_minutes", "0"),
        ],
    ),
    Probe::Download(|id| routes::export(id.household, id.slot)),
    Probe::Page(|id| routes::notifications(id.household)),
    Probe::ServerFn("get_notifications", &[("household_id", "{h}")]),
    Probe::ServerFn("get_unread_count", &[("household_id", "{h}")]),
    Probe::ServerFn("mark_notifications_read", &[("household_id", "{h}")]),
    Probe::ServerFn("get_webhook_settings", &[("household_id", "{h}")]),
    Probe::ServerFn(
        "set_webhook",
        &[("household_id", "{h}"), ("url", "https://1.1.1.1/hook")],
    ),
    Probe::ServerFn("remove_webhook", &[("household_id", "{h}")]),
    Probe::Page(|id| routes::cant_eat(id.household, id.member)),
    Probe::ServerFn(
        "get_cant_eat",
        &[("household_id", "{h}"), ("member_id", "{m}")],
    ),
    Probe::ServerFn(
        "add_cant_eat_food",
        &[("household_id", "{h}"), ("food", "peanut")],
    ),
    Probe::ServerFn(
        "remove_cant_eat_food",
        &[("household_id", "{h}"), ("food_key", "peanut")],
    ),
    Probe::ServerFn(
        "add_cant_eat_dish",
        &[("household_id", "{h}"), ("dish_id", "{d}")],
    ),
    Probe::ServerFn(
        "remove_cant_eat_dish",
        &[("household_id", "{h}"), ("dish_id", "{d}")],
    ),
    Probe::Page(|id| routes::dish(id.household, id.dish)),
    Probe::ServerFn("get_recipe", &[("household_id", "{h}"), ("dish_id", "{d}")]),
    Probe::ServerFn(
        "save_recipe",
        &[
            ("household_id", "{h}"),
            ("dish_id", "{d}"),
            ("serves", "4"),
            ("link", ""),
            ("ingredients", "1 kg stolen rice"),
            ("steps", ""),
        ],
    ),
    Probe::ServerFn(
        "import_recipe",
        &[
            ("household_id", "{h}"),
            ("dish_id", "{d}"),
            (
                "source",
                r#"<script type="application/ld+json">{"@type":"Recipe","name":"X"}</script>"#,
            ),
        ],
    ),
    Probe::Page(|id| routes::shopping_list(id.household, id.plan)),
    Probe::ServerFn(
        "get_shopping_list",
        &[("household_id", "{h}"), ("plan_id", "{plan}")],
    ),
    Probe::ServerFn(
        "set_item_checked",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("line_id", SOME_LINE),
            ("op", "op-authorization-1"),
            ("state", "checked"),
            ("seen", ""),
        ],
    ),
    Probe::ServerFn(
        "add_shopping_item",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("op", "op-authorization-2"),
            ("item", "1 kg stolen sugar"),
        ],
    ),
    Probe::ServerFn(
        "move_item_to_aisle",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("line_id", SOME_LINE),
            ("aisle_id", SOME_LINE),
        ],
    ),
    Probe::ServerFn(
        "rename_aisle",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("aisle_id", SOME_LINE),
            ("aisle_name", "Stolen"),
        ],
    ),
    Probe::ServerFn(
        "reorder_aisle",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("aisle_id", SOME_LINE),
            ("direction", "up"),
        ],
    ),
    Probe::ServerFn(
        "set_pantry_staple",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("food", "salt"),
            ("staple", "true"),
        ],
    ),
    Probe::ServerFn(
        "merge_foods",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("food", "scallion"),
            ("same_as", "spring onion"),
        ],
    ),
    Probe::ServerFn(
        "unmerge_food",
        &[
            ("household_id", "{h}"),
            ("plan_id", "{plan}"),
            ("food", "scallion"),
        ],
    ),
];

/// Pages and server functions that name no household: they act on the signed-in person, or on an
/// invite link (whose secret token is the authorization).
const NOT_HOUSEHOLD_SCOPED_PAGES: &[&str] = &[
    routes::HOME,
    routes::SIGN_UP,
    routes::SIGN_IN,
    routes::HOUSEHOLDS,
    routes::templates::JOIN,
];
const NOT_HOUSEHOLD_SCOPED_FNS: &[&str] = &[
    "get_viewer",
    "sign_up",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "change_password",
    "list_households",
    "create_household",
    "get_invite_preview",
    "join_household",
    // The signed-in person's own calendar link; the feed itself lists only the households
    // `household_access` lets them into (`server/tests/it/http/calendar.rs`).
    "get_calendar_feed",
    "create_calendar_feed",
    "delete_calendar_feed",
    // Reads only the caller's own session: a secret that session itself just created.
    "take_new_secret",
    // The signed-in person's own push devices and switches (`server/tests/it/store/push.rs`:
    // another's device is not found); pushes reach only the households they belong to.
    "get_push_settings",
    "subscribe_push",
    "remove_push_device",
    "set_push_kinds",
    // Links to the signed-in person's own "can't eat" lists, one per household they are in.
    "get_cant_eat_links",
];

/// A household of Ada (admin) and Bob (member) with one pending invite.
struct Scene {
    app: TestApp,
    ada: Person,
    bob: Person,
    household: String,
    bob_id: String,
    invite_id: String,
    plan: String,
    slot: String,
    option: String,
    dish: String,
}

async fn scene() -> Scene {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let overview = ada.overview(&household).await;
    let bob_id = bob.viewer().await.user_id.to_string();
    let invite_id = overview.invites[0].id.to_string();
    let plan = ada.propose_plan(&household, "Pasta\nCurry").await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    Scene {
        dish: settings.dishes[0].id.to_string(),
        plan,
        slot: page.slot_id.to_string(),
        option: page.options[0].id.to_string(),
        app,
        ada,
        bob,
        household,
        bob_id,
        invite_id,
    }
}

impl Scene {
    fn ids<'a>(&'a self, household: &'a str) -> Ids<'a> {
        Ids {
            household,
            plan: &self.plan,
            slot: &self.slot,
            dish: &self.dish,
            member: &self.bob_id,
        }
    }

    fn fill(&self, household: &str, template: &str) -> String {
        template
            .replace("{h}", household)
            .replace("{m}", &self.bob_id)
            .replace("{i}", &self.invite_id)
            .replace("{plan}", &self.plan)
            .replace("{slot}", &self.slot)
            .replace("{o}", &self.option)
            .replace("{d}", &self.dish)
    }

    /// Tries every probe on `household` as `who`; each must be "not found". Returns the answers'
    /// bodies, to compare with those for a household that does not exist.
    async fn walk(&self, who: &Person, household: &str) -> Vec<String> {
        let mut bodies = Vec::new();
        for probe in HOUSEHOLD_SCOPED {
            match probe {
                Probe::Page(path_of) => {
                    let path = path_of(&self.ids(household));
                    let page = who.open(&path).await;
                    assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
                    assert!(page.body.contains("Page not found"), "{path}");
                    bodies.push(format!("page {}: not found", path_of(&TEMPLATE)));
                }
                Probe::ServerFn(name, fields) => {
                    let fields: Vec<(String, String)> = fields
                        .iter()
                        .map(|(k, v)| (self.fill(household, k), self.fill(household, v)))
                        .collect();
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let answer = who.call(name, &fields).await;
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{name}: {answer:?}");
                    assert_eq!(answer.error(), AppError::NotFound, "{name}");
                    bodies.push(format!("{name}: {}", answer.body));
                }
                Probe::Download(path_of) => {
                    let path = path_of(&self.ids(household));
                    let answer = who.open(&path).await;
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {answer:?}");
                    bodies.push(format!("download {}: {}", path_of(&TEMPLATE), answer.body));
                }
            }
        }
        bodies
    }

    /// Nothing the walk tried changed the household.
    async fn assert_untouched(&self, members: usize) {
        let overview = self.ada.overview(&self.household).await;
        assert_eq!(overview.members.len(), members);
        assert_eq!(overview.invites.len(), 1, "the invite is still pending");
        assert_eq!(overview.name, "Home");
        let plan = self.ada.plan(&self.household, &self.plan).await;
        assert!(
            plan.deadline_changes.is_empty(),
            "the deadline did not move"
        );
        assert_eq!(plan.slots[0].options, ["Pasta", "Curry"]);
        assert!(
            plan.slots.iter().all(|s| s.ballots == 0),
            "no ballot was cast"
        );
        assert!(
            plan.slots.iter().all(|s| s.progress.nudge.is_none()),
            "nobody was nudged"
        );
        let plans = self
            .ada
            .call("list_plans", &[("household_id", &self.household)])
            .await;
        let plans: Vec<app::plans::PlanSummary> =
            serde_json::from_str(&plans.assert_ok().body).unwrap();
        assert_eq!(plans.len(), 1, "no plan was proposed");
        let settings = self
            .ada
            .call("get_meal_settings", &[("household_id", &self.household)])
            .await;
        let settings: app::plans::MealSettings =
            serde_json::from_str(&settings.assert_ok().body).unwrap();
        assert!(settings.dishes.iter().all(|d| d.name != "Stolen soup"));
        assert_eq!(settings.meal_names, "breakfast, lunch, dinner");
        let list = self
            .ada
            .fetch_fn(app::shopping::GetShoppingList {
                household_id: self.household.clone(),
                plan_id: self.plan.clone(),
            })
            .await;
        assert!(list.same_foods.is_empty(), "no food was merged");
    }
}

const UNKNOWN_HOUSEHOLD: &str = "00000000-0000-4000-8000-000000000000";

#[tokio::test]
async fn an_outsider_gets_not_found_everywhere_as_for_a_missing_household() {
    let scene = scene().await;
    // An admin of another household: roles elsewhere grant nothing here.
    let eve = scene.app.signed_up("Eve").await;
    eve.create_household("Eve's").await;
    let answers = scene.walk(&eve, &scene.household).await;
    let missing = scene.walk(&eve, UNKNOWN_HOUSEHOLD).await;
    assert_eq!(
        answers, missing,
        "indistinguishable from a missing household"
    );
    scene.assert_untouched(2).await;
}

#[tokio::test]
async fn a_removed_member_gets_not_found_everywhere() {
    let scene = scene().await;
    scene
        .ada
        .call(
            "remove_member",
            &[
                ("household_id", &scene.household),
                ("user_id", &scene.bob_id),
            ],
        )
        .await
        .assert_ok();
    scene.walk(&scene.bob, &scene.household).await;
    scene.assert_untouched(1).await;
}

#[tokio::test]
async fn every_server_function_is_in_one_table() {
    let scoped: Vec<&str> = HOUSEHOLD_SCOPED
        .iter()
        .filter_map(|p| match p {
            Probe::ServerFn(name, _) => Some(*name),
            Probe::Page(_) | Probe::Download(_) => None,
        })
        .collect();
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let mut unlisted: Vec<&String> = registered
        .iter()
        .filter(|name| {
            !scoped.contains(&name.as_str()) && !NOT_HOUSEHOLD_SCOPED_FNS.contains(&name.as_str())
        })
        .collect();
    unlisted.sort();
    assert!(
        unlisted.is_empty(),
        "server functions missing from the authorization walk's tables: {unlisted:?}"
    );
    let stale: Vec<&&str> = scoped
        .iter()
        .chain(NOT_HOUSEHOLD_SCOPED_FNS)
        .filter(|name| !registered.iter().any(|r| r == **name))
        .collect();
    assert!(stale.is_empty(), "listed but not registered: {stale:?}");
}

#[tokio::test]
async fn every_download_route_is_in_the_table() {
    let listed: Vec<String> = HOUSEHOLD_SCOPED
        .iter()
        .filter_map(|p| match p {
            Probe::Download(path_of) => Some(path_of(&TEMPLATE)),
            Probe::Page(_) | Probe::ServerFn(..) => None,
        })
        .collect();
    let routes: Vec<&str> = server::http::HOUSEHOLD_DOWNLOADS.to_vec();
    let unlisted: Vec<&&str> = routes
        .iter()
        .filter(|route| !listed.iter().any(|l| l == *route))
        .collect();
    assert!(
        unlisted.is_empty(),
        "downloads missing from the authorization walk: {unlisted:?}"
    );
    let stale: Vec<&String> = listed
        .iter()
        .filter(|l| !routes.contains(&l.as_str()))
        .collect();
    assert!(stale.is_empty(), "listed but not routed: {stale:?}");
}

#[tokio::test]
async fn every_page_is_in_one_table() {
    let scoped: Vec<String> = HOUSEHOLD_SCOPED
        .iter()
        .filter_map(|p| match p {
            Probe::Page(path_of) => Some(path_of(&TEMPLATE)),
            Probe::ServerFn(..) | Probe::Download(_) => None,
        })
        .collect();
    let routes: Vec<String> = server::http::routes()
        .iter()
        .map(|route| route.path().to_owned())
        .collect();
    let mut unlisted: Vec<&String> = routes
        .iter()
        .filter(|path| {
            !scoped.contains(path) && !NOT_HOUSEHOLD_SCOPED_PAGES.contains(&path.as_str())
        })
        .collect();
    unlisted.sort();
    assert!(
        unlisted.is_empty(),
        "pages missing from the authorization walk's tables: {unlisted:?}"
    );
    let stale: Vec<&str> = scoped
        .iter()
        .map(String::as_str)
        .chain(NOT_HOUSEHOLD_SCOPED_PAGES.iter().copied())
        .filter(|path| !routes.iter().any(|r| r == path))
        .collect();
    assert!(stale.is_empty(), "listed but not routed: {stale:?}");
}
