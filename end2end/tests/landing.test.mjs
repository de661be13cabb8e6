// The chain from server rendering to hydration, as a visitor on a phone experiences it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPhonePage } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';

describe('the landing page', () => {
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

  test('is complete HTML from the server, before any script runs', async () => {
    const response = await fetch(server.baseUrl);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<h1[^>]*>Decide what to eat, together<\/h1>/);
    assert.match(html, /Your first choice: <strong[^>]*>Spaghetti<\/strong>/);
    // The ranking buttons only work once hydrated, so the server sends them disabled.
    assert.match(html, /<button[^>]*aria-label="Move Egg fried rice up"[^>]*disabled/);
    // Every inline script carries the nonce the CSP allows.
    const nonce = response.headers.get('content-security-policy').match(/'nonce-([^']+)'/)[1];
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    assert.ok(inlineScripts.length > 0);
    for (const [, attributes] of inlineScripts) assert.match(attributes, new RegExp(`nonce="${nonce}"`));
  });

  test('becomes interactive after hydration, with no console errors', async () => {
    const { page, context, problems } = await newPhonePage(browser);
    await page.goto(server.baseUrl);
    const moveUp = page.getByRole('button', { name: 'Move Egg fried rice up' });
    // Enabled only by the hydrated WASM; the locator waits for it with its own deadline.
    await moveUp.click({ timeout: 15_000 });
    const ranking = page.getByRole('list', { name: 'Your ranking' }).getByRole('listitem');
    assert.equal(await ranking.first().textContent(), 'Egg fried rice↑');
    assert.equal(await page.getByRole('status').textContent(), 'Your first choice: Egg fried rice');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('is still readable with JavaScript disabled', async () => {
    const { page, context } = await newPhonePage(browser, { javaScriptEnabled: false });
    await page.goto(server.baseUrl);
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Decide what to eat, together',
    );
    const dishes = await page.getByRole('list', { name: 'Your ranking' }).getByRole('listitem').allTextContents();
    assert.deepEqual(dishes, ['Spaghetti↑', 'Egg fried rice↑', 'Lentil soup↑']);
    assert.equal(await page.getByRole('button', { name: 'Move Lentil soup up' }).isDisabled(), true);
    await context.close();
  });
});
