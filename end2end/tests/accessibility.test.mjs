// Accessibility checked, not hoped for: axe-core's WCAG 2.1 A/AA rules and best practices on
// every page a household uses, on a phone, signed out and signed in, the ballot page before
// hydration (no JavaScript) and after. Zero violations is the bar; each one is printed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { PASSWORD, call } from '../support/api.mjs';
import { householdWithADecidedMeal } from '../support/scene.mjs';
import { startServer } from '../support/server.mjs';

describe('accessibility (axe-core) on a phone', () => {
  let server;
  let browser;
  let ada;
  let plain;
  const paths = {};

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const base = server.baseUrl;
    ada = await newPhonePage(browser);
    plain = await newPhonePage(browser);
    Object.assign(paths, await householdWithADecidedMeal(ada.context, base));
    await call(plain.context, base, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function check(page, path, { hydrated = true } = {}) {
    await page.goto(`${server.baseUrl}${path}`);
    if (hydrated) await waitForHydration(page);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${path}${hydrated ? '' : ' (no JavaScript)'}`);
  }

  test('signed out: the landing, sign-in and sign-up pages', async () => {
    const visitor = await newPhonePage(browser);
    for (const path of ['/', '/signin', '/signup']) await check(visitor.page, path);
    await visitor.context.close();
  });

  test('signed in: every household page, with the results folded open', async () => {
    for (const name of ['households', 'household', 'plans', 'propose', 'dishes', 'notifications', 'plan', 'results', 'join']) {
      await check(ada.page, paths[name]);
    }
    await ada.page.goto(`${server.baseUrl}${paths.results}`);
    await waitForHydration(ada.page);
    await ada.page.getByText('How it was decided').first().click();
    assert.deepEqual(await axeViolations(ada.page), [], 'results with the details open');
    await ada.page.locator('.menu > summary').click();
    assert.deepEqual(await axeViolations(ada.page), [], 'with the account menu open');
    assert.deepEqual(ada.problems, []);
  });

  test('the ballot page before hydration (as without JavaScript) and after', async () => {
    // Before hydration: the server's HTML alone, its scripts and WASM never arriving.
    await plain.page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await check(plain.page, paths.ballot, { hydrated: false });
    await check(ada.page, paths.ballot);
    // Asked before saving a ballot that ranks nothing.
    await ada.page.getByRole('button', { name: 'Save my ranking' }).click();
    await ada.page.getByRole('button', { name: 'Keep ranking' }).waitFor();
    assert.deepEqual(await axeViolations(ada.page), [], 'with the question showing');
  });
});
