//! A stolen session leaves nothing behind once the owner acts: after "sign out everywhere else"
//! and after a password change, the calendar link and the invites the thief made from their
//! session no longer answer or admit anyone, the owner's own session goes on, and the page the
//! owner lands on says what was withdrawn (docs/security.md, "A stolen session leaves nothing").

use app::error::{AppError, InviteProblem};
use app::routes;
use reqwest::StatusCode;

use crate::support::{PASSWORD, Person, TestApp, TestDatabase, input_value};

crate::on_both_engines!(
    signing_out_everywhere_withdraws_the_thiefs_calendar_link_and_invites,
    a_password_change_withdraws_the_thiefs_calendar_link_and_invites,
);

/// The calendar link `person` just made, as the households page shows it once.
async fn calendar_token(person: &Person) -> String {
    person.call("create_calendar_feed", &[]).await.assert_ok();
    let page = person.open(&routes::calendar_section()).await.body;
    let link = input_value(&page, "calendar-link").expect("the new link is shown");
    link.strip_suffix(".ics")
        .and_then(|link| link.rsplit('/').next())
        .expect("a calendar link")
        .to_owned()
}

enum Trigger {
    SignOutEverywhere,
    PasswordChange,
}

async fn the_thiefs_links_end(db: TestDatabase, trigger: Trigger) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    // The thief holds a copy of Ada's session: the same account on another device.
    let thief = app.second_device(&ada).await;
    let feed = calendar_token(&thief).await;
    let invite = thief.create_invite(&household, "30", false).await;
    assert_eq!(
        app.get(&routes::calendar_feed(&feed)).await.status(),
        StatusCode::OK,
        "the thief's calendar link answers before the owner acts"
    );

    let (answer, landing) = match trigger {
        Trigger::SignOutEverywhere => (
            ada.call("sign_out_everywhere", &[]).await,
            routes::signed_out_elsewhere(),
        ),
        Trigger::PasswordChange => (
            ada.call(
                "change_password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "a brand new passphrase"),
                ],
            )
            .await,
            routes::password_changed(),
        ),
    };
    answer.assert_ok();

    // The thief's session is over, and so is everything it made.
    assert_eq!(thief.signed_in_as().await, None);
    assert_eq!(
        app.get(&routes::calendar_feed(&feed)).await.status(),
        StatusCode::NOT_FOUND,
        "the thief's calendar link is gone"
    );
    let stranger = app.signed_up("Stranger").await;
    let join = stranger.join(&invite).await;
    assert_eq!(join.status, StatusCode::GONE, "{join:?}");
    assert_eq!(join.error(), AppError::Invite(InviteProblem::Revoked));
    assert_eq!(ada.overview(&household).await.members.len(), 1);
    assert!(ada.overview(&household).await.invites.is_empty());

    // The owner's session goes on, and the page says what was withdrawn.
    assert_eq!(ada.signed_in_as().await, Some("Ada".to_owned()));
    let page = ada.open(&landing).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Your calendar link and the invite links you had made were withdrawn"),
        "{}",
        page.body
    );
    // New links made now work.
    let feed = calendar_token(&ada).await;
    assert_eq!(
        app.get(&routes::calendar_feed(&feed)).await.status(),
        StatusCode::OK
    );
    let invite = ada.create_invite(&household, "7", false).await;
    stranger.join(&invite).await.assert_ok();
}

async fn signing_out_everywhere_withdraws_the_thiefs_calendar_link_and_invites(db: TestDatabase) {
    the_thiefs_links_end(db, Trigger::SignOutEverywhere).await;
}

async fn a_password_change_withdraws_the_thiefs_calendar_link_and_invites(db: TestDatabase) {
    the_thiefs_links_end(db, Trigger::PasswordChange).await;
}
