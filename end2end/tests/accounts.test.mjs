// Accounts and households as people on their phones use them: sign up, create a household, invite
// someone who signs up from the link and lands in it; and the sign-up form without JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD } from '../support/api.mjs';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';

/** Fills and sends the sign-up form on the current page. */
async function signUp(page, { name, email, password = PASSWORD }) {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

describe('accounts and households', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an invited person signs up from the link and lands in the household', async () => {
    // Ada signs up and creates a household.
    const ada = await newPhonePage(browser);
    await ada.page.goto(`${server.baseUrl}/signup`);
    await waitForHydration(ada.page);
    await signUp(ada.page, { name: 'Ada', email: 'ada@example.com' });
    await ada.page.waitForURL(/\/households$/);
    await ada.page.getByLabel('Household name').fill('The Lovelaces');
    await ada.page.getByRole('button', { name: 'Create household' }).click();
    await ada.page.waitForURL(/\/households\/[0-9a-f-]{36}$/);
    const householdUrl = ada.page.url();
    assert.equal(await ada.page.getByRole('heading', { level: 1 }).textContent(), 'The Lovelaces');
    assert.match(await ada.page.locator('.site-header').textContent(), /Signed in as Ada/);

    // She creates an invite link (7 days by default) and copies it.
    await ada.page.getByRole('button', { name: 'Create invite link' }).click();
    const linkField = ada.page.getByLabel(/^Send this link to the person you invite/);
    await linkField.waitFor();
    const link = await linkField.inputValue();
    assert.match(link, /\/join\/[A-Za-z0-9_-]{43}$/);

    // Copy puts it on the clipboard; Share is offered only where the browser can share.
    await waitForHydration(ada.page);
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    await ada.page.getByRole('button', { name: 'Copy', exact: true }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await ada.page.evaluate(() => navigator.clipboard.readText()), link);
    const canShare = await ada.page.evaluate(() => 'share' in navigator);
    assert.equal(await ada.page.getByRole('button', { name: 'Share', exact: true }).count(), canShare ? 1 : 0);
    assert.equal(await ada.page.getByRole('list', { name: 'Pending invites' }).getByRole('listitem').count(), 1);

    // Bob, on his own phone, opens the link, signs up and lands in the household.
    const bob = await newPhonePage(browser);
    await bob.page.goto(link);
    assert.equal(
      await bob.page.getByRole('heading', { level: 1 }).textContent(),
      'Join The Lovelaces',
    );
    await bob.page.getByRole('link', { name: 'Create an account' }).click();
    await bob.page.waitForURL(/\/signup\?invite=/);
    await waitForHydration(bob.page);
    await signUp(bob.page, { name: 'Bob', email: 'bob@example.com' });
    await bob.page.waitForURL(householdUrl);
    assert.equal(await bob.page.getByRole('heading', { level: 1 }).textContent(), 'The Lovelaces');
    const members = bob.page.getByRole('list', { name: 'Members' }).getByRole('listitem');
    assert.match(await members.filter({ hasText: 'Bob' }).textContent(), /Bob \(you\)\s*Member/);
    assert.match(await members.filter({ hasText: 'Ada' }).textContent(), /Admin/);

    // Ada sees Bob among the members.
    await ada.page.reload();
    await ada.page.getByRole('list', { name: 'Members' }).getByText('Bob').waitFor();

    assert.deepEqual(ada.problems, []);
    assert.deepEqual(bob.problems, []);
    await ada.context.close();
    await bob.context.close();
  });

  test('without JavaScript, the sign-up form shows an error next to its field', async () => {
    const { page, context } = await newPhonePage(browser, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/signup`);
    await signUp(page, { name: 'Cy', email: 'cy@example.com', password: 'short' });
    await page.waitForURL(/\/signup\?.*__err=/);
    const password = page.getByLabel('Password', { exact: true });
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.match(await password.getAttribute('aria-describedby'), /\bpassword-error\b/);
    assert.equal(
      await page.locator('#password-error').textContent(),
      'Use at least 10 characters.',
    );
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), null);
    await context.close();
  });
});
