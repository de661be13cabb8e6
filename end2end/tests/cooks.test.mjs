// A cook per meal and one ranking for the week, on phones (docs/cooks.md, docs/plans.md "One
// ranking for the week"): "I'll cook" is a plain form and every page names the cook; "Use this
// ranking for all meals" saves the board to the plan's other open meal; "Same as …" arranges a
// board without JavaScript and saves nothing; a new plan's board starts from past rankings; and
// axe-core finds nothing on the changed pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { PASSWORD, call, dayFromNow, householdOf } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

/** The options' names in board order, with the "no opinion" line as '|'. */
async function boardOrder(page) {
  return page.locator('ol.board > li').evaluateAll((rows) =>
    rows.map((row) => (row.classList.contains('divider') ? '|' : row.querySelector('label.name').textContent.trim())),
  );
}

describe('cooks and one ranking for the week', () => {
  let server;
  let browser;
  let ada;
  let bob;
  let household;

  /** Ada proposes a one-day plan (lunch and dinner) starting `days` from now: its meals. */
  async function propose(days) {
    const base = server.baseUrl;
    const proposed = await call(ada.context, base, 'propose_plan', {
      household_id: household,
      first_day: dayFromNow(days),
      days: '1',
      meals: 'lunch, dinner',
      options: 'Pasta\nCurry\nSoup',
      deadline_date: dayFromNow(1),
      deadline_time: '18:00',
      utc_offset_minutes: '0',
    });
    const planPath = proposed.location;
    const { slots } = JSON.parse((await call(ada.context, base, 'get_plan', {
      household_id: household,
      plan_id: planPath.split('/').pop(),
    })).body);
    return { planPath, slots };
  }

  let first;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const base = server.baseUrl;
    [ada, bob] = await Promise.all([newPhonePage(browser), newPhonePage(browser)]);
    household = await householdOf(base, [[ada, 'Ada'], [bob, 'Bob']]);
    first = await propose(3);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const ballotPath = (slot) => `/households/${household}/slots/${slot.id}`;

  test("\"I'll cook\" is a plain form, and every page names the cook", async () => {
    const { page } = bob;
    await page.goto(`${server.baseUrl}${first.planPath}`);
    await waitForHydration(page);
    const lunch = page.locator('.slot-row').first();
    await lunch.getByText('Nobody cooks yet').waitFor();
    await lunch.getByRole('button', { name: "I'll cook" }).click();
    await page.locator('.slot-row').first().getByText('You cook').waitFor();
    await ada.page.goto(`${server.baseUrl}${ballotPath(first.slots[0])}`);
    await waitForHydration(ada.page);
    await ada.page.locator('#cook').getByText('Bob cooks').waitFor();
    // Ada proposed the plan: she may choose someone else, by a labelled select.
    await ada.page.getByLabel('Cook', { exact: true }).waitFor();
    assert.deepEqual(await axeViolations(ada.page), [], 'ballot page with the cook');
    await ada.page.goto(`${server.baseUrl}${first.planPath}`);
    await waitForHydration(ada.page);
    await ada.page.locator('.slot-row').first().getByText('Bob cooks').waitFor();
    assert.deepEqual(await axeViolations(ada.page), [], 'plan page with the cook');
  });

  test('"Use this ranking for all meals" saves the board to the other open meal', async () => {
    const { page } = bob;
    await page.goto(`${server.baseUrl}${ballotPath(first.slots[0])}`);
    await waitForHydration(page);
    // Curry is second under the "no opinion" line: up past Pasta, then past the line.
    await page.locator('button[aria-label="Move Curry up"]').click();
    await page.locator('button[aria-label="Move Curry up"]').click();
    await page.getByLabel('Use this ranking for all meals').check();
    await page.getByRole('button', { name: 'Save my ranking' }).click();
    await page.getByRole('status').filter({ hasText: 'The same ranking was saved for 1 other meal.' }).waitFor();
    const dinner = JSON.parse((await call(bob.context, server.baseUrl, 'get_ballot_page', {
      household_id: household,
      slot_id: first.slots[1].id,
    })).body);
    const curry = dinner.options.find((o) => o.name === 'Curry').id;
    assert.deepEqual(dinner.mine, [[curry]], 'dinner has the same ranking, by dish');
  });

  test('"Same as" arranges a board without JavaScript and saves nothing', async () => {
    const plain = await newPhonePage(browser, { javaScriptEnabled: false });
    try {
      plain.page.setDefaultTimeout(10_000);
      await call(plain.context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
      // Ada ranks Soup first at lunch, then opens dinner and asks for the same.
      const lunch = JSON.parse((await call(plain.context, server.baseUrl, 'get_ballot_page', {
        household_id: household,
        slot_id: first.slots[0].id,
      })).body);
      const soup = lunch.options.find((o) => o.name === 'Soup').id;
      await call(plain.context, server.baseUrl, 'cast_ballot', { household_id: household, slot_id: first.slots[0].id, [`rank-${soup}`]: '1' });
      await plain.page.goto(`${server.baseUrl}${ballotPath(first.slots[1])}`);
      await plain.page.getByLabel('Same as').selectOption({ label: lunch.slot_label });
      await plain.page.getByRole('button', { name: 'Arrange like this' }).click();
      await plain.page.getByText(`Arranged like your ranking of ${lunch.slot_label} — nothing is saved yet.`).waitFor();
      const soupBox = plain.page.locator(`[name="rank-${await dinnerOption(plain, 'Soup')}"]`);
      assert.equal(await soupBox.inputValue(), '1', 'Soup is ranked first in the plain form');
      const dinner = JSON.parse((await call(plain.context, server.baseUrl, 'get_ballot_page', {
        household_id: household,
        slot_id: first.slots[1].id,
      })).body);
      assert.equal(dinner.mine, null, 'nothing saved');
      // axe-core is a script: it cannot run where JavaScript is off (evaluating it never returns).
      // The same arranged page, in Ada's browser with JavaScript, is checked instead.
      await ada.page.goto(plain.page.url());
      await waitForHydration(ada.page);
      await ada.page.getByText(`Arranged like your ranking of ${lunch.slot_label} — nothing is saved yet.`).waitFor();
      assert.deepEqual(await axeViolations(ada.page), [], 'the arranged ballot page');
    } finally {
      await plain.context.close();
    }
  });

  /** The id of dinner's option named `name`, as `person` reads it. */
  async function dinnerOption(person, name) {
    const dinner = JSON.parse((await call(person.context, server.baseUrl, 'get_ballot_page', {
      household_id: household,
      slot_id: first.slots[1].id,
    })).body);
    return dinner.options.find((o) => o.name === name).id;
  }

  test("a new plan's board starts from Bob's past rankings, marked, and saves nothing", async () => {
    const next = await propose(5);
    const { page } = bob;
    await page.goto(`${server.baseUrl}${ballotPath(next.slots[0])}`);
    await waitForHydration(page);
    await page.getByText('Arranged from your past rankings — nothing is saved yet.').waitFor();
    const order = await boardOrder(page);
    assert.equal(order[0].includes('Curry'), true, order.join(', '));
    assert.equal(order[1], '|', order.join(', '));
    assert.deepEqual(await axeViolations(page), [], 'the arranged new ballot');
    const fresh = JSON.parse((await call(bob.context, server.baseUrl, 'get_ballot_page', {
      household_id: household,
      slot_id: next.slots[0].id,
    })).body);
    assert.equal(fresh.mine, null, 'leaving saves nothing');
  });
});
