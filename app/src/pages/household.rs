use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::{ErrorMessage, household_data, notifications::NotificationsLink, page_data};
use crate::{
    components::{
        FormError, LocalTime, PostForm, ShareButtons, StackForm, TextField, posted_error,
        posted_field_error,
    },
    error::Field,
    households::{
        CreateInvite, HouseholdOverview, InviteView, LeaveHousehold, MemberView, RemoveMember,
        RevokeInvite, Role, SetMemberRole, get_household_overview,
    },
    notifications::{RemoveWebhook, SetWebhook, WebhookSettings, get_webhook_settings},
    shown_once::{NewSecret, new_secret},
};

/// `/households/:id`: members and roles, pending invites; admins manage both.
///
/// Its forms are plain forms (`PostForm`) that reload the page: each action changes what the
/// page shows, and this keeps the WASM bundle within its budget.
#[component]
pub fn Household() -> impl IntoView {
    let params = use_params_map();
    let overview = household_data(get_household_overview);
    // Taken from the session once per page, here rather than where they are shown: the page's
    // body may be built more than once while it renders.
    let household = params.read_untracked().get("id");
    provide_context(NewSecrets {
        invite: new_secret(NewSecret::InviteToken, household.clone()),
        webhook: new_secret(NewSecret::WebhookSecret, household),
    });
    page_data(overview, |overview| view! { <Overview overview /> })
}

/// This page's secrets shown once (`crate::shown_once`), if the form it came from made one.
#[derive(Clone, Copy)]
struct NewSecrets {
    invite: Resource<Option<String>>,
    webhook: Resource<Option<String>>,
}

#[component]
fn Overview(overview: HouseholdOverview) -> impl IntoView {
    let admin = overview.my_role == Role::Admin;
    let household = overview.id.to_string();
    let (removal, role_change) = (
        posted_error(RemoveMember::PATH),
        posted_error(SetMemberRole::PATH),
    );
    let member_error = Signal::derive(move || removal.get().or_else(|| role_change.get()));
    view! {
        <h1>{overview.name.clone()}</h1>
        <p class="lead">
            "You are " {if admin { "an admin" } else { "a member" }} " of this household."
        </p>
        <p class="actions">
            <a class="button" href=crate::routes::plans(&household)>"Meal plans"</a>
            <a href=crate::routes::dishes(&household)>"Dishes and meals"</a>
            <NotificationsLink household=household.clone() />
        </p>
        <NewInvite origin=overview.site_origin.clone() />
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <FormError error=member_error />
            <ul class="list" aria-label="Members">
                {overview
                    .members
                    .into_iter()
                    .map(|member| {
                        let me = member.user_id == overview.me;
                        view! { <MemberRow household=household.clone() member me admin /> }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="card" aria-labelledby="invites-heading">
            <h2 id="invites-heading">"Pending invites"</h2>
            <FormError error=posted_error(RevokeInvite::PATH) />
            {if overview.invites.is_empty() {
                Either::Left(view! { <p>"No pending invites."</p> })
            } else {
                Either::Right(
                    view! {
                        <ul class="list" aria-label="Pending invites">
                            {overview
                                .invites
                                .into_iter()
                                .map(|invite| {
                                    view! { <InviteRow household=household.clone() invite admin /> }
                                })
                                .collect_view()}
                        </ul>
                    },
                )
            }}
        </section>
        {admin
            .then(|| {
                view! { <CreateInviteForm household=household.clone() /> }
            })}
        {admin.then(|| view! { <Webhook household=household.clone() /> })}
        <section class="card" aria-labelledby="leave-heading">
            <h2 id="leave-heading">"Leave"</h2>
            <StackForm action=LeaveHousehold::PATH household=household.clone()>
                <button type="submit" class="danger">
                    "Leave this household"
                </button>
            </StackForm>
        </section>
    }
}

#[component]
fn MemberRow(household: String, member: MemberView, me: bool, admin: bool) -> impl IntoView {
    let user_id = member.user_id.to_string();
    let name = member.display_name;
    let (new_role, role_label) = match member.role {
        Role::Admin => (Role::Member, "Make member"),
        Role::Member => (Role::Admin, "Make admin"),
    };
    let manage = (admin && !me).then(|| {
        // Each form's children own their values.
        let (household_2, user_id_2) = (household.clone(), user_id.clone());
        let role_aria = format!("{role_label}: {name}");
        let remove_aria = format!("Remove {name}");
        view! {
            <div class="row-actions">
                <PostForm action=SetMemberRole::PATH>
                    <input type="hidden" name="household_id" value=household />
                    <input type="hidden" name="user_id" value=user_id />
                    <input type="hidden" name="role" value=new_role.as_str() />
                    <button type="submit" class="secondary" aria-label=role_aria>
                        {role_label}
                    </button>
                </PostForm>
                <PostForm action=RemoveMember::PATH>
                    <input type="hidden" name="household_id" value=household_2 />
                    <input type="hidden" name="user_id" value=user_id_2 />
                    <button type="submit" class="danger" aria-label=remove_aria>
                        "Remove"
                    </button>
                </PostForm>
            </div>
        }
    });
    view! {
        <li>
            <span class="name">{name} {me.then_some(" (you)")}</span>
            <span class="badge">{member.role.label()}</span>
            {manage}
        </li>
    }
}

#[component]
fn InviteRow(household: String, invite: InviteView, admin: bool) -> impl IntoView {
    let invite_id = invite.id.to_string();
    view! {
        <li>
            <span class="name">
                "By " {invite.created_by} ", expires " <LocalTime ms=invite.expires_at_ms />
                {invite.single_use.then_some(", single use")}
            </span>
            {admin
                .then(|| {
                    view! {
                        <PostForm action=RevokeInvite::PATH>
                            <input type="hidden" name="household_id" value=household />
                            <input type="hidden" name="invite_id" value=invite_id />
                            <button type="submit" class="danger">
                                "Revoke"
                            </button>
                        </PostForm>
                    }
                })}
        </li>
    }
}

#[component]
fn CreateInviteForm(household: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <StackForm action=CreateInvite::PATH household=household>
                <TextField
                    label="Link expires after (days)"
                    field=Field::ExpiresInDays
                    input_type="number"
                    min="1"
                    max="30"
                    value="7"
                    error=posted_field_error(CreateInvite::PATH, Field::ExpiresInDays)
                />
                <div class="check">
                    <input type="checkbox" id="single_use" name="single_use" value="on" />
                    <label for="single_use">"Single use (the link stops working once someone joins)"</label>
                </div>
                <button type="submit">
                    "Create invite link"
                </button>
            </StackForm>
        </section>
    }
}

/// The link just created, shown once (`crate::shown_once`): only its hash is stored.
#[component]
fn NewInvite(origin: String) -> impl IntoView {
    let token = expect_context::<NewSecrets>().invite;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let origin = origin.clone();
                Suspend::new(async move {
                    let link = format!("{origin}/join/{}", token.await?);
                    Some(view! {
                        <section class="card notice" aria-labelledby="new-invite-heading" data-shown-once="true">
                            <h2 id="new-invite-heading">"Invite link created"</h2>
                            <label for="new-invite-link">"Send this link to the person you invite (it is shown only now):"</label>
                            <input id="new-invite-link" type="text" readonly value=link.clone() />
                            <ShareButtons url=link title="Join our household on mealvote".to_owned() />
                        </section>
                    })
                })
            }}
        </Suspense>
    }
}

