// Screenshots of the pages a household uses most, as a phone (390×844, light mode) shows them:
// the ballot, the plan, the results, a shopping list mid-shop and a recipe, each first screen and
// whole page. For docs and reviews, not a test:
//   node end2end/tools/screenshots.mjs docs/screenshots
// (after `cargo leptos build --release`; the same server and scene as the browser tests).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { householdWithADecidedMeal } from '../support/scene.mjs';
import { householdWithAList, midShop } from '../support/shopping.mjs';
import { startServer } from '../support/server.mjs';

const out = path.resolve(process.argv[2] ?? 'screenshots');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  const ada = await newPhonePage(browser);
  const paths = await householdWithADecidedMeal(ada.context, server.baseUrl);
  await shoot(ada.page, paths, ['ballot', 'plan', 'results']);
  // The shopping list in a second household: Ada and Bob, two meals closed, Bob shopping.
  const shopper = await newPhonePage(browser);
  const bob = await newPhonePage(browser);
  const scene = await householdWithAList(shopper.context, bob.context, server.baseUrl, 'shop.example.com');
  await midShop(shopper.context, bob.context, server.baseUrl, scene);
  const recipe = `/households/${scene.household}/dishes/${scene.dishes.Curry}`;
  await shoot(shopper.page, { 'shopping-list': scene.list, recipe }, ['shopping-list', 'recipe']);
} finally {
  await browser.close();
  await server.stop();
}

async function shoot(page, paths, names) {
  await page.emulateMedia({ colorScheme: 'light' });
  for (const name of names) {
    await page.goto(`${server.baseUrl}${paths[name]}`);
    await waitForHydration(page);
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    await page.screenshot({ path: path.join(out, `${name}-full.png`), fullPage: true });
    console.log(`${name}: ${path.join(out, `${name}.png`)}`);
  }
}
