// Shopping together on two phones (docs/shopping.md): a check on one shows on the other within
// 5 s without a reload, an unchanged list's poll answers 304 with no body (and nothing is asked
// while the page is hidden), changes made with no signal are sent when the phone is back and
// nothing reverts (20 rounds), every action works as a plain form without JavaScript, "Share list"
// hands the list's text to the share sheet or copies it, and axe-core finds nothing on the list
// and recipe pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { PASSWORD, call } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';
import { addItem, householdWithAList, nextPoll, shownLines, storedLines, waitForLines } from '../support/shopping.mjs';

/** The issue's bars: another phone's change within 5 s; after reconnecting, both within 10 s. */
const SHOWN_WITHIN_MS = 5_000;
const CONVERGED_WITHIN_MS = 10_000;
const OFFLINE_ROUNDS = 20;
/** list.js asks every 3 s; a page answers its first poll within this. */
const FIRST_POLL_MS = 10_000;

/** Opens the list page and waits until its script polls (it runs, and changes go through it). */
async function openList(page, url) {
  const polled = nextPoll(page, FIRST_POLL_MS);
  await page.goto(url);
  await waitForHydration(page);
  await polled;
}

/**
 * What went wrong on a page, less what is expected: Chromium reports a request whose answer the
 * script never reads (a poll's 304, a change's empty answer) as aborted once the page moves on,
 * and a page without JavaScript as failing to load its module script. Whether the changes
 * arrived is checked on the server.
 */
function unexpected(problems) {
  return problems.filter((problem) =>
    !/^request failed: .*(\/list\/version|\/api\/(set_item_checked|add_shopping_item)|\/pkg\/[^/]+\.js)$/.test(problem));
}

const checkButton = (page, food) => page.getByRole('button', { name: `Check ${food}`, exact: true });
const uncheckButton = (page, food) => page.getByRole('button', { name: `Uncheck ${food}`, exact: true });

