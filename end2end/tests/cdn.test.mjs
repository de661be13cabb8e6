// Production's split: the page comes from the app, its JS/WASM/CSS from a CDN on another origin
// (ASSETS_BASE_URL), which must send CORS headers for the module and the WASM (docs/architecture.md, decision 6).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAssetOrigin } from '../support/asset-origin.mjs';
import { launchBrowser, newPhonePage } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';

const HYDRATION_DEADLINE_MS = 15_000;
const MOVE_UP = { name: 'Move Egg fried rice up' };

describe('assets served from a CDN origin', () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  /** Starts an asset origin and the app pointing at it; stops both after the enclosing suite. */
  function appWithAssetsOn(originOptions) {
    const running = {};
    before(async () => {
      running.cdn = await startAssetOrigin(originOptions);
      running.server = await startServer({ env: { ASSETS_BASE_URL: running.cdn.origin } });
    });
    after(async () => {
      await running.server?.stop();
      await running.cdn?.stop();
    });
    return running;
  }

  describe('with CORS headers, as CloudFront sends them', () => {
    const running = appWithAssetsOn({ cors: true });

    test('the page hydrates with every asset from the CDN, with no console errors', async () => {
      const { cdn, server } = running;
      const { page, context, problems } = await newPhonePage(browser);
      const assetUrls = [];
      page.on('request', (request) => {
        if (/\.(js|wasm|css)$/.test(new URL(request.url()).pathname)) assetUrls.push(request.url());
      });

      await page.goto(server.baseUrl);
      // Enabled only by the hydrated WASM; the locator waits for it with its own deadline.
      await page.getByRole('button', MOVE_UP).click({ timeout: HYDRATION_DEADLINE_MS });

      assert.equal(await page.getByRole('status').textContent(), 'Your first choice: Egg fried rice');
      assert.ok(assetUrls.length > 0);
      for (const url of assetUrls) assert.ok(url.startsWith(`${cdn.origin}/pkg/`), url);
      const servedKinds = new Set(cdn.requests.map((requested) => path.extname(requested)));
      assert.deepEqual([...servedKinds].sort(), ['.css', '.js', '.wasm']);
      // A CSP that forgot the CDN's origin would show up here as a console error.
      assert.deepEqual(problems, []);
      await context.close();
    });
  });

  describe('without CORS headers', () => {
    const running = appWithAssetsOn({ cors: false });

    test('hydration fails, so the passing test above really loads from the CDN', async () => {
      const { page, context } = await newPhonePage(browser);
      const corsError = page.waitForEvent('console', {
        predicate: (message) => message.type() === 'error' && /CORS/.test(message.text()),
        timeout: HYDRATION_DEADLINE_MS,
      });

      await page.goto(running.server.baseUrl);
      await corsError;

      // The module never ran, so nothing enabled the button the server sent disabled.
      assert.equal(await page.getByRole('button', MOVE_UP).isDisabled(), true);
      await context.close();
    });
  });
});