/// Admins only: the household's webhook (`docs/notifications.md`). A new webhook's secret is
/// generated by the server and shown once, right after it is set (`crate::shown_once`).
#[component]
fn Webhook(household: String) -> impl IntoView {
    let settings = Resource::new(move || household.clone(), get_webhook_settings);
    view! {
        <section class="card" aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">"Webhook"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => Either::Left(view! { <WebhookForm settings /> }),
                        Err(error) => Either::Right(view! { <ErrorMessage error /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn WebhookForm(settings: WebhookSettings) -> impl IntoView {
    if !settings.available {
        return Either::Left(view! { <p>"Webhooks are unavailable on this server."</p> });
    }
    let household = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let current = settings.url.clone().map(|url| {
        let household = household.clone();
        view! {
            <p>
                "Changes are sent to " <code>{url}</code> ", signed with the secret shown when it was set."
            </p>
            <PostForm action=RemoveWebhook::PATH>
                <FormError error=posted_error(RemoveWebhook::PATH) />
                <input type="hidden" name="household_id" value=household />
                <button type="submit" class="danger">
                    "Remove webhook"
                </button>
            </PostForm>
        }
    });
    let none = settings.url.is_none().then(
        || view! { <p>"Send this household's changes to your own service as signed JSON."</p> },
    );
    Either::Right(view! {
        <NewWebhookSecret />
        {none}
        {current}
        <StackForm action=SetWebhook::PATH household=household>
            <TextField
                label="Webhook address (https://…)"
                field=Field::WebhookUrl
                input_type="url"
                error=posted_field_error(SetWebhook::PATH, Field::WebhookUrl)
                hint="A new secret is created each time you set the address."
            />
            <button type="submit">
                {if settings.url.is_some() { "Replace webhook" } else { "Set webhook" }}
            </button>
        </StackForm>
    })
}

/// The secret just created, shown once: the server never shows it again.
#[component]
fn NewWebhookSecret() -> impl IntoView {
    let secret = expect_context::<NewSecrets>().webhook;
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let secret = secret.await?;
                Some(view! {
                    <div class="notice" role="status" data-shown-once="true">
                        <label for="new-webhook-secret">
                            "Webhook set. Its signing secret, shown only now — keep it with your receiver:"
                        </label>
                        <input id="new-webhook-secret" type="text" readonly value=secret />
                    </div>
                })
            })}
        </Suspense>
    }
}