describe('shopping together on two phones', () => {
  let server;
  let browser;
  let ada;
  let bob;
  let scene;
  let listUrl;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPhonePage(browser);
    bob = await newPhonePage(browser);
    scene = await householdWithAList(ada.context, bob.context, server.baseUrl);
    listUrl = `${server.baseUrl}${scene.list}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the closed meals' ingredients are on the list, merged and with their sources", async () => {
    const lines = await storedLines(ada.context, server.baseUrl, scene);
    const rice = lines.filter((line) => line.food === 'rice');
    assert.equal(rice.length, 1, JSON.stringify(rice));
    // 2 eaters, both recipes serve 2: 400 g + 0.5 kg.
    assert.equal(rice[0].amount, '900 g');
    assert.match(rice[0].sources, /lunch · Curry.* \/ .*dinner · Stir-fry/);
    await openList(ada.page, listUrl);
    assert.ok((await ada.page.evaluate(shownLines)).some((line) => line.text === 'rice 900 g'));
  });

  test('a check on one phone shows on the other within 5 s, without a reload', async () => {
    await Promise.all([openList(ada.page, listUrl), openList(bob.page, listUrl)]);
    await bob.page.evaluate(() => {
      window.notReloaded = true;
    });
    await waitForLines(bob.page, { open: ['tofu'] }, 1_000);
    const started = Date.now();
    await checkButton(ada.page, 'tofu').click();
    await waitForLines(bob.page, { done: ['tofu'] }, SHOWN_WITHIN_MS);
    console.log(`a check on Ada's phone showed on Bob's after ${Date.now() - started} ms`);
    assert.equal(await bob.page.evaluate(() => window.notReloaded), true, "Bob's page was not reloaded");
    await bob.page.locator('li.shopping-line.done', { hasText: 'tofu' }).getByText('checked by Ada').waitFor();
    // And back: Bob unchecks it, Ada sees it.
    await uncheckButton(bob.page, 'tofu').click();
    await waitForLines(ada.page, { open: ['tofu'] }, SHOWN_WITHIN_MS);
    assert.deepEqual(unexpected(ada.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  });

  test('an unchanged list answers 304 with no body, and a hidden page asks nothing', async () => {
    const { page } = bob;
    await openList(page, listUrl);
    // The page's own poll, while nothing changes.
    const unchanged = await page.waitForResponse(
      (response) => response.url().endsWith('/list/version') && response.status() === 304,
      { timeout: FIRST_POLL_MS },
    );
    assert.equal(unchanged.headers()['content-length'] ?? '0', '0');
    // The same question asked directly: 304 and no body; an older version gets 200 and the new
    // one; no key, 401.
    const { pollKey, version } = await page.locator('#shopping-list').evaluate((list) => ({ ...list.dataset }));
    const versionUrl = `${listUrl}/version`;
    const ask = (headers) => bob.context.request.get(versionUrl, { headers, maxRedirects: 0 });
    const same = await ask({ 'X-Live-Key': pollKey, 'If-None-Match': `"v${version}"` });
    assert.equal(same.status(), 304);
    assert.equal((await same.body()).length, 0);
    const older = await ask({ 'X-Live-Key': pollKey, 'If-None-Match': '"v0"' });
    assert.equal(older.status(), 200);
    assert.deepEqual(await older.json(), { version });
    assert.equal((await ask({ 'If-None-Match': `"v${version}"` })).status(), 401);

    // Hidden (as when the phone locks or another app is in front): no poll over two periods.
    const asked = [];
    const record = (request) => {
      if (request.url().endsWith('/list/version')) asked.push(Date.now());
    };
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    page.on('request', record);
    // An observation window, not a wait for readiness: list.js would ask twice in it.
    await page.waitForTimeout(7_000);
    page.off('request', record);
    assert.deepEqual(asked, [], 'no poll while hidden');
    // Visible again: it asks at once.
    const resumed = nextPoll(page, 2_000);
    await page.evaluate(() => {
      delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await resumed;
    assert.deepEqual(unexpected(bob.problems), []);
  });

  test(`offline: changes wait on the phone and converge on both within 10 s (${OFFLINE_ROUNDS} rounds)`, async () => {
    await Promise.all([openList(ada.page, listUrl), openList(bob.page, listUrl)]);
    const times = [];
    const failures = [];
    for (let round = 1; round <= OFFLINE_ROUNDS; round += 1) {
      const tag = `r${String(round).padStart(2, '0')}`;
      const [apples, bread, cheese, dates] = ['apples', 'bread', 'cheese', 'dates'].map((food) => `${food} ${tag}`);
      try {
        // Fresh lines for the round, added by Bob; both pages pick them up by polling.
        for (const food of [apples, bread, cheese]) await addItem(bob.context, server.baseUrl, scene, food);
        await Promise.all([ada.page, bob.page].map((page) =>
          waitForLines(page, { open: [apples, bread, cheese] }, CONVERGED_WITHIN_MS)));

        await ada.context.setOffline(true);
        await checkButton(ada.page, apples).click();
        await checkButton(ada.page, bread).click();
        await ada.page.getByLabel('Item', { exact: true }).fill(dates);
        await ada.page.getByRole('button', { name: 'Add', exact: true }).click();
        await ada.page.getByRole('status').filter({ hasText: '3 changes waiting to be sent' }).waitFor({ timeout: 5_000 });
        await waitForLines(ada.page, { done: [apples, bread], open: [cheese] }, 1_000);
        await ada.page.getByText(`${dates} (waiting to be sent)`).waitFor({ timeout: 1_000 });
        await checkButton(bob.page, cheese).click();
        await waitForLines(bob.page, { done: [cheese] }, SHOWN_WITHIN_MS);

        const started = Date.now();
        await ada.context.setOffline(false);
        const all = { done: [apples, bread, cheese], open: [dates] };
        await Promise.all([ada.page, bob.page].map((page) => waitForLines(page, all, CONVERGED_WITHIN_MS)));
        const took = Date.now() - started;
        times.push(took);
        console.log(`round ${round}: both phones showed all four changes ${took} ms after reconnecting`);

        // Nothing reverts: after each page's next poll the four changes still stand, nothing
        // waits, and the server has each line once.
        await Promise.all([ada.page, bob.page].map((page) => nextPoll(page)));
        for (const page of [ada.page, bob.page]) {
          const shown = (await page.evaluate(shownLines)).filter((line) => line.food.endsWith(tag));
          assert.deepEqual(shown.map((line) => [line.food, line.done]).sort(), [[apples, true], [bread, true], [cheese, true], [dates, false]]);
        }
        assert.equal((await ada.page.locator('#list-sync').textContent()).trim(), '');
        const stored = (await storedLines(bob.context, server.baseUrl, scene)).filter((line) => line.food.endsWith(tag));
        assert.deepEqual(
          stored.map((line) => [line.food, line.done]).sort(),
          [[apples, true], [bread, true], [cheese, true], [dates, false]],
        );
      } catch (error) {
        failures.push(`round ${round}: ${error.message.split('\n')[0]}`);
        await ada.context.setOffline(false);
        await Promise.all([openList(ada.page, listUrl), openList(bob.page, listUrl)]);
      }
    }
    if (times.length > 0) {
      const sorted = [...times].sort((a, b) => a - b);
      console.log(`converged in ${times.length}/${OFFLINE_ROUNDS} rounds: median ${sorted[sorted.length >> 1]} ms, max ${sorted.at(-1)} ms`);
    }
    // Requests made with no connection fail, as they should; the later tests start clean.
    ada.problems.length = 0;
    bob.problems.length = 0;
    assert.deepEqual(failures, [], `${failures.length} of ${OFFLINE_ROUNDS} rounds failed`);
  });

  test('without JavaScript, check, uncheck and add are plain forms', async () => {
    const plain = await newPhonePage(browser, { javaScriptEnabled: false });
    const { page } = plain;
    await call(plain.context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
    await page.goto(listUrl);
    const posted = async (button) => {
      const back = page.waitForResponse((response) => response.url() === listUrl && response.request().method() === 'GET');
      await button.click();
      assert.equal((await back).status(), 200);
      await page.waitForLoadState();
    };
    await posted(checkButton(page, 'onions'));
    await page.locator('li.shopping-line.done', { hasText: 'onions' }).getByText('checked by Ada').waitFor();
    assert.equal(await uncheckButton(page, 'onions').getAttribute('aria-pressed'), 'true');
    assert.equal((await storedLines(ada.context, server.baseUrl, scene)).find((l) => l.food === 'onions').done, true);

    await posted(uncheckButton(page, 'onions'));
    assert.equal(await checkButton(page, 'onions').getAttribute('aria-pressed'), 'false');
    assert.equal((await storedLines(ada.context, server.baseUrl, scene)).find((l) => l.food === 'onions').done, false);

    await page.getByLabel('Item', { exact: true }).fill('2 l milk');
    await posted(page.getByRole('button', { name: 'Add', exact: true }));
    const milk = page.locator('li.shopping-line', { has: checkButton(page, 'milk') });
    assert.equal((await milk.locator('.line-text').textContent()).trim(), 'milk 2 l');
    await milk.getByText('added by Ada').waitFor();
    // The same rendered form posted again (a double tap) adds nothing: its operation id is spent.
    const form = await page.evaluate(() => {
      const form = [...document.forms].find((f) => f.action.endsWith('/api/add_shopping_item'));
      return Object.fromEntries(new FormData(form));
    });
    await call(plain.context, server.baseUrl, 'add_shopping_item', { ...form, item: 'bin bags' });
    await call(plain.context, server.baseUrl, 'add_shopping_item', { ...form, item: 'bin bags' });
    const bags = (await storedLines(ada.context, server.baseUrl, scene)).filter((l) => l.food === 'bin bags');
    assert.equal(bags.length, 1);
    assert.equal(await page.locator('script[src$="/list.js"]').count(), 1, 'the script is on the page, just not run');
    assert.deepEqual(unexpected(plain.problems), []);
    await plain.context.close();
  });

  test('"Share list" shares the text grouped by aisle, or copies it and says "Copied"', async () => {
    // Rice in its own aisle, so the text has two.
    const ids = { household_id: scene.household, plan_id: scene.plan };
    const stored = JSON.parse((await call(ada.context, server.baseUrl, 'get_shopping_list', ids)).body);
    const rice = stored.aisles.flatMap((aisle) => aisle.lines).find((line) => line.food === 'rice');
    const dryGoods = stored.aisles.find((aisle) => aisle.name === 'Dry goods');
    await call(ada.context, server.baseUrl, 'move_item_to_aisle', { ...ids, line_id: rice.id, aisle_id: dryGoods.id });
    const expected = await listText(ada.context);
    assert.match(expected, /\nDry goods\n\[ \] rice 900 g\n\nOther\n/);

    // With the Web Share API: the share sheet gets the title and the text.
    const sharing = await newPhonePage(browser);
    await call(sharing.context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
    await sharing.page.addInitScript(() => {
      window.shared = [];
      Object.defineProperty(navigator, 'share', {
        configurable: true,
        value: (data) => {
          window.shared.push(data);
          return Promise.resolve();
        },
      });
    });
    await openList(sharing.page, listUrl);
    await sharing.page.getByRole('button', { name: 'Share list', exact: true }).click();
    await sharing.page.waitForFunction(() => window.shared.length === 1, null, { timeout: 2_000 });
    const [shared] = await sharing.page.evaluate(() => window.shared);
    assert.equal(shared.text, expected);
    assert.equal(shared.title, expected.split('\n')[0], "the plan's title");
    assert.deepEqual(unexpected(sharing.problems), []);
    await sharing.context.close();

    // Without it: copied to the clipboard, and the live region says so.
    const copying = await newPhonePage(browser);
    await copying.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    await call(copying.context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
    await copying.page.addInitScript(() => {
      delete Navigator.prototype.share;
      delete navigator.share;
    });
    await openList(copying.page, listUrl);
    assert.equal(await copying.page.evaluate(() => 'share' in navigator), false);
    await copying.page.getByRole('button', { name: 'Share list', exact: true }).click();
    const said = copying.page.locator('#share-status');
    await said.filter({ hasText: 'Copied' }).waitFor({ timeout: 2_000 });
    assert.equal(await said.getAttribute('aria-live'), 'polite');
    assert.equal(await copying.page.evaluate(() => navigator.clipboard.readText()), expected);
    assert.deepEqual(unexpected(copying.problems), []);
    await copying.context.close();
  });

  /** The list as text, built here from what the server has (as `ListPage::as_text` promises). */
  async function listText(context) {
    const ids = { household_id: scene.household, plan_id: scene.plan };
    const page = JSON.parse((await call(context, server.baseUrl, 'get_shopping_list', ids)).body);
    let text = `${page.plan_title}\n`;
    for (const aisle of page.aisles.filter((a) => a.lines.length > 0)) {
      text += `\n${aisle.name}\n`;
      for (const line of aisle.lines) {
        const checked = line.checked?.amount && !line.done ? ` (${line.checked.amount} checked)` : '';
        text += `${line.done ? '[x]' : '[ ]'} ${line.food}${line.amount ? ` ${line.amount}` : ''}${checked}\n`;
      }
    }
    return text;
  }

  test('axe-core finds no violation on the list page and the recipe page, which reads amounts with their units', async () => {
    const { page } = ada;
    await openList(page, listUrl);
    assert.deepEqual(await axeViolations(page), [], scene.list);
    for (const summary of ['Copy the list as text', 'Aisles, in the order of your store', 'Pantry staples (0)', 'Same foods (0)']) {
      await page.getByText(summary, { exact: true }).click();
    }
    await page.locator('.line-more > summary').first().click();
    assert.deepEqual(await axeViolations(page), [], `${scene.list} with its folds open`);
    const recipe = `/households/${scene.household}/dishes/${scene.dishes.Curry}`;
    await page.goto(`${server.baseUrl}${recipe}`);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], recipe);
    // How each line was read: the amount with its unit.
    const rows = await page.locator('table.ingredients tbody tr').evaluateAll((rows) =>
      rows.map((row) => [...row.cells].map((cell) => cell.textContent.trim())));
    assert.deepEqual(rows.slice(0, 3), [['400 g', 'rice', ''], ['2', 'onions', ''], ['3 cloves', 'garlic', 'crushed']]);
    assert.deepEqual(unexpected(ada.problems), []);
  });
});
