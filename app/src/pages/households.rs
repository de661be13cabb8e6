use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::page_data;
use crate::{
    components::{
        FormError, PostForm, ShareButtons, StackForm, TextField, posted_error, posted_field_error,
    },
    error::Field,
    households::{
        CreateCalendarFeed, CreateHousehold, DeleteCalendarFeed, get_calendar_feed, list_households,
    },
    shown_once::{NewSecret, new_secret},
};

/// `/households`: the households I belong to, and a form to create one (a plain form: creating
/// one goes to its page, a full page load either way).
#[component]
pub fn Households() -> impl IntoView {
    let households = Resource::new(|| (), |()| list_households());
    view! {
        <h1>"Your households"</h1>
        {page_data(households, |list| if list.is_empty() {
            Either::Left(view! {
                <p class="lead">"You are not in a household yet. Create one below, or open an invite link someone sent you."</p>
            })
        } else {
            Either::Right(view! {
                <ul class="list" aria-label="Your households">
                    {list.into_iter().map(|h| view! {
                        <li>
                            <a href=crate::routes::household(&h.id)>{h.name}</a>
                            <span class="badge">{h.role.label()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })
        })}
        <section class="card" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create a household"</h2>
            <StackForm action=CreateHousehold::PATH>
                <TextField
                    label="Household name"
                    field=Field::HouseholdName
                    hint="For example “The Smiths” or “Flat 4B”."
                    error=posted_field_error(CreateHousehold::PATH, Field::HouseholdName)
                />
                <button type="submit">
                    "Create household"
                </button>
            </StackForm>
        </section>
        <CalendarFeed />
        <super::account::AccountSecurity />
        <crate::cant_eat::CantEatLinks />
        <crate::push::PushDevices />
    }
}

/// The member's calendar link (`docs/calendar.md`): created, replaced or turned off with plain
/// forms. A new link is shown once (`crate::shown_once`): only its hash is stored.
#[component]
fn CalendarFeed() -> impl IntoView {
    let feed = Resource::new(|| (), |()| get_calendar_feed());
    let new_token = new_secret(NewSecret::CalendarToken, None);
    view! {
        <section class="card" id="calendar" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">"Calendar"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let feed = feed.await.ok()?;
                    let new_link = new_token
                        .await
                        .map(|token| format!("{}{}", feed.origin, crate::routes::calendar_feed(token)));
                    Some(view! {
                        <p class="hint">
                            "Every meal of your households' plans in your phone's calendar: "
                            "tentative with the options while voting, confirmed with the winner after. "
                            "The link is a secret: anyone who has it can read these meals."
                        </p>
                        {new_link.map(|link| {
                            let webcal = webcal(&link);
                            view! {
                                <div class="notice" data-shown-once="true">
                                    <label for="calendar-link">"Subscribe to this link in your calendar app (it is shown only now):"</label>
                                    <input id="calendar-link" type="text" readonly value=link.clone() />
                                    <p class="actions">
                                        <a class="button" href=webcal>"Open in my calendar app"</a>
                                        <ShareButtons url=link title="My mealvote calendar".to_owned() />
                                    </p>
                                </div>
                            }
                        })}
                        <FormError error=posted_error(CreateCalendarFeed::PATH) />
                        <PostForm action=CreateCalendarFeed::PATH>
                            <button type="submit">
                                {if feed.enabled { "Replace calendar link" } else { "Create calendar link" }}
                            </button>
                        </PostForm>
                        {feed.enabled.then(|| view! {
                            <PostForm action=DeleteCalendarFeed::PATH>
                                <button type="submit" class="secondary">"Turn calendar link off"</button>
                            </PostForm>
                        })}
                    })
                })}
            </Suspense>
        </section>
    }
}

/// The calendar link as `webcal:`, which phones hand to their calendar app to subscribe.
fn webcal(link: &str) -> String {
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))
        .unwrap_or(link);
    format!("webcal://{rest}")
}

#[cfg(test)]
mod tests {
    use super::webcal;

    #[test]
    fn the_webcal_link_is_the_same_address_with_the_calendar_scheme() {
        assert_eq!(
            webcal("https://meals.example.com/calendar/abc.ics"),
            "webcal://meals.example.com/calendar/abc.ics"
        );
        assert_eq!(
            webcal("http://127.0.0.1:3000/calendar/abc.ics"),
            "webcal://127.0.0.1:3000/calendar/abc.ics"
        );
    }
}
