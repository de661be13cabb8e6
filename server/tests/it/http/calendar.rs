//! The calendar feed through the running app, on both engines: a member's secret link lists every
//! slot of their households' plans, tentative while voting and confirmed with the winner after,
//! with stable UIDs, as an independent RFC 5545 parser reads it; replacing or turning the link
//! off revokes it.

use app::routes;
use std::collections::BTreeMap;

use reqwest::StatusCode;

use crate::support::{Person, TestApp, TestDatabase, household_with_plan, input_value};

crate::on_both_engines!(
    the_feed_lists_every_slot_tentative_then_confirmed_with_stable_uids,
    a_replaced_or_turned_off_link_is_not_found_and_strangers_see_nothing,
);

/// Creates the person's calendar link and returns its token, read off the households page that
/// shows it once.
async fn create_feed(person: &Person) -> String {
    let answer = person.call("create_calendar_feed", &[]).await;
    answer.assert_ok();
    let location = answer.location.expect("redirect to the households page");
    assert_eq!(
        location,
        routes::calendar_section(),
        "the link is not in the URL"
    );
    let page = person.open(&location).await.body;
    let link = input_value(&page, "calendar-link").expect("the new link is shown");
    let token = link
        .strip_suffix(".ics")
        .and_then(|link| link.rsplit('/').next())
        .unwrap_or_else(|| panic!("a calendar link: {link}"))
        .to_owned();
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    let webcal = link.replacen("http://", "webcal://", 1);
    assert!(
        page.contains(&format!("href=\"{webcal}\"")),
        "a webcal: link that works without JavaScript: {page}"
    );
    token
}

/// Each event's properties by name (UID, STATUS, SUMMARY, SEQUENCE, DTSTART, …), by UID.
async fn fetch(
    app: &TestApp,
    token: &str,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, StatusCode> {
    let response = app.get(&routes::calendar_feed(token)).await;
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "private, max-age=300");
    let body = response.text().await.unwrap();
    assert!(body.contains("\r\n"), "lines end with CRLF");
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("valid RFC 5545");
    assert!(calendars.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(
        prop(&calendar.properties, "VERSION").as_deref(),
        Some("2.0")
    );
    assert!(prop(&calendar.properties, "PRODID").is_some());
    Ok(calendar
        .events
        .iter()
        .map(|event| {
            let props: BTreeMap<String, String> = event
                .properties
                .iter()
                .filter_map(|p| Some((p.name.clone(), p.value.clone()?)))
                .collect();
            (props["UID"].clone(), props)
        })
        .collect())
}

async fn the_feed_lists_every_slot_tentative_then_confirmed_with_stable_uids(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let token = create_feed(&bob).await;
    let page = bob.open(routes::HOUSEHOLDS).await;
    assert!(
        !page.body.contains(&token),
        "the new link is shown once on the households page, not again"
    );

    let view = ada.plan(&household, &plan).await;
    let before = fetch(&app, &token).await.unwrap();
    assert_eq!(before.len(), view.slots.len(), "one event per slot");
    for slot in &view.slots {
        let event = &before[&format!("{}@mealvote", slot.id)];
        assert_eq!(event["STATUS"], "TENTATIVE");
        assert_eq!(event["SEQUENCE"], "0");
        assert!(event["SUMMARY"].starts_with("Dinner: Pasta"), "{event:?}");
        assert!(event["SUMMARY"].contains("or Soup?"), "{event:?}");
        assert!(event["DESCRIPTION"].contains("Voting closes"), "{event:?}");
        assert!(
            event["DTSTART"].ends_with("T190000Z"),
            "19:00 at UTC+0: {event:?}"
        );
    }

    // Both vote for Curry on the first slot: it closes early.
    let ballot = ada.ballot_page(&household, view.slots[0].id.as_str()).await;
    let curry = ballot.options[1].id.as_str();
    for person in [&ada, &bob] {
        person
            .cast_ballot(&household, view.slots[0].id.as_str(), &[(curry, "1")])
            .await
            .assert_ok();
    }
    let after = fetch(&app, &token).await.unwrap();
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the same UIDs"
    );
    let decided = &after[&format!("{}@mealvote", view.slots[0].id)];
    assert_eq!(decided["STATUS"], "CONFIRMED");
    assert_eq!(decided["SUMMARY"], "Dinner: Curry");
    assert_eq!(decided["SEQUENCE"], "1");
    let open = &after[&format!("{}@mealvote", view.slots[1].id)];
    assert_eq!(open["STATUS"], "TENTATIVE");
}

async fn a_replaced_or_turned_off_link_is_not_found_and_strangers_see_nothing(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, _bob, _household, _plan) = household_with_plan(&app).await;
    let first = create_feed(&ada).await;
    assert_eq!(fetch(&app, &first).await.unwrap().len(), 2);
    let second = create_feed(&ada).await;
    assert_eq!(
        fetch(&app, &first).await.unwrap_err(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &second).await.unwrap().len(), 2);
    ada.call("delete_calendar_feed", &[]).await.assert_ok();
    assert_eq!(
        fetch(&app, &second).await.unwrap_err(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(&app, "not-a-token").await.unwrap_err(),
        StatusCode::NOT_FOUND
    );

    // Eve belongs to another household: her feed has none of Ada's meals.
    let eve = app.signed_up("Eve").await;
    eve.create_household("Elsewhere").await;
    let token = create_feed(&eve).await;
    assert!(fetch(&app, &token).await.unwrap().is_empty());
}
