// The shopping list page's script (docs/shopping.md): shopping together, also with no signal.
//
// - Changes (check, uncheck, add an item) are sent in the background instead of as page loads.
//   Each gets a fresh operation id and is kept in IndexedDB until the server has answered it, so
//   one made with no connection is sent when the phone is back online, and one sent twice (the
//   answer was lost) changes nothing the second time. The page shows them at once and says how
//   many wait.
// - While the page is visible it asks every few seconds whether the list changed (live.js: a
//   conditional request, 304 with no body when it did not); when it did, it fetches itself and
//   swaps the list in. While hidden it asks nothing.
// - "Share list" hands the list as text to the phone's share sheet (the Web Share API) or, where
//   there is none, copies it and says "Copied" in a polite live region.
// Without this script every action is a plain form post, which works online, and the list's text
// is there to copy by hand.

import { fetchPage, watch } from "/live.js";

const DB_NAME = "mealvote-list";
const STORE = "ops";
const CHANGES = ["/api/set_item_checked", "/api/add_shopping_item"];

const list = document.getElementById("shopping-list");
const status = document.getElementById("list-sync");
const pollUrl = `${location.pathname.replace(/\/$/, "")}/version`;
let etag = list ? `"v${list.dataset.version}"` : "";
let flushing = false;

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "op" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result.result ?? result);
    tx.onerror = () => reject(tx.error);
  });
}

const pending = () =>
  withStore("readonly", (store) => store.getAll()).then((ops) =>
    ops.filter((op) => op.page === location.pathname).sort((a, b) => a.at - b.at));

function say(count) {
  if (!status) return;
  status.textContent =
    count === 0 ? "" : count === 1 ? "1 change waiting to be sent" : `${count} changes waiting to be sent`;
}

// Shows a change before the server has it: a checked line as done, an added item as waiting.
function show(op) {
  const fields = new URLSearchParams(op.body);
  if (op.action.endsWith("set_item_checked")) {
    const line = list.querySelector(`[data-line="${CSS.escape(fields.get("line_id") || "")}"]`);
    if (!line) return;
    const done = fields.get("state") === "checked";
    line.classList.toggle("done", done);
    const button = line.querySelector("button.tick");
    if (button) {
      button.setAttribute("aria-pressed", String(done));
      button.firstElementChild.textContent = done ? "☑" : "☐";
    }
    const state = line.querySelector('input[name="state"]');
    if (state) state.value = done ? "unchecked" : "checked";
  } else {
    let waiting = list.querySelector("ul.waiting");
    if (!waiting) {
      waiting = document.createElement("ul");
      waiting.className = "list waiting";
      waiting.setAttribute("aria-label", "Added, waiting to be sent");
      list.prepend(waiting);
    }
    const item = document.createElement("li");
    item.textContent = `${fields.get("item")} (waiting to be sent)`;
    waiting.append(item);
  }
}

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (const op of await pending()) {
      let response;
      try {
        response = await fetch(op.action, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: op.body,
          credentials: "same-origin",
        });
      } catch {
        break; // Still offline: keep it, and everything after it, in order.
      }
      await response.arrayBuffer().catch(() => {}); // read to its end: the request is over
      if (response.status >= 500 && response.status !== 501) break;
      await withStore("readwrite", (store) => store.delete(op.op));
    }
  } finally {
    flushing = false;
  }
  await refresh();
}

// Fetches the page again and swaps the list in, then shows what still waits on top of it.
async function refresh() {
  const fresh = await fetchPage();
  if (!fresh) {
    say((await pending()).length);
    return;
  }
  const next = fresh.getElementById("shopping-list");
  if (next) {
    list.innerHTML = next.innerHTML;
    list.dataset.version = next.dataset.version;
    list.dataset.pollKey = next.dataset.pollKey;
    etag = `"v${next.dataset.version}"`;
  }
  const text = fresh.querySelector("[data-list-text]");
  const shown = document.querySelector("[data-list-text]");
  if (text && shown) shown.textContent = text.textContent;
  const foods = fresh.getElementById("list-foods");
  const suggested = document.getElementById("list-foods");
  if (foods && suggested) suggested.innerHTML = foods.innerHTML;
  const ops = await pending();
  ops.forEach(show);
  say(ops.length);
}

// Changes waiting to be sent go first; the poll then sees them in the list's version.
async function sendWaiting() {
  if ((await pending()).length === 0) return false;
  await flush();
  return true;
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  const action = new URL(form.action, location.href).pathname;
  if (!list || !CHANGES.includes(action)) return;
  event.preventDefault();
  const fields = new URLSearchParams(new FormData(form));
  fields.set("op", crypto.randomUUID());
  const op = { op: fields.get("op"), action, body: fields.toString(), page: location.pathname, at: Date.now() };
  await withStore("readwrite", (store) => store.put(op));
  show(op);
  if (action.endsWith("add_shopping_item")) form.reset();
  say((await pending()).length);
  flush();
});

// Shares the list's text as the page shows it now (refresh keeps it current).
async function share(button, said) {
  const text = document.querySelector("[data-list-text]")?.textContent ?? "";
  const title = document.querySelector(".lead")?.textContent || document.title;
  said.textContent = "";
  if (navigator.share) {
    try {
      await navigator.share({ title, text });
      return;
    } catch (error) {
      if (error?.name === "AbortError") return; // the person closed the share sheet
      // Refused (no share target, say): copying is the next best thing.
    }
  }
  try {
    await navigator.clipboard.writeText(text);
    said.textContent = "Copied";
  } catch {
    said.textContent = "Could not copy: open “Copy the list as text” and copy it from there.";
  }
  button.focus();
}

const shareButton = document.getElementById("share-list");
const shareStatus = document.getElementById("share-status");
if (shareButton && shareStatus && (navigator.share || navigator.clipboard)) {
  shareButton.hidden = false;
  shareButton.addEventListener("click", () => share(shareButton, shareStatus));
}

if (list) {
  watch({ url: pollUrl, key: () => list.dataset.pollKey || "", etag: () => etag, changed: refresh, busy: sendWaiting });
  addEventListener("online", flush);
  pending().then((ops) => {
    ops.forEach(show);
    say(ops.length);
    if (ops.length > 0) flush();
  });
}
