// Headless Debian Chromium driven by playwright-core (no browser download needed).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google on this offline machine.
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches a fresh browser; playwright gives every launch its own empty profile directory. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// Each phone page's recorded problems, so a failed wait can say what went wrong on the page.
const PROBLEMS = new WeakMap();

/** A phone-sized page that records console errors and failed requests. */
export async function newPhonePage(browser, { javaScriptEnabled = true, timezoneId = 'UTC' } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled,
    timezoneId,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const problems = [];
  PROBLEMS.set(page, problems);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, context, problems };
}

/**
 * Waits until the page's islands have hydrated: the last island on every page (`HydrationMarker`)
 * sets `data-hydrated` from an effect, which only runs in the browser once the WASM has taken over
 * the server-rendered HTML (islands hydrate in document order).
 */
export async function waitForHydration(page, { timeout = 15_000 } = {}) {
  try {
    await page.locator('.hydration-marker[data-hydrated="true"]').waitFor({ state: 'attached', timeout });
  } catch (error) {
    // Say what the page went through: a panic, a failed request or a slow WASM load read differently.
    const state = await page
      .evaluate(() => ({
        marker: document.querySelector('.hydration-marker')?.outerHTML ?? 'no marker',
        readyState: document.readyState,
        wasm: performance
          .getEntriesByType('resource')
          .filter((entry) => /\.wasm$/.test(entry.name))
          .map((entry) => `${entry.name} ${Math.round(entry.duration)} ms`),
        sinceStart: Math.round(performance.now()),
      }))
      .catch((cause) => `page state unavailable: ${cause.message}`);
    const problems = PROBLEMS.get(page) ?? ['(not a phone page: problems not recorded)'];
    error.message += `\npage: ${JSON.stringify(state)}\nproblems: ${JSON.stringify(problems)}`;
    throw error;
  }
}
