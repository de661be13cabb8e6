// "Notify me on this phone" (docs/notifications.md, "Web Push"): the account section's button,
// shown only where the browser can take push notifications. A press asks for permission, makes a
// push subscription with the server's key (`data-push-key`) through the service worker (sw.js),
// and hands it to the server (`/api/subscribe_push`), which lists the device on reload. Without
// this script (or without push support) the section says so and the button stays hidden.

const root = document.querySelector("[data-push-key]");
const button = document.getElementById("push-subscribe");
const status = document.getElementById("push-status");

function say(text) {
  if (status) status.textContent = text;
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function subscribe() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    say("Notifications are blocked for this site. Allow them in the browser's site settings, then try again.");
    return;
  }
  say("Turning notifications on…");
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(root.dataset.pushKey),
  });
  const { endpoint, keys } = subscription.toJSON();
  const body = new URLSearchParams({
    endpoint,
    p256dh: keys.p256dh,
    auth: keys.auth,
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  });
  const answer = await fetch("/api/subscribe_push", { method: "POST", body });
  if (answer.ok) {
    location.reload();
    return;
  }
  // The server's message names the problem; the browser's subscription is not kept.
  await subscription.unsubscribe().catch(() => {});
  let message = "The server could not turn notifications on. Please try again.";
  try {
    const error = await answer.json();
    const text = error && (error.Invalid?.message ?? error.Conflict);
    if (text) message = text;
  } catch {
    // Not JSON: the generic message stands.
  }
  say(message);
}

if (root && button && root.dataset.pushKey && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window) {
  button.hidden = false;
  say("");
  button.addEventListener("click", () => {
    button.disabled = true;
    subscribe()
      .catch(() => say("This browser could not subscribe to notifications. Please try again later."))
      .finally(() => {
        button.disabled = false;
      });
  });
} else if (status && root) {
  say("This browser cannot show notifications from websites. On an iPhone, add mealvote to the home screen first.");
}
