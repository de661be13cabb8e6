// Screenshots of the pages a household uses most, as a phone (390×844) shows them: the ballot,
// the plan and the results, each first screen and whole page. For docs and reviews, not a test:
//   node end2end/tools/screenshots.mjs docs/screenshots
// (after `cargo leptos build --release`; the same server and scene as the browser tests).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { householdWithADecidedMeal } from '../support/scene.mjs';
import { startServer } from '../support/server.mjs';

const out = path.resolve(process.argv[2] ?? 'screenshots');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  const ada = await newPhonePage(browser);
  const paths = await householdWithADecidedMeal(ada.context, server.baseUrl);
  for (const name of ['ballot', 'plan', 'results']) {
    await ada.page.goto(`${server.baseUrl}${paths[name]}`);
    await waitForHydration(ada.page);
    await ada.page.screenshot({ path: path.join(out, `${name}.png`) });
    await ada.page.screenshot({ path: path.join(out, `${name}-full.png`), fullPage: true });
    console.log(`${name}: ${path.join(out, `${name}.png`)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
