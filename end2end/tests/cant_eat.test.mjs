// Private "can't eat" in the browser (docs/cant_eat.md): Ada adds peanut to her own list with a
// plain form, JavaScript off; her ballot marks Satay (with peanuts) "You can't eat this"; Bob's
// "If voting closed now" never shows Satay as the winner, however he ranks it, and says only that
// an option was ruled out; axe-core finds nothing on the account page and the list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { PASSWORD, call, dayFromNow, householdOf } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

describe("can't eat", () => {
  let server;
  let browser;
  let ada;
  let bob;
  let household;
  let slot;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const base = server.baseUrl;
    ada = await newPhonePage(browser);
    bob = await newPhonePage(browser);
    household = await householdOf(base, [[ada, 'Ada'], [bob, 'Bob']]);
    const proposed = await call(ada.context, base, 'propose_plan', {
      household_id: household,
      first_day: dayFromNow(3),
      days: '1',
      meals: 'dinner',
      options: 'Satay\nCurry\nPasta',
      deadline_date: dayFromNow(1),
      deadline_time: '18:00',
      utc_offset_minutes: '0',
    });
    const plan = JSON.parse((await call(ada.context, base, 'get_plan', {
      household_id: household,
      plan_id: proposed.location.split('/').pop(),
    })).body);
    slot = plan.slots[0].id;
    const settings = JSON.parse((await call(ada.context, base, 'get_meal_settings', { household_id: household })).body);
    const satay = settings.dishes.find((d) => d.name === 'Satay').id;
    await call(ada.context, base, 'save_recipe', {
      household_id: household,
      dish_id: satay,
      serves: '4',
      link: '',
      ingredients: '200 g roasted peanuts\n400 g chicken thighs',
      steps: '',
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const ballotPath = () => `/households/${household}/slots/${slot}`;

  test('Ada adds peanut to her own list with a plain form, without JavaScript', async () => {
    const plain = await newPhonePage(browser, { javaScriptEnabled: false });
    try {
      plain.page.setDefaultTimeout(10_000);
      await call(plain.context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
      const { page } = plain;
      await page.goto(`${server.baseUrl}/households`);
      await page.getByRole('link', { name: 'My list in Home' }).click();
      await page.getByRole('heading', { name: "Foods and dishes I can't eat" }).waitFor();
      await page.getByText('in a household of two the other can often guess who').first().waitFor();
      await page.getByLabel("A food I can't eat").fill('peanut');
      await page.getByRole('button', { name: 'Add food' }).click();
      await page.getByRole('list', { name: "Foods I can't eat" }).getByText('peanut').waitFor();
      // axe-core is a script and never returns where scripts are off: the same pages are checked
      // in Ada's browser with JavaScript.
      await ada.page.goto(page.url());
      await ada.page.getByRole('list', { name: "Foods I can't eat" }).getByText('peanut').waitFor();
      assert.deepEqual(await axeViolations(ada.page), [], 'the list page');
      await ada.page.goto(`${server.baseUrl}/households`);
      assert.deepEqual(await axeViolations(ada.page), [], 'the account page');
    } finally {
      await plain.context.close();
    }
  });

  test("Ada's ballot marks Satay as hers not to eat", async () => {
    const { page } = ada;
    await page.goto(`${server.baseUrl}${ballotPath()}`);
    const satay = page.locator('li.option', { hasText: 'Satay' });
    await satay.getByText("You can't eat this").waitFor();
    assert.equal(await page.locator('li.option', { hasText: 'Curry' }).getByText("You can't eat this").count(), 0);
  });

  test("Bob's preview never shows Satay as the winner and says an option was ruled out", async () => {
    const { page } = bob;
    await page.goto(`${server.baseUrl}${ballotPath()}`);
    await waitForHydration(page);
    assert.equal(await page.getByText("You can't eat this").count(), 0, "never Ada's list");
    const preview = page.locator('.preview');
    await preview.getByText('1 option was ruled out for someone eating this meal.').waitFor();
    // Pasta to the top, then Satay back above it: the preview never lists Satay.
    await page.locator('button[aria-label="Move Pasta up"]').click();
    await page.locator('button[aria-label="Move Pasta up"]').click();
    await page.locator('button[aria-label="Move Satay up"]').click();
    const tiers = preview.locator('.tiers');
    await tiers.locator('li').first().waitFor();
    const listed = await tiers.textContent();
    assert.doesNotMatch(listed, /Satay/, listed);
    assert.match(listed, /Curry|Pasta/);
    assert.doesNotMatch(await page.content(), /peanut/i);
  });
});
