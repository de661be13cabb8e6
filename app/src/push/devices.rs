//! The account section's push part: "Notify me on this phone" (a button `/push.js` shows and
//! drives: subscribing needs the browser's push manager), the member's devices with a plain
//! form to remove each, and a plain form of switches, one per pushed kind.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{RemovePushDevice, SetPushKinds, get_push_settings, kind_field};
use crate::components::{FormError, LocalTime, PostForm, posted_error};

/// What the page says when this server sends no pushes (`OUTBOUND=none`).
pub const UNAVAILABLE: &str = "Notifications on phones are unavailable on this server: it cannot \
     reach the internet. You still see every notification on each household's Notifications page.";

#[component]
pub fn PushDevices() -> impl IntoView {
    let settings = Resource::new(|| (), |()| get_push_settings());
    view! {
        <section class="card" id="push" aria-labelledby="push-heading">
            <h2 id="push-heading">"Notifications on your phone"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let settings = settings.await.ok()?;
                    if !settings.available {
                        return Some(view! { <p class="notice">{UNAVAILABLE}</p> }.into_any());
                    }
                    let devices = settings.devices;
                    let count = devices.len();
                    Some(view! {
                        <p class="hint">
                            "New plans, a reminder before voting closes, meals decided and nudges, "
                            "on this phone even when mealvote is closed. Nothing is sent between "
                            "22:00 and 07:00 on the phone's clock: it waits until the morning."
                        </p>
                        <div class="stack" data-push-key=settings.public_key.unwrap_or_default()>
                            <button type="button" id="push-subscribe" hidden>"Notify me on this phone"</button>
                            <p id="push-status" role="status" class="hint" data-push-needs-js>
                                "Turning notifications on needs JavaScript and a browser that supports them."
                            </p>
                        </div>
                        <script type="module" src=crate::routes::PUSH_SCRIPT></script>
                        <h3>{format!("Your devices ({count} of {})", super::MAX_DEVICES)}</h3>
                        {if devices.is_empty() {
                            view! { <p class="hint">"No device gets notifications yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list" aria-label="Devices getting notifications">
                                    {devices.into_iter().map(|device| view! {
                                        <li>
                                            <span>{device.label.clone()} ", since " <LocalTime ms=device.created_at_ms /></span>
                                            <PostForm action=RemovePushDevice::PATH>
                                                <input type="hidden" name="device_id" value=device.id />
                                                <button type="submit" class="secondary" aria-label=format!("Remove {}", device.label)>
                                                    "Remove"
                                                </button>
                                            </PostForm>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <FormError error=posted_error(RemovePushDevice::PATH) />
                        <PostForm action=SetPushKinds::PATH>
                            <fieldset class="stack">
                                <legend>"Send me"</legend>
                                <input type="hidden" name="shown" value="1" />
                                {settings.kinds.into_iter().map(|kind| {
                                    let (id, name, target) = (
                                        kind_field(&kind.event),
                                        kind_field(&kind.event),
                                        kind_field(&kind.event),
                                    );
                                    view! {
                                        <label for=target>
                                            <input type="checkbox" id=id name=name checked=kind.on />
                                            " " {kind.label}
                                        </label>
                                    }
                                }).collect_view()}
                                <button type="submit" class="secondary">"Save what is sent"</button>
                            </fieldset>
                        </PostForm>
                    }.into_any())
                })}
            </Suspense>
        </section>
    }
}
