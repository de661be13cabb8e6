//! The shopping list as phones use it: the page's poll answers 304 with no body while nothing
//! changed and names the new version when something did; a poll key is good only for its
//! member, plan and session; a change sent twice changes nothing; without JavaScript every
//! action is a plain form that comes back to the list.

use app::{
    routes,
    shopping::{GetShoppingList, ListPage},
};
use reqwest::StatusCode;

use crate::support::{Person, TestApp, household_with_plan};

/// Ada and Bob, a plan whose first slot closed for Curry (both ranked it first), Curry's recipe
/// on the list.
async fn list_with_curry(app: &TestApp) -> (Person, Person, String, String) {
    let (ada, bob, household, plan) = household_with_plan(app).await;
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    let curry = settings.dishes.iter().find(|d| d.name == "Curry").unwrap();
    ada.call(
        "save_recipe",
        &[
            ("household_id", household.as_str()),
            ("dish_id", curry.id.as_str()),
            ("serves", "2"),
            ("link", ""),
            ("ingredients", "400 g rice\n2 onions\nsalt to taste"),
            ("steps", ""),
        ],
    )
    .await
    .assert_ok();
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    for person in [&ada, &bob] {
        person.rank_first(&household, &slot, "Curry").await;
    }
    (ada, bob, household, plan)
}

async fn list(person: &Person, household: &str, plan: &str) -> ListPage {
    person
        .fetch_fn(GetShoppingList {
            household_id: household.to_owned(),
            plan_id: plan.to_owned(),
        })
        .await
}

async fn poll(
    app: &TestApp,
    household: &str,
    plan: &str,
    key: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(&routes::shopping_list_version(household, plan)))
        .header("x-live-key", key);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.expect("the poll answers")
}

async fn check(person: &Person, household: &str, plan: &str, line: &str, op: &str, seen: &str) {
    person
        .call(
            "set_item_checked",
            &[
                ("household_id", household),
                ("plan_id", plan),
                ("line_id", line),
                ("op", op),
                ("state", "checked"),
                ("seen", seen),
            ],
        )
        .await
        .assert_ok();
}

#[tokio::test]
async fn an_unchanged_list_answers_304_and_a_change_shows_in_the_next_poll() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = list_with_curry(&app).await;
    let page = list(&ada, &household, &plan).await;
    let texts: Vec<String> = page.lines().map(|l| l.text()).collect();
    assert_eq!(
        texts,
        ["rice 400 g", "onions 2", "salt"],
        "scaled 2 eaters / serves 2"
    );

    let first = poll(&app, &household, &plan, &page.poll_key, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"v{}\"", page.version));
    let unchanged = poll(&app, &household, &plan, &page.poll_key, Some(&etag)).await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert!(unchanged.bytes().await.unwrap().is_empty(), "no body");

    let rice = page.lines().next().unwrap();
    check(
        &bob,
        &household,
        &plan,
        rice.id.as_str(),
        "op-bob-rice-1",
        &rice.seen,
    )
    .await;
    let changed = poll(&app, &household, &plan, &page.poll_key, Some(&etag)).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let after = list(&ada, &household, &plan).await;
    assert_ne!(after.version, page.version);
    let rice = after.lines().next().unwrap();
    assert!(rice.done);
    assert_eq!(rice.checked.as_ref().unwrap().by, "Bob");

    // Bob's phone sends the same check again (it lost the answer): nothing changes.
    check(
        &bob,
        &household,
        &plan,
        rice.id.as_str(),
        "op-bob-rice-1",
        &rice.seen,
    )
    .await;
    assert_eq!(list(&ada, &household, &plan).await.version, after.version);
}

