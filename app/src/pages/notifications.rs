//! `/households/:id/notifications`: the household's latest changes, newest first, and the
//! unread count shown in the household's navigation.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{household_data, page_data};
use crate::{
    components::{FormError, LocalTime, PostForm, posted_error},
    notifications::{
        MarkNotificationsRead, Notification, NotificationsPage, get_notifications, get_unread_count,
    },
};

/// The page. Its one form is a plain form: it works without JavaScript.
#[component]
pub fn Notifications() -> impl IntoView {
    page_data(household_data(get_notifications), |page| {
        view! { <NotificationList page /> }
    })
}

#[component]
fn NotificationList(page: NotificationsPage) -> impl IntoView {
    let household = page.household_id.to_string();
    // "Mark all as read" marks what this page shows, not what arrives while it is open.
    let newest = page.items.first().map(|item| item.at_ms.to_string());
    view! {
        <h1>"Notifications"</h1>
        <p class="lead">
            {page.household_name} ": "
            {match page.unread {
                0 => "nothing new.".to_owned(),
                1 => "1 unread.".to_owned(),
                n => format!("{n} unread."),
            }}
        </p>
        <p class="actions">
            <a href=crate::routes::plans(&household)>"Meal plans"</a>
            <a href=crate::routes::household(&household)>"Household"</a>
        </p>
        {(page.unread > 0)
            .then(|| {
                view! {
                    <PostForm action=MarkNotificationsRead::PATH>
                        <FormError error=posted_error(MarkNotificationsRead::PATH) />
                        <input type="hidden" name="household_id" value=household.clone() />
                        {newest
                            .map(|newest| {
                                view! { <input type="hidden" name="seen_up_to" value=newest /> }
                            })}
                        <button type="submit" class="secondary">
                            "Mark all as read"
                        </button>
                    </PostForm>
                }
            })}
        {if page.items.is_empty() {
            Either::Left(view! { <p>"Nothing has happened yet."</p> })
        } else {
            Either::Right(view! {
                <ul class="list notifications" aria-label="Notifications">
                    {page.items.into_iter().map(|item| view! { <Item item /> }).collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn Item(item: Notification) -> impl IntoView {
    let text = match item.href {
        Some(href) => Either::Left(view! { <a href=href>{item.text}</a> }),
        None => Either::Right(item.text),
    };
    view! {
        <li class:unread=item.unread>
            <span class="name">{text}</span>
            {item.unread.then(|| view! { <span class="badge">"new"</span> })}
            <span class="muted"><LocalTime ms=item.at_ms /></span>
        </li>
    }
}

/// "Notifications (3)": the household navigation's link with the member's unread count.
#[component]
pub(super) fn NotificationsLink(household: String) -> impl IntoView {
    let href = crate::routes::notifications(&household);
    let unread = Resource::new(move || household.clone(), get_unread_count);
    view! {
        <Suspense fallback=|| ()>
            {
                let href = href.clone();
                move || {
                    let href = href.clone();
                    Suspend::new(async move {
                        let unread = unread.await.unwrap_or(0);
                        let label = if unread == 0 {
                            "Notifications".to_owned()
                        } else {
                            format!("Notifications ({unread} unread)")
                        };
                        view! {
                            <a href=href class:has-unread={unread > 0}>
                                {label}
                            </a>
                        }
                    })
                }
            }
        </Suspense>
    }
}
