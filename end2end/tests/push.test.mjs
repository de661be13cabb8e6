// Web Push on the phone (docs/notifications.md, "Web Push"): the account section offers "Notify me
// on this phone" with no accessibility violations; a push that Chromium's DevTools protocol hands
// to the service worker (`ServiceWorker.deliverPushMessage`, as a push service would, already
// decrypted) is shown as a notification with the payload's words; and its tap opens the payload's
// page on this site. Headless Chromium cannot click a notification, so the tap is the worker's
// own click handler (`openPage`) called inside the worker; an address on another site opens
// /households instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, PASSWORD } from '../support/api.mjs';
import { axeViolations } from '../support/axe.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';

/** Waits until the service worker controls the page (it claims open pages when it activates). */
async function waitForWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
}

/** The id of the worker registration for `scope`, as the DevTools protocol names it. */
function registrationId(cdp, scope) {
  return new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => registration.scopeURL === scope && !registration.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
}

describe('push', () => {
  let server;
  let browser;
  let ada;
  let base;
  let householdPath;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPhonePage(browser);
    base = server.baseUrl;
    await ada.context.grantPermissions(['notifications'], { origin: base });
    await call(ada.context, base, 'sign_up', { display_name: 'Ada', email: 'ada@example.com', password: PASSWORD });
    const created = await call(ada.context, base, 'create_household', { name: 'Sunny Kitchen' });
    householdPath = created.location;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the account section offers push on this phone, accessibly', async () => {
    const { page } = ada;
    await page.goto(`${base}/households#push`);
    await waitForHydration(page);
    const button = page.getByRole('button', { name: 'Notify me on this phone' });
    await button.waitFor();
    assert.ok(await button.isVisible(), 'push.js shows the button where the browser can push');
    await page.getByRole('group', { name: 'Send me' }).waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'A new plan to vote on' }).isChecked());
    assert.deepEqual(await axeViolations(page), []);
  });

  test('a push is shown with its words and its tap opens its page', async () => {
    const { page, context } = ada;
    await page.goto(`${base}/households`);
    await waitForWorker(page);
    const cdp = await context.newCDPSession(page);
    const registration = registrationId(cdp, `${base}/`);
    await cdp.send('ServiceWorker.enable');
    const notificationsPath = `${householdPath}/notifications`;
    const heard = page.evaluate(
      () =>
        new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('message', (event) => resolve(event.data), { once: true }),
        ),
    );
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: base,
      registrationId: await registration,
      data: JSON.stringify({ title: 'Sunny Kitchen', body: 'Ada proposed “Week 48”', url: notificationsPath }),
    });
    assert.deepEqual(await heard, { type: 'mealvote:push', url: notificationsPath });
    await page.waitForFunction(
      async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0,
      null,
      { timeout: 15_000 },
    );
    const shown = await page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        url: n.data.url,
      })),
    );
    assert.deepEqual(shown, [{ title: 'Sunny Kitchen', body: 'Ada proposed “Week 48”', url: notificationsPath }]);
    await cdp.detach();

    // The tap: the worker takes this site's window to the notification's page.
    const [worker] = context.serviceWorkers();
    assert.ok(worker, 'the service worker runs');
    const navigated = page.waitForURL(`${base}${notificationsPath}`);
    await worker.evaluate((path) => openPage(path).then(() => true), notificationsPath);
    await navigated;
    await page.getByRole('heading', { name: /Notifications/ }).first().waitFor();

    // Only this site's pages: anything else opens the households page.
    assert.equal(await worker.evaluate(() => sitePath('https://elsewhere.example/phish')), '/households');
    assert.equal(await worker.evaluate(() => sitePath('javascript:alert(1)')), '/households');
    assert.equal(await worker.evaluate((path) => sitePath(path), notificationsPath), notificationsPath);
  });
});
