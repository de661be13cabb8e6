// Which requests the service worker (public/sw.js) answers, without a browser: the script runs in
// a sandbox with stand-ins for the worker's globals, and each test dispatches fetch events to it.
// What it answers from its cache is checked in Chromium by offline.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import vm from 'node:vm';
import { ROOT } from '../support/server.mjs';

const SITE = 'https://meals.example.com';
const CDN = 'https://assets.example.com/v1/pkg/';
const SOURCE = readFileSync(path.join(ROOT, 'public', 'sw.js'), 'utf8');

/** Loads the worker as the server serves it, with its assets on a CDN; records cache deletions. */
function loadWorker() {
  const listeners = {};
  const deleted = [];
  const sandbox = {
    self: {
      location: new URL(`${SITE}/sw.js`),
      addEventListener: (type, listener) => (listeners[type] = listener),
      skipWaiting: async () => {},
      clients: { claim: async () => {} },
    },
    caches: {
      delete: async (name) => deleted.push(name),
      open: async () => ({ match: async () => undefined, put: async () => {}, keys: async () => [], delete: async () => {} }),
      keys: async () => [],
      match: async () => undefined,
    },
    fetch: async () => new Response('network'),
    URL,
    Headers,
    Response,
    Promise,
    Date,
    String,
    Number,
    Math,
  };
  vm.runInNewContext(`const ASSETS = ${JSON.stringify(CDN)};\n${SOURCE}`, sandbox);
  /** Dispatches a fetch event; answers whether the worker took it and with what. */
  const dispatch = async (url, { method = 'GET', mode = 'no-cors' } = {}) => {
    let answer;
    listeners.fetch({
      request: { url, method, mode },
      respondWith: (promise) => (answer = promise),
      waitUntil: () => {},
    });
    return answer === undefined ? undefined : await answer;
  };
  return { dispatch, deleted };
}

describe('the service worker', () => {
  test('answers GET navigations to the household pages only', async () => {
    const { dispatch } = loadWorker();
    const household = `${SITE}/households/h1`;
    for (const page of [
      `${SITE}/households`,
      household,
      `${household}/plans`,
      `${household}/plans/p1`,
      `${household}/plans/p1/results`,
      `${household}/plans/p1/list`,
      `${household}/slots/s1`,
      `${household}/notifications`,
      `${household}/dishes`,
      `${household}/dishes/d1`,
    ]) {
      assert.notEqual(await dispatch(page, { mode: 'navigate' }), undefined, page);
    }
    for (const never of [
      `${SITE}/`,
      `${SITE}/signin`,
      `${SITE}/join/token`,
      `${household}/slots/s1/export`,
      `${household}/plans/p1/list/version`,
      `${SITE}/api/get_viewer`,
      `${SITE}/internal/finalize-due`,
      `${SITE}/metrics`,
      `${SITE}/healthz`,
      `${SITE}/readyz`,
      `${SITE}/calendar/secret.ics`,
      'https://elsewhere.example.com/households',
    ]) {
      assert.equal(await dispatch(never, { mode: 'navigate' }), undefined, never);
      assert.equal(await dispatch(never), undefined, never);
    }
    // A form posted to a household page goes to the network untouched.
    assert.equal(await dispatch(household, { method: 'POST', mode: 'navigate' }), undefined);
    assert.equal(await dispatch(`${SITE}/api/create_household`, { method: 'POST', mode: 'navigate' }), undefined);
  });

  test('forgets every kept page before a sign-out, sign-in or sign-up is sent', async () => {
    for (const fn of ['sign_out', 'sign_in', 'sign_up', 'sign_out_everywhere']) {
      const { dispatch, deleted } = loadWorker();
      const answer = await dispatch(`${SITE}/api/${fn}`, { method: 'POST', mode: 'navigate' });
      assert.equal(await answer.text(), 'network', fn);
      assert.deepEqual(deleted, ['mealvote-pages-v1'], fn);
    }
  });

  test('keeps the assets from where the pages load them', async () => {
    const { dispatch } = loadWorker();
    const wasm = `${CDN}mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.wasm`;
    assert.equal(await (await dispatch(wasm, { mode: 'cors' })).text(), 'network');
    assert.equal(await dispatch(`${SITE}/pkg/mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.wasm`), undefined);
  });
});
