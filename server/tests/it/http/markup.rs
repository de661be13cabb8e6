//! Markup in names stays text: a household, display names, dishes, a dish note, meal names, a
//! plan title and options all hold markup payloads (one closes a `<textarea>` and plants a
//! redirecting `<meta>`, the attack that sent an admin elsewhere), and every page the router
//! serves, opened by the admin, a member, a stranger holding an invite and a visitor, shows each
//! payload only escaped (docs/security.md, "Markup in names").

use std::collections::BTreeMap;

use app::routes;

use reqwest::StatusCode;

use crate::support::{Person, TestApp, day_from_now};

/// Each payload, and the live markup that must never reach a page: what a browser would act on
/// if the payload were written unescaped.
const PAYLOADS: &[(&str, &str)] = &[
    // An option (and so a dish): the one that redirected an admin from the plan page's textarea.
    (
        "</textarea><meta http-equiv=refresh content=0;url=//ev.il/x>",
        "<meta http-equiv=refresh",
    ),
    // The admin's display name.
    ("<script>alert(1)</script>", "<script>alert("),
    // The member's display name.
    ("</textarea><img src=x id=member>", "<img src=x id=member>"),
    // The household's name.
    (
        "</title><img src=x id=household>",
        "<img src=x id=household>",
    ),
    // A dish in the library, and its note.
    ("</style><b id=dish>dish</b>", "<b id=dish>"),
    ("</noscript><i id=note>note</i>", "<i id=note>"),
    // The plan's title.
    ("</script><u id=title>title</u>", "<u id=title>"),
    // A meal name (at most 24 characters).
    ("</option><s id=meal>", "<s id=meal>"),
];

fn payload(index: usize) -> &'static str {
    PAYLOADS[index].0
}

/// The text as a page writes it: `<` and `>` as character references.
fn escaped(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;")
}

/// The household, plans, slot and invite every page's parameters are filled from.
struct Scene {
    household: String,
    closed_plan: String,
    open_plan: String,
    slot: String,
    invite: String,
    dish: String,
}

/// A new account under the display name `name`, with an ordinary email address.
async fn signed_up_as(app: &TestApp, name: &str) -> Person {
    let mut person = app.person("person");
    person.name = name.to_owned();
    person.sign_up().await.assert_ok();
    person
}

async fn propose(admin: &Person, household: &str, title: &str, options: &str) -> String {
    let answer = admin
        .call(
            "propose_plan",
            &[
                ("household_id", household),
                ("title", title),
                ("first_day", &day_from_now(3)),
                ("days", "1"),
                ("meals", payload(7)),
                ("options", options),
                ("deadline_date", &day_from_now(1)),
                ("deadline_time", "18:00"),
                ("utc_offset_minutes", "0"),
            ],
        )
        .await;
    answer.assert_ok();
    let location = answer.location.expect("goes to the new plan");
    location.rsplit('/').next().expect("a plan id").to_owned()
}

/// Ada (admin) and Bob (member) under markup names, in a household named in markup, with a dish
/// and note in markup, a plan whose one meal both voted on (closed, the markup option won) and
/// an open plan whose options the admin may still edit (the textarea).
async fn scene(app: &TestApp) -> (Person, Person, Scene) {
    let ada = signed_up_as(app, payload(1)).await;
    let household = ada.create_household(payload(3)).await;
    let bob = signed_up_as(app, payload(2)).await;
    let link = ada.create_invite(&household, "7", false).await;
    bob.join(&link).await.assert_ok();
    ada.call(
        "add_dish",
        &[
            ("household_id", &household),
            ("dish_name", payload(4)),
            ("note", payload(5)),
            ("link", ""),
        ],
    )
    .await
    .assert_ok();
    // The markup dish's recipe carries markup in its lines and method (the recipe page shows
    // them in textareas), and the shopping list gets a line and an item of markup.
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    let dish = settings
        .dishes
        .iter()
        .find(|dish| dish.name == payload(4))
        .expect("the markup dish is in the library")
        .id
        .to_string();
    let lines = format!("{}\n2 cups {}", payload(0), payload(2));
    ada.call(
        "save_recipe",
        &[
            ("household_id", &household),
            ("dish_id", &dish),
            ("serves", "2"),
            ("link", ""),
            ("ingredients", &lines),
            ("steps", payload(1)),
        ],
    )
    .await
    .assert_ok();
    let options = format!("{}\nPasta", payload(0));
    let closed_plan = propose(&ada, &household, payload(6), &options).await;
    let page = ada.ballot_page_of_plan(&household, &closed_plan).await;
    let markup_option = page
        .options
        .iter()
        .find(|option| option.name == payload(0))
        .expect("the markup option is on the ballot")
        .id
        .to_string();
    let slot = page.slot_id.to_string();
    for voter in [&ada, &bob] {
        voter
            .cast_ballot(&household, &slot, &[(&markup_option, "1")])
            .await
            .assert_ok();
    }
    ada.call(
        "add_shopping_item",
        &[
            ("household_id", &household),
            ("plan_id", &closed_plan),
            ("op", "op-markup-item-1"),
            ("item", payload(3)),
        ],
    )
    .await
    .assert_ok();
    let open_plan = propose(&ada, &household, "", &options).await;
    let invite = ada.create_invite(&household, "7", false).await;
    let scene = Scene {
        household,
        closed_plan,
        open_plan,
        slot,
        invite,
        dish,
    };
    (ada, bob, scene)
}

