// Live pages (server/src/live.rs, docs/architecture.md "Live pages"): a page learns without a
// reload that what it shows has changed, the one way for every page that needs it.
//
// While the page is visible it asks every POLL_MS for its version (a conditional request that
// answers 304 with no body when nothing changed, one SQL statement on the server); when the
// version changed it fetches itself and swaps in its live parts. While hidden it asks nothing.
//
// - `watch(...)` is the loop; the shopping list's script (list.js) uses it with its own swap.
// - A page that only shows (a plan's progress, a ballot page) needs no script of its own: it marks
//   one element with `data-live-url` (the version's address), `data-live-key` (its poll key) and
//   `data-live-version`, and each part that changes with `data-live-part` and an id. Anything
//   on the page may ask for a refresh at once with the `mealvote:changed` event (the ranking
//   board does after a save, so its own page is right without waiting for the next poll).
// - When a fresh page says voting has closed (`data-voting="closed"`), the window hears
//   `mealvote:closed`: the ranking board stops offering Save and moves.
// Without this script the page is rendered on the server as it was when opened.

const POLL_MS = 3000;

/**
 * Polls `url` while the page is visible and calls `changed` when its version moved on (or the key
 * is no longer good: the page's next fetch of itself brings a new one).
 * `key()` and `etag()` are read on each tick; `busy()`, when given and true, skips the tick (the
 * caller has its own work to do first).
 */
export function watch({ url, key, etag, changed, busy }) {
  let timer = null;
  const tick = async () => {
    if (document.visibilityState !== "visible") return;
    if (busy && (await busy())) return;
    try {
      const response = await fetch(url, {
        headers: { "X-Live-Key": key(), "If-None-Match": etag() },
        cache: "no-store",
      });
      await response.body?.cancel().catch(() => {}); // the status is the answer
      if (response.status === 200 || response.status === 401) await changed();
    } catch {
      // Offline: the next tick asks again.
    }
  };
  const schedule = () => {
    clearInterval(timer);
    timer = document.visibilityState === "visible" ? setInterval(tick, POLL_MS) : null;
  };
  document.addEventListener("visibilitychange", () => {
    schedule();
    if (document.visibilityState === "visible") tick();
  });
  schedule();
}

/** The page as the server renders it now, or null when it cannot be fetched. */
export async function fetchPage() {
  try {
    const response = await fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return null;
  }
}

// The words `LocalTime` uses ("Mon 23 Nov, 18:02"), in the reader's own zone, for times in parts
// swapped in (they arrive in UTC, as the server writes them).
const DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });
const CLOCK = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

function localTimes(part) {
  for (const time of part.querySelectorAll("time[datetime]")) {
    const at = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(at.getTime())) time.textContent = `${DAY.format(at).replace(",", "")}, ${CLOCK.format(at)}`;
  }
}

function startPage(root) {
  let refreshing = null;
  const refresh = async () => {
    const fresh = await fetchPage();
    if (!fresh) return;
    const next = fresh.querySelector("[data-live-url]");
    if (!next) return; // not a live page any more (signed out, not found): leave it as it is
    for (const part of document.querySelectorAll("[data-live-part][id]")) {
      const replacement = fresh.getElementById(part.id);
      if (!replacement) continue;
      const focused = part.contains(document.activeElement) ? document.activeElement.id : "";
      const adopted = document.importNode(replacement, true);
      localTimes(adopted);
      part.replaceWith(adopted);
      if (focused) document.getElementById(focused)?.focus();
    }
    if (fresh.querySelector('[data-voting="closed"]')) window.dispatchEvent(new Event("mealvote:closed"));
    root.dataset.liveKey = next.dataset.liveKey;
    root.dataset.liveVersion = next.dataset.liveVersion;
  };
  // One refresh at a time; a request for another while one runs is served by the next.
  const changed = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };
  document.addEventListener("mealvote:changed", () => changed());
  watch({
    url: root.dataset.liveUrl,
    key: () => root.dataset.liveKey || "",
    etag: () => `"v${root.dataset.liveVersion}"`,
    changed,
  });
}

const root = document.querySelector("[data-live-url]");
if (root) startPage(root);
