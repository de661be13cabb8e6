// mealvote's service worker: a member's household pages open offline (docs/offline.md).
//
// The server serves this file at /sw.js (scope /, from the site's own origin even when the assets
// come from a CDN) and puts one line before it, `const ASSETS = "<where /pkg/ is>";`.
//
// - Pages: a signed-in member's household pages (GET navigations matching PAGE_PATHS only) go to
//   the network first; a 200 HTML answer is kept in the page cache. When the network fails, the
//   kept copy is shown with an "Offline — showing what you last saw" banner (role="status").
//   A page showing a secret once (`data-shown-once`, app/src/shown_once.rs) is never kept.
// - Never cached: anything but GET, server functions (/api/*), /internal/*, /metrics, /healthz,
//   /readyz, /calendar/*, exports, and every page outside PAGE_PATHS (the worker does not even
//   answer those requests: the browser goes to the network as without a worker).
// - Nothing survives a change of person: the page cache is deleted before a sign-out, sign-in or
//   sign-up request is sent (SESSION_CHANGES, also when offline), and whenever a household page
//   answers with a redirect (the session is gone: it sends the visitor to sign in). A kept page
//   older than PAGE_MAX_AGE_MS (the server's session lifetime) is never shown.
// - Assets: hashed JS/WASM/CSS under ASSETS are kept the first time they are fetched (their names
//   change with their content); unhashed ones (development builds) go to the network first.
//
// - Push (docs/notifications.md, "Web Push"): a push's payload is {title, body, url} (the browser
//   has decrypted it); it is shown as a notification, and a tap focuses (or opens) a window on
//   its url, which must be a path on this site: anything else opens /households.
//
// `Cache-Control: no-store` (server/src/http/no_store.rs) still keeps these pages out of the
// browser's HTTP cache and out of proxies; this worker's Cache Storage belongs to the site's
// origin and is deleted as described above.

const VERSION = "v1";
const PAGE_CACHE = `mealvote-pages-${VERSION}`;
const ASSET_CACHE = `mealvote-assets-${VERSION}`;
const SHELL_CACHE = `mealvote-shell-${VERSION}`;
// Compiled into the server (server/src/http/pwa.rs), so always there; the favicon comes from the
// built site and is fetched on a best-effort basis.
const SHELL = ["/manifest.webmanifest", "/icons/icon-192.png", "/icons/apple-touch-icon.png"];
// The page scripts (the shopping list's, and live.js, which it imports): kept with the shell so
// the list works with no signal, but asked for from the network first (their names do not change
// with their content).
const PAGE_SCRIPTS = ["/list.js", "/live.js"];
const FAVICON = "/favicon.svg";
const MAX_PAGES = 50;
const MAX_ASSETS = 40;
const PAGE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
const CACHED_AT = "x-mealvote-cached-at";
const OFFLINE_MARK = "Offline — showing what you last saw";

// /households, /households/{id}, …/plans, …/plans/{plan}, …/plans/{plan}/results,
// …/plans/{plan}/list (the shopping list, shopped with no signal), …/slots/{slot} (not its
// /export), …/propose, …/notifications, …/dishes, …/dishes/{dish}.
const PAGE_PATHS =
  /^\/households(\/[^/]+(\/(plans(\/[^/]+(\/(results|list))?)?|slots\/[^/]+|propose|notifications|dishes(\/[^/]+)?))?)?\/?$/;
// Server functions that end or start a session on this device.
const SESSION_CHANGES = /^\/api\/sign_(out|in|up)(_everywhere)?\/?$/;
// cargo-leptos' hashed names: `<stem>.<22 characters of base64url>.<ext>`.
const HASHED = /\.[A-Za-z0-9_-]{22}\.[a-z]+$/;

const assetsPrefix = new URL(ASSETS, self.location.href).href;
// Bumped by every deletion, so that a page still being stored when the person signs out is
// dropped instead of being written back afterwards.
let generation = 0;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) =>
        cache
          .addAll(SHELL)
          .then(() => cache.add(FAVICON).catch(() => {}))
          .then(() => Promise.all(PAGE_SCRIPTS.map((script) => cache.add(script).catch(() => {})))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const current = [PAGE_CACHE, ASSET_CACHE, SHELL_CACHE];
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("mealvote-") && !current.includes(name))
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const sameOrigin = url.origin === self.location.origin;
  if (request.method !== "GET") {
    if (sameOrigin && SESSION_CHANGES.test(url.pathname)) {
      // Forget first, then send: the pages are gone even if the request never arrives.
      event.respondWith(forgetPages().then(() => fetch(request)));
    }
    return;
  }
  if (request.mode === "navigate") {
    if (sameOrigin && PAGE_PATHS.test(url.pathname)) {
      event.respondWith(networkFirst(event));
    }
    return;
  }
  if (url.href.startsWith(assetsPrefix)) {
    event.respondWith(HASHED.test(url.pathname) ? assetCacheFirst(request) : assetNetworkFirst(request));
    return;
  }
  if (sameOrigin && PAGE_SCRIPTS.includes(url.pathname)) {
    event.respondWith(pageScriptNetworkFirst(request, url.pathname));
    return;
  }
  if (sameOrigin && (SHELL.includes(url.pathname) || url.pathname === FAVICON)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

async function pageScriptNetworkFirst(request, path) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(path);
    if (kept) return kept;
    throw error;
  }
}

