// The installable app (docs/offline.md): Chromium finds the manifest installable, the service
// worker keeps the household pages a member last saw and shows them, marked, when the network is
// gone, and nothing it kept survives signing out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, PASSWORD } from '../support/api.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';

const OFFLINE_MARK = 'Offline — showing what you last saw';

/** Waits until the service worker controls the page (it claims open pages when it activates). */
async function waitForWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
}

/** Waits until the worker has kept `url` in its page cache (it stores after answering). */
async function waitUntilKept(page, url) {
  await page.waitForFunction(async (url) => (await caches.match(url)) !== undefined, url, { timeout: 15_000 });
}

describe('offline', () => {
  let server;
  let browser;
  let ada;
  let householdUrl;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPhonePage(browser);
    const base = server.baseUrl;
    await call(ada.context, base, 'sign_up', { display_name: 'Ada', email: 'ada@example.com', password: PASSWORD });
    const created = await call(ada.context, base, 'create_household', { name: 'Sunny Kitchen' });
    householdUrl = `${base}${created.location}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('Chromium finds the app installable', async () => {
    const { page, context } = ada;
    await page.goto(householdUrl);
    await waitForWorker(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], JSON.stringify(manifest.errors));
    assert.ok(manifest.url.endsWith('/manifest.webmanifest'), manifest.url);
    // Playwright's contexts are incognito profiles, where Chromium never offers to install.
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    const errors = installabilityErrors.filter((error) => error.errorId !== 'in-incognito');
    assert.deepEqual(errors, [], JSON.stringify(errors));
    await cdp.detach();
  });

  test('the last-seen household page opens offline, marked as such', async () => {
    const { page, context } = ada;
    await page.goto(householdUrl);
    await waitForWorker(page);
    // This load goes through the worker, which keeps the page and the assets it loads.
    await page.reload();
    await waitForHydration(page);
    await waitUntilKept(page, householdUrl);

    await context.setOffline(true);
    try {
      await page.reload();
      const mark = page.getByRole('status').filter({ hasText: OFFLINE_MARK });
      await mark.waitFor();
      assert.ok(await mark.isVisible(), 'the mark is visible');
      await page.getByRole('heading', { name: 'Sunny Kitchen' }).waitFor();
      // The stylesheet came from the worker's cache too: the mark has the accent colour.
      const background = await mark.evaluate((element) => getComputedStyle(element).backgroundColor);
      assert.equal(background, 'rgb(180, 72, 27)');
    } finally {
      await context.setOffline(false);
    }
  });

  test('after signing out, the household page is not shown from the cache', async () => {
    const { page, context } = ada;
    await page.goto(householdUrl);
    await waitForWorker(page);
    await waitUntilKept(page, householdUrl);
    await page.locator('.menu > summary').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(async (url) => (await caches.match(url)) === undefined, householdUrl), true);

    await context.setOffline(true);
    try {
      const response = await page.goto(householdUrl);
      assert.equal(response.status(), 503);
      await page.getByRole('heading', { name: 'You are offline' }).waitFor();
      const body = await page.locator('body').innerText();
      assert.ok(!body.includes('Sunny Kitchen'), body);
      assert.ok(!body.includes(OFFLINE_MARK), body);
    } finally {
      await context.setOffline(false);
    }
  });
});
