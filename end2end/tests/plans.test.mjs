// Ranking a meal on a phone: the board reorders by buttons, drag and keys, the "if voting closed
// now" preview follows every change without a network request, a saved ballot survives a reload,
// and without JavaScript the plain rank form submits the same ballot.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPhonePage, waitForHydration } from '../support/browser.mjs';
import { PASSWORD, call, dayFromNow } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

/** The preview's tiers, best first, as their text. */
async function previewTiers(page) {
  return (await page.locator('.preview .tiers > li').allTextContents()).map((t) => t.trim());
}

/**
 * The ranked options as tiers, best first, each tier's names sorted: a tie is a set, so the board
 * may show its members in any order (a reload shows them in the slot's order).
 */
async function rankedTiers(page) {
  const tiers = [];
  for (const name of await rankedNames(page)) {
    if (name.startsWith('=') && tiers.length > 0) tiers[tiers.length - 1].push(name.slice(1));
    else tiers.push([name]);
  }
  return tiers.map((tier) => tier.sort());
}

/** The ranked options' names, in board order. */
async function rankedNames(page) {
  return (await page.locator('.board .option.ranked .name').allTextContents()).map((t) => t.trim());
}

describe('ranking a meal', () => {
  let server;
  let browser;
  let ada;
  let bob;
  let cy;
  let household;
  let ballotPath;
  let planPath;
  let options;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const base = server.baseUrl;
    ada = await newPhonePage(browser);
    bob = await newPhonePage(browser);
    cy = await newPhonePage(browser);
    await call(ada.context, base, 'sign_up', { display_name: 'Ada', email: 'ada@example.com', password: PASSWORD });
    await call(bob.context, base, 'sign_up', { display_name: 'Bob', email: 'bob@example.com', password: PASSWORD });
    const created = await call(ada.context, base, 'create_household', { name: 'Home' });
    household = created.location.split('/').pop();
    const invited = await call(ada.context, base, 'create_invite', { household_id: household, expires_in_days: '7' });
    assert.ok(!invited.location.includes('invite='), `no secret in the URL: ${invited.location}`);
    // The new link is shown once, on the page the form goes back to (from the session).
    await ada.page.goto(`${base}${invited.location}`);
    const link = await ada.page.locator('#new-invite-link').inputValue();
    const token = link.split('/join/')[1];
    await call(bob.context, base, 'join_household', { token });
    // Cy votes last, in the final test: until then the slot stays open.
    await call(cy.context, base, 'sign_up', { display_name: 'Cy', email: 'cy@example.com', password: PASSWORD });
    await call(cy.context, base, 'join_household', { token });
    const proposed = await call(ada.context, base, 'propose_plan', {
      household_id: household,
      first_day: dayFromNow(3),
      days: '1',
      meals: 'dinner',
      options: 'Pasta\nCurry\nSoup',
      deadline_date: dayFromNow(1),
      deadline_time: '18:00',
      utc_offset_minutes: '0',
    });
    const plan = JSON.parse((await call(ada.context, base, 'get_plan', {
      household_id: household,
      plan_id: proposed.location.split('/').pop(),
    })).body);
    const slot = plan.slots[0].id;
    ballotPath = `/households/${household}/slots/${slot}`;
    planPath = proposed.location;
    const page = JSON.parse((await call(bob.context, base, 'get_ballot_page', { household_id: household, slot_id: slot })).body);
    options = Object.fromEntries(page.options.map((o) => [o.name, o.id]));
    // Bob wants curry.
    await call(bob.context, base, 'cast_ballot', {
      household_id: household,
      slot_id: slot,
      [`rank-${options.Curry}`]: '1',
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('on a phone the header is one short line and every link on the plan page is big enough to tap', async () => {
    const { page, problems } = ada;
    await page.goto(`${server.baseUrl}${planPath}`);
    await waitForHydration(page);
    const header = await page.locator('.site-header').boundingBox();
    assert.ok(header.height <= 80, `header ${header.height} px high`);
    const targets = page.locator('.slot-row > a, .slot-row summary, .actions > a, .menu > summary');
    assert.ok((await targets.count()) >= 3);
    for (const target of await targets.all()) {
      const box = await target.boundingBox();
      assert.ok(box.height >= 44, `${await target.textContent()}: ${box.height} px high`);
    }
    // The account menu opens without JavaScript's help and holds sign-out.
    await page.locator('.menu > summary').click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('.menu > summary').click();
    assert.deepEqual(problems, []);
  });

  test('the plan page writes dates one way, in the reader\'s own time zone once hydrated', async () => {
    // The deadline is tomorrow 18:00 UTC: 03:00 the day after in Tokyo (no summer time there).
    const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const words = (at) => `${DAYS[at.getUTCDay()]} ${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
    const deadline = new Date(`${dayFromNow(1)}T18:00:00Z`);
    const tokyo = new Date(deadline.getTime() + 9 * 3_600_000);
    const firstDay = new Date(`${dayFromNow(3)}T00:00:00Z`);

    const plain = await newPhonePage(browser, { javaScriptEnabled: false });
    const traveller = await newPhonePage(browser, { timezoneId: 'Asia/Tokyo' });
    for (const { context } of [plain, traveller]) {
      await call(context, server.baseUrl, 'sign_in', { email: 'ada@example.com', password: PASSWORD });
    }
    await plain.page.goto(`${server.baseUrl}${planPath}`);
    const fromServer = (await plain.page.locator('main time').first().textContent()).trim();
    assert.equal(fromServer, `${words(deadline)}, 18:00 UTC`);
    assert.match(await plain.page.locator('main').textContent(), new RegExp(`${words(firstDay)} · dinner`));

    await traveller.page.goto(`${server.baseUrl}${planPath}`);
    await waitForHydration(traveller.page);
    const time = traveller.page.locator('main time').first();
    await traveller.page.waitForFunction((el) => !el.textContent.includes('UTC'), await time.elementHandle());
    assert.equal((await time.textContent()).trim(), `${words(tokyo)}, 03:00`);
    assert.deepEqual(traveller.problems, []);
    await plain.context.close();
    await traveller.context.close();
  });

  test('the preview follows every move without a request, and the saved ballot survives a reload', async () => {
    const { page, problems } = ada;
    await page.goto(`${server.baseUrl}${ballotPath}`);
    await waitForHydration(page);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));

    // Bob's ballot reads as one line: his name, then his ranking.
    const bobs = page.locator('.others li').filter({ hasText: 'Bob' });
    assert.equal((await bobs.textContent()).trim(), 'Bob: Curry');
    const name = await bobs.locator('strong').boundingBox();
    const ranking = await bobs.locator('.ranking-text').boundingBox();
    assert.ok(Math.abs(name.y - ranking.y) < 4 && ranking.x > name.x, 'the name stays beside its ranking');

    // Every handle and ↑ ↓ = button on the board is big enough to tap.
    const controls = page.locator('.board .handle, .board .moves button');
    assert.ok((await controls.count()) >= 12);
    for (const control of await controls.all()) {
      const box = await control.boundingBox();
      assert.ok(box.width >= 44 && box.height >= 44, `${await control.getAttribute('aria-label')}: ${box.width}×${box.height} px`);
    }

    // Nothing ranked yet: Bob's curry leads on its own.
    assert.deepEqual(await previewTiers(page), ['Curry', 'Pasta = Soup tied']);

    // Buttons: Pasta up past the "no opinion" line ties it with Curry. The time from the click
    // to the updated preview is printed (not asserted).
    const millis = await page.evaluate(() => new Promise((resolve, reject) => {
      const tiers = document.querySelector('.preview .tiers');
      const observer = new MutationObserver(() => {
        observer.disconnect();
        resolve(performance.now() - started);
      });
      observer.observe(tiers, { childList: true, subtree: true, characterData: true });
      setTimeout(() => reject(new Error('the preview did not change within 5 s')), 5000);
      const started = performance.now();
      document.querySelector('button[aria-label="Move Pasta up"]').click();
    }));
    console.log(`timing browser: click to updated preview (3 options, 2 ballots): ${millis.toFixed(2)} ms`);
    assert.deepEqual(await rankedNames(page), ['Pasta']);
    assert.deepEqual(await previewTiers(page), ['Pasta = Curry tied', 'Soup']);
    // A screen reader hears where the moved option now stands.
    const announcement = page.locator('.board-announcement[aria-live="polite"]');
    assert.equal((await announcement.textContent()).trim(), 'Pasta: 1st.');

    // Drag (mouse): Soup's handle onto the first row puts Soup first.
    const handle = page.getByRole('button', { name: 'Move Soup', exact: true });
    await page.locator('.board').scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    const to = await page.locator('.board .option').first().boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + 20, to.y + to.height / 4, { steps: 8 });
    await page.mouse.up();
    assert.deepEqual(await rankedNames(page), ['Soup', 'Pasta']);
    assert.deepEqual(await previewTiers(page), ['Curry = Soup tied', 'Pasta']);
    assert.equal((await announcement.textContent()).trim(), 'Soup: 1st.', 'a drop is announced too');

    // Keys: on Pasta's handle, "=" ties it with Soup above.
    await page.getByRole('button', { name: 'Move Pasta', exact: true }).focus();
    await page.keyboard.press('=');
    assert.match(await page.locator('.board .option.tied .name').textContent(), /Pasta/);
    assert.equal((await announcement.textContent()).trim(), 'Pasta: tied 1st with Soup.');

    // The page's live progress polls on its own (live.js); the preview asks for nothing.
    const asked = requests.filter((url) => !url.endsWith('/version'));
    assert.deepEqual(asked, [], 'the preview needs no network request');

    await page.getByRole('button', { name: 'Save my ranking' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.deepEqual(await rankedTiers(page), [['Pasta', 'Soup']]);
    await page.reload();
    await waitForHydration(page);
    assert.deepEqual(await rankedTiers(page), [['Pasta', 'Soup']], 'the saved tie comes back');
    assert.deepEqual(await rankedNames(page), ['Pasta', '=Soup'], "tied options in the slot's order");
    assert.deepEqual(problems, []);
  });

  test('without JavaScript the plain rank form submits the same ballot', async () => {
    const plain = await newPhonePage(browser, { javaScriptEnabled: false });
    await call(plain.context, server.baseUrl, 'sign_in', { email: 'bob@example.com', password: PASSWORD });
    await plain.page.goto(`${server.baseUrl}${ballotPath}`);
    const pasta = plain.page.locator(`#rank-${options.Pasta}`);
    assert.equal(await plain.page.locator(`#rank-${options.Curry}`).inputValue(), '1', 'his saved ballot');
    // The form explains itself without the board's drag line (its place reads "Not ranked yet"),
    // and its rank boxes stand in one column at the right of each row.
    assert.equal((await plain.page.locator('.board .divider').innerText()).trim(), 'Not ranked yet');
    assert.equal(await plain.page.locator('.board button:visible').count(), 0, 'no buttons that need JavaScript');
    await plain.page.getByText('Leave a rank empty for no opinion.').waitFor();
    const boxes = await Promise.all((await plain.page.locator('.board .rank').all()).map((box) => box.boundingBox()));
    const rows = await Promise.all((await plain.page.locator('.board .option').all()).map((row) => row.boundingBox()));
    assert.equal(boxes.length, 3);
    assert.equal(new Set(boxes.map((box) => Math.round(box.x))).size, 1, `rank boxes line up: ${JSON.stringify(boxes)}`);
    boxes.forEach((box, i) => {
      const rowRight = rows[i].x + rows[i].width;
      assert.ok(rowRight - (box.x + box.width) < 24, `box ${i} sits at the right of its row`);
    });
    await pasta.fill('1');
    await plain.page.locator(`#rank-${options.Curry}`).fill('2');
    await plain.page.getByRole('button', { name: 'Save my ranking' }).click();
    await plain.page.waitForURL((url) => url.pathname === ballotPath);
    assert.equal(await pasta.inputValue(), '1');
    assert.equal(await plain.page.locator(`#rank-${options.Curry}`).inputValue(), '2');
    assert.equal(await plain.page.locator(`#rank-${options.Soup}`).inputValue(), '');
    await plain.context.close();
  });

  test('an empty ballot is only saved once confirmed, and the last ballot is told it closed the vote', async () => {
    // Cy, the last member expected, opens the board: everything starts under "No opinion".
    const cyPage = cy.page;
    await cyPage.goto(`${server.baseUrl}${ballotPath}`);
    await waitForHydration(cyPage);
    await cyPage.getByRole('button', { name: 'Save my ranking' }).click();
    const question = cyPage.getByRole('status').filter({ hasText: 'Save with no opinion on any dish?' });
    await question.waitFor();
    await cyPage.getByRole('button', { name: 'Keep ranking' }).click();
    await question.waitFor({ state: 'detached' });
    const still = JSON.parse((await call(cy.context, server.baseUrl, 'get_ballot_page', {
      household_id: household,
      slot_id: ballotPath.split('/').pop(),
    })).body);
    assert.equal(still.mine, null, 'nothing was saved');
    assert.ok(still.open, 'and the vote is still open');

    // She ranks Curry and saves: hers is the last ballot, and the board says so at once.
    // Curry is second under the "no opinion" line: up past Pasta, then past the line.
    await cyPage.locator('button[aria-label="Move Curry up"]').click();
    await cyPage.locator('button[aria-label="Move Curry up"]').click();
    assert.deepEqual(await rankedNames(cyPage), ['Curry']);
    await cyPage.getByRole('button', { name: 'Save my ranking' }).click();
    const closed = cyPage.getByRole('status').filter({ hasText: 'Yours was the last ballot expected, so voting has closed: Pasta won.' });
    await closed.waitFor();
    assert.equal(await cyPage.getByRole('button', { name: 'Save my ranking' }).count(), 0, 'no second tap to find out');
    await closed.getByRole('link', { name: 'See the result' }).waitFor();
    assert.deepEqual(cy.problems, []);
  });

  test('the last ballot closes the meal, and the result says who won and why', async () => {
    // Ada: Pasta = Soup > Curry; Bob: Pasta > Curry; Cy: Curry. Pasta beats Curry 2–1 and Soup 1–0.
    const { page, problems } = ada;
    await page.goto(`${server.baseUrl}${ballotPath}`);
    await waitForHydration(page);
    await page.getByRole('link', { name: 'See the result' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/results'));
    await waitForHydration(page);
    assert.equal((await page.locator('.winner strong').first().textContent()).trim(), 'Pasta');
    assert.match(await page.locator('.explanation').first().textContent(), /Pasta beat (Curry 2–1 and Soup 1–0|Soup 1–0 and Curry 2–1)/);
    // One screen first: each meal and its winner; the details fold below.
    assert.match(await page.locator('.summary').textContent(), /dinner: Pasta/);
    const meal = await page.locator('.summary li a').first().boundingBox();
    assert.ok(meal.height >= 44, `the meal's link is big enough to tap: ${meal.height} px`);
    await page.getByText('How it was decided').first().click();
    await page.locator('table.head-to-head').first().waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Ranking', exact: true }).count(), 0, 'nothing tied: the final order alone');
    const score = await page.locator('table.head-to-head td.won').first().boundingBox();
    assert.ok(score.height < 40, 'a score stays on one line');
    const sentenceScores = await page.locator('.explanation .score').evaluateAll((scores) =>
      scores.map((score) => [score.textContent, score.getClientRects().length]));
    assert.ok(sentenceScores.length >= 2, 'the explanation names scores');
    for (const [text, lines] of sentenceScores) assert.equal(lines, 1, `"${text}" never wraps at its dash`);
    // The table scrolls inside its own box with the dish names held in view; the page itself
    // never scrolls sideways.
    const layout = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      overflow: getComputedStyle(document.querySelector('.table-scroll')).overflowX,
      names: getComputedStyle(document.querySelector('.head-to-head th[scope="row"]')).position,
    }));
    assert.deepEqual(layout, { page: layout.viewport, viewport: 390, overflow: 'auto', names: 'sticky' });
    assert.deepEqual(problems, []);
  });
});