async function forgetPages() {
  generation += 1;
  await caches.delete(PAGE_CACHE);
}

async function networkFirst(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await keptPage(request);
    return kept ? markedOffline(kept) : offlinePage();
  }
  if (response.type === "opaqueredirect" || response.redirected) {
    // A household page sends a visitor whose session is gone to sign in.
    event.waitUntil(forgetPages());
  } else if (response.status === 200 && isHtml(response)) {
    event.waitUntil(keep(request, response.clone()));
  } else {
    // Gone, no longer theirs (404 after a removal) or failing: the old copy is not shown either.
    event.waitUntil(caches.open(PAGE_CACHE).then((cache) => cache.delete(request.url)));
  }
  return response;
}

function isHtml(response) {
  return (response.headers.get("content-type") || "").startsWith("text/html");
}

async function keep(request, response) {
  const started = generation;
  const html = await response.text();
  if (html.includes("data-shown-once")) {
    return;
  }
  const headers = new Headers({ "content-type": response.headers.get("content-type") });
  const csp = response.headers.get("content-security-policy");
  if (csp) {
    headers.set("content-security-policy", csp);
  }
  headers.set(CACHED_AT, String(Date.now()));
  const cache = await caches.open(PAGE_CACHE);
  if (started !== generation) {
    return;
  }
  await cache.delete(request.url);
  await cache.put(request.url, new Response(html, { status: 200, headers }));
  await trim(cache, MAX_PAGES);
}

async function keptPage(request) {
  const cache = await caches.open(PAGE_CACHE);
  const kept = await cache.match(request.url);
  if (!kept) {
    return undefined;
  }
  const age = Date.now() - Number(kept.headers.get(CACHED_AT));
  if (!(age >= 0 && age < PAGE_MAX_AGE_MS)) {
    await cache.delete(request.url);
    return undefined;
  }
  return kept;
}

async function markedOffline(kept) {
  const banner =
    `<div class="offline-banner" role="status" data-offline="true">${OFFLINE_MARK}</div>`;
  const html = (await kept.text()).replace(/<body[^>]*>/i, (body) => body + banner);
  const headers = new Headers(kept.headers);
  headers.delete(CACHED_AT);
  headers.set("x-mealvote-offline", "true");
  return new Response(html, { status: 200, headers });
}

function offlinePage() {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline — mealvote</title></head>
<body><main id="main"><div class="offline-banner" role="status" data-offline="true">You are offline</div>
<h1>You are offline</h1>
<p>This page has not been opened on this device since you signed in, so there is no copy of it to show.
Try again once you are back online.</p></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-mealvote-offline": "true",
    },
  });
}

async function assetCacheFirst(request) {
  const cache = await caches.open(ASSET_CACHE);
  const hit = await cache.match(request);
  if (hit) {
    return hit;
  }
  const response = await fetch(request);
  if (response.ok || response.type === "opaque") {
    await cache.put(request, response.clone());
    await trim(cache, MAX_ASSETS);
  }
  return response;
}

async function assetNetworkFirst(request) {
  const cache = await caches.open(ASSET_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok || response.type === "opaque") {
      await cache.put(request, response.clone());
      await trim(cache, MAX_ASSETS);
    }
    return response;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) {
      return hit;
    }
    throw error;
  }
}

// Cache keys come back in insertion order: drop the oldest beyond `max`.
async function trim(cache, max) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((key) => cache.delete(key)));
}

// A push: shown as a notification with the payload's words; pages of this site that are open
// hear of it (`mealvote:push`), so they can refresh what they show.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : "" };
  }
  const url = sitePath(message.url);
  const shown = self.registration
    .showNotification(String(message.title || "mealvote"), {
      body: String(message.body || ""),
      icon: "/icons/icon-192.png",
      data: { url },
    })
    .then(() => self.clients.matchAll({ type: "window" }))
    .then((windows) => windows.forEach((client) => client.postMessage({ type: "mealvote:push", url })));
  event.waitUntil(shown);
});

// A tap on a notification opens its page.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openPage(event.notification.data && event.notification.data.url));
});

// Focuses a window of this site already on `path`, or takes one of this site's windows there,
// or opens a new one.
async function openPage(path) {
  const target = new URL(sitePath(path), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = windows.find((client) => client.url === target);
  if (same) {
    return same.focus().catch(() => same);
  }
  const ours = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (ours && "navigate" in ours) {
    const moved = await ours.navigate(target).catch(() => null);
    if (moved) {
      return moved.focus().catch(() => moved);
    }
  }
  return self.clients.openWindow(target);
}

// `raw` as a path on this site (with its query and fragment), or /households for anything else.
function sitePath(raw) {
  try {
    const url = new URL(String(raw || "/households"), self.location.origin);
    if (url.origin === self.location.origin) {
      return url.pathname + url.search + url.hash;
    }
  } catch {
    // Not an address: the fallback below.
  }
  return "/households";
}