/// Every page the router serves, its parameters filled from the scene (the closed plan, and the
/// open one where a plan is named, so both the results and the options form are shown).
fn pages(scene: &Scene) -> Vec<String> {
    let mut pages = Vec::new();
    for route in server::http::routes() {
        let template = route.path();
        let plans = if template.contains("{plan}") {
            vec![&scene.closed_plan, &scene.open_plan]
        } else {
            vec![&scene.closed_plan]
        };
        for plan in plans {
            let path = template
                .replace("{id}", &scene.household)
                .replace("{plan}", plan)
                .replace("{slot}", &scene.slot)
                .replace("{token}", &scene.invite)
                .replace("{dish}", &scene.dish);
            // `{member}`: a member's own page, filled with the reader's own id below.
            assert!(
                !path.replace("{member}", "").contains('{'),
                "a parameter this test does not fill: {template}"
            );
            pages.push(path);
        }
    }
    pages.sort();
    pages.dedup();
    pages
}

#[tokio::test]
async fn markup_in_every_kind_of_name_is_shown_as_text_on_every_page() {
    let app = TestApp::spawn().await;
    let (ada, bob, scene) = scene(&app).await;
    let stranger = app.signed_up("Stranger").await;
    let visitor = app.person("Visitor");
    let pages = pages(&scene);
    assert!(pages.len() >= 13, "{pages:?}");

    // Which payloads each page showed (escaped), to prove the scan saw them at all.
    let mut shown: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let people = [
        ("admin", &ada),
        ("member", &bob),
        ("stranger", &stranger),
        ("visitor", &visitor),
    ];
    let ada_id = ada.viewer().await.user_id.to_string();
    let bob_id = bob.viewer().await.user_id.to_string();
    for (who, person) in people {
        let own = if who == "member" { &bob_id } else { &ada_id };
        for path in &pages {
            let path = &path.replace("{member}", own);
            let page = person.open(path).await;
            // Outsiders get "not found" or "sign in first" on a household's pages.
            if matches!(who, "admin" | "member") && !path.starts_with("/join/") {
                assert_eq!(page.status, StatusCode::OK, "{who} {path}");
            }
            for (text, live) in PAYLOADS {
                assert!(
                    !page.body.contains(live),
                    "{who} {path}: {live:?} is live markup in the page:\n{}",
                    page.body
                );
                if page.body.contains(&escaped(text)) {
                    shown.entry(text).or_default().push(format!("{who} {path}"));
                }
            }
        }
    }
    for (text, _) in PAYLOADS {
        assert!(
            shown.contains_key(text),
            "{text:?} was never shown: {shown:#?}"
        );
    }

    // The plan page's options form holds the option as text, for the admin who may edit it.
    let plan_page = ada
        .open(&routes::plan(&scene.household, &scene.open_plan))
        .await
        .body;
    let textarea = plan_page
        .split("<textarea")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</textarea>"))
        .map(|(inner, _)| inner)
        .expect("the options form is shown to the admin");
    assert_eq!(textarea, format!("{}\nPasta", escaped(payload(0))));
}
