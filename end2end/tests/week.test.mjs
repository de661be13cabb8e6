// Who eats, and no repeats within a plan, in the browser (docs/closing.md, "Who eats" and "No
// repeats within a plan"): Bob marks himself out of dinner with a plain form and back in, and
// everyone sees it; in a plan that forbids repeats, dinner's "If voting closed now" never shows
// lunch's winner, however it is ranked; axe-core finds nothing on the changed pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { call, dayFromNow, householdOf } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

describe('who eats, and no repeats', () => {
  let server;
  let browser;
  let ada;
  let bob;
  let cy;
  let household;
  let planPath;
  let slots;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const base = server.baseUrl;
    [ada, bob, cy] = await Promise.all([newPhonePage(browser), newPhonePage(browser), newPhonePage(browser)]);
    household = await householdOf(base, [[ada, 'Ada'], [bob, 'Bob'], [cy, 'Cy']]);
    // "Let a dish win more than one meal" left unticked: no repeats.
    const proposed = await call(ada.context, base, 'propose_plan', {
      household_id: household,
      first_day: dayFromNow(3),
      days: '1',
      meals: 'lunch, dinner',
      options: 'Pasta\nCurry\nSoup',
      deadline_date: dayFromNow(1),
      deadline_time: '18:00',
      utc_offset_minutes: '0',
    });
    planPath = proposed.location;
    ({ slots } = JSON.parse((await call(ada.context, base, 'get_plan', {
      household_id: household,
      plan_id: planPath.split('/').pop(),
    })).body));
    // Everyone ranks Curry first for lunch: lunch closes, Curry won it.
    const page = JSON.parse((await call(ada.context, base, 'get_ballot_page', { household_id: household, slot_id: slots[0].id })).body);
    const curry = page.options.find((o) => o.name === 'Curry').id;
    const pasta = page.options.find((o) => o.name === 'Pasta').id;
    for (const person of [ada, bob, cy]) {
      await call(person.context, base, 'cast_ballot', {
        household_id: household, slot_id: slots[0].id, [`rank-${curry}`]: '1', [`rank-${pasta}`]: '2',
      });
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const dinnerPath = () => `/households/${household}/slots/${slots[1].id}`;

  test("Bob marks himself out of dinner and back in, and Ada's page says who is out", async () => {
    const { page } = bob;
    await page.goto(`${server.baseUrl}${dinnerPath()}`);
    await waitForHydration(page);
    const eating = page.locator('#eating');
    // A plain form: the server sends the browser back to the ballot page.
    await eating.getByRole('button', { name: "I'm out for this meal" }).click();
    await page.locator('#eating').getByText('Out: Bob.').waitFor();
    await page.locator('#eating').getByRole('button', { name: "I'm back in" }).waitFor();
    await page.locator('#voters').getByText('0 of 2 eating have ranked').waitFor();

    await ada.page.goto(`${server.baseUrl}${planPath}`);
    await waitForHydration(ada.page);
    const dinner = ada.page.locator('.slot-row').nth(1);
    await dinner.getByText('Out: Bob.').waitFor();
    assert.match(await dinner.textContent(), /0 of 2 eating have ranked/);

    await page.locator('#eating').getByRole('button', { name: "I'm back in" }).click();
    await page.locator('#eating').getByRole('button', { name: "I'm out for this meal" }).waitFor();
    assert.equal(await page.locator('#eating').getByText('Out: Bob.').count(), 0);
    await page.locator('#voters').getByText('0 of 3 eating have ranked').waitFor();
  });

  test("dinner's preview leaves out lunch's winner, however it is ranked", async () => {
    const { page } = cy;
    await page.goto(`${server.baseUrl}${dinnerPath()}`);
    await waitForHydration(page);
    const preview = page.locator('.preview');
    await preview.getByText('Curry has already won this week, so cannot win this meal.').waitFor();
    // Curry to the top of the board: the preview still never lists it.
    await page.locator('button[aria-label="Move Curry up"]').click();
    await page.locator('button[aria-label="Move Curry up"]').click();
    const tiers = preview.locator('.tiers');
    await tiers.locator('li').first().waitFor();
    const listed = await tiers.textContent();
    assert.doesNotMatch(listed, /Curry/, listed);
    assert.match(listed, /Pasta/);
    assert.match(listed, /Soup/);
  });

  test('axe-core finds nothing on the changed ballot, plan and proposal pages', async () => {
    for (const path of [dinnerPath(), planPath, `/households/${household}/propose`]) {
      await ada.page.goto(`${server.baseUrl}${path}`);
      await waitForHydration(ada.page);
      assert.deepEqual(await axeViolations(ada.page), [], path);
    }
  });
});