#[tokio::test]
async fn a_poll_key_is_good_only_for_its_member_plan_and_session() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = list_with_curry(&app).await;
    let bobs = list(&bob, &household, &plan).await.poll_key;
    assert_eq!(
        poll(&app, &household, &plan, "", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let forged = bobs.replace('.', ".1");
    assert_eq!(
        poll(&app, &household, &plan, &forged, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let other_plan = ada.propose_plan(&household, "Soup\nStew").await;
    assert_eq!(
        poll(&app, &household, &other_plan, &bobs, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "a key names its plan"
    );
    // Bob signs out everywhere: his key's session is over.
    bob.call("sign_out_everywhere", &[]).await.assert_ok();
    assert_eq!(
        poll(&app, &household, &plan, &bobs, None).await.status(),
        StatusCode::NOT_FOUND
    );
    // Removed from the household, a fresh key stops working too.
    let fresh = list(&bob, &household, &plan).await.poll_key;
    assert_eq!(
        poll(&app, &household, &plan, &fresh, None).await.status(),
        StatusCode::OK
    );
    let bob_id = bob.viewer().await.user_id.to_string();
    ada.remove_member(&household, &bob_id).await.assert_ok();
    assert_eq!(
        poll(&app, &household, &plan, &fresh, None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn without_javascript_check_uncheck_and_add_are_plain_forms() {
    let app = TestApp::spawn().await;
    let (ada, _bob, household, plan) = list_with_curry(&app).await;
    let list_path = routes::shopping_list(&household, &plan);
    let html = ada.open(&list_path).await.body;
    assert!(html.contains("rice 400 g"), "{html}");
    assert!(html.contains("action=\"/api/set_item_checked\""));
    let page = list(&ada, &household, &plan).await;
    let rice = page.lines().next().unwrap().clone();
    let line = rice.id.to_string();
    let fields = |state: &'static str, op: &'static str| {
        [
            ("household_id", household.clone()),
            ("plan_id", plan.clone()),
            ("line_id", line.clone()),
            ("op", op.to_owned()),
            ("state", state.to_owned()),
            ("seen", rice.seen.clone()),
        ]
    };
    let post = |fields: [(&'static str, String); 6]| {
        let ada = &ada;
        let list_path = &list_path;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ada.submit(list_path, "set_item_checked", &fields).await
        }
    };
    let checked = post(fields("checked", "op-form-1")).await;
    assert_eq!(
        checked.location.as_deref(),
        Some(list_path.as_str()),
        "back to the list"
    );
    assert!(
        list(&ada, &household, &plan)
            .await
            .lines()
            .next()
            .unwrap()
            .done
    );
    let unchecked = post(fields("unchecked", "op-form-2")).await;
    assert_eq!(unchecked.location.as_deref(), Some(list_path.as_str()));
    assert!(
        !list(&ada, &household, &plan)
            .await
            .lines()
            .next()
            .unwrap()
            .done
    );
    let added = ada
        .submit(
            &list_path,
            "add_shopping_item",
            &[
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
                ("op", "op-form-3"),
                ("item", "2 l milk"),
            ],
        )
        .await;
    assert_eq!(added.location.as_deref(), Some(list_path.as_str()));
    let html = ada.open(&list_path).await.body;
    assert!(html.contains("milk 2 l"), "{html}");
    assert!(html.contains("added by Ada"));
}

#[tokio::test]
async fn a_bad_item_is_named_and_the_list_keeps_what_it_had() {
    let app = TestApp::spawn().await;
    let (ada, _bob, household, plan) = list_with_curry(&app).await;
    let before = list(&ada, &household, &plan).await;
    let long = "x".repeat(10_000);
    for item in [long.as_str(), "1e308 g sugar", "   "] {
        let answer = ada
            .call(
                "add_shopping_item",
                &[
                    ("household_id", household.as_str()),
                    ("plan_id", plan.as_str()),
                    ("op", "op-bad-item-1"),
                    ("item", item),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{answer:?}");
        assert!(
            answer.error().for_field(app::error::Field::Item).is_some(),
            "{answer:?}"
        );
    }
    let after = list(&ada, &household, &plan).await;
    // Everything but the poll key, which is issued anew with each page.
    assert_eq!(
        ListPage {
            poll_key: String::new(),
            ..after
        },
        ListPage {
            poll_key: String::new(),
            ..before
        }
    );
}

async fn add(person: &Person, household: &str, plan: &str, op: &str, item: &str) {
    person
        .call(
            "add_shopping_item",
            &[
                ("household_id", household),
                ("plan_id", plan),
                ("op", op),
                ("item", item),
            ],
        )
        .await
        .assert_ok();
}

#[tokio::test]
async fn without_javascript_a_food_merges_into_another_and_its_staple_rule_follows() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = list_with_curry(&app).await;
    add(&bob, &household, &plan, "op-scallion-1", "1 scallion").await;
    add(
        &bob,
        &household,
        &plan,
        "op-spring-onion-1",
        "2 spring onion",
    )
    .await;
    ada.call(
        "set_pantry_staple",
        &[
            ("household_id", household.as_str()),
            ("plan_id", plan.as_str()),
            ("food", "Scallion"),
            ("staple", "true"),
        ],
    )
    .await
    .assert_ok();
    let list_path = routes::shopping_list(&household, &plan);
    let html = ada.open(&list_path).await.body;
    assert!(html.contains("action=\"/api/merge_foods\""), "{html}");

    let merged = ada
        .submit(
            &list_path,
            "merge_foods",
            &[
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
                ("food", "scallion"),
                ("same_as", " spring  onion "),
            ],
        )
        .await;
    assert_eq!(merged.location.as_deref(), Some(list_path.as_str()));
    let page = list(&bob, &household, &plan).await;
    assert_eq!(
        page.same_foods,
        [app::shopping::SameFoodView {
            food: "scallion".into(),
            same_as: "spring onion".into()
        }]
    );
    let at_home: Vec<String> = page.at_home.iter().map(|l| l.text()).collect();
    assert_eq!(
        at_home,
        ["spring onion 3"],
        "one line, kept at home as the scallions were"
    );
    assert!(
        page.lines()
            .all(|l| !l.food.contains("scallion") && !l.food.contains("spring")),
        "nothing of either to buy"
    );

    // The other way round is refused, said at the top of the list, and changes nothing.
    let refused = ada
        .submit(
            &list_path,
            "merge_foods",
            &[
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
                ("food", "spring onion"),
                ("same_as", "Scallion"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FOUND, "{refused:?}");
    let back = refused.location.clone().unwrap();
    assert!(back.contains("__err="), "{back}");
    let shown = ada.open(back.trim_start_matches(&ada.url(""))).await;
    assert!(
        shown
            .body
            .contains("is already the same food as “spring onion”"),
        "{}",
        shown.body
    );
    let after = list(&bob, &household, &plan).await;
    assert_eq!(after.same_foods, page.same_foods);
    assert_eq!(after.version, page.version);

    let undone = ada
        .submit(
            &list_path,
            "unmerge_food",
            &[
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
                ("food", "Scallion"),
            ],
        )
        .await;
    assert_eq!(undone.location.as_deref(), Some(list_path.as_str()));
    assert!(list(&bob, &household, &plan).await.same_foods.is_empty());
    let blank = ada
        .call(
            "merge_foods",
            &[
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
                ("food", "leek"),
                ("same_as", "   "),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.error().for_field(app::error::Field::SameAs).is_some());
}
