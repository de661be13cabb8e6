// Runs axe-core (the accessibility rules engine) inside a page and returns its violations, each
// as one readable line. Evaluated through the DevTools protocol, so the page's CSP (nonces only)
// does not stand in the way and nothing is added to the page's own scripts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.1 A and AA rules, plus axe's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>} one line per violation and element: rule, impact, target, help
 */
export async function axeViolations(page) {
  // Where JavaScript is off, evaluating a script never returns: say so instead of stalling.
  let timer;
  const scripts = await Promise.race([
    page.evaluate(() => true),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), 5_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!scripts) {
    throw new Error('axe-core cannot run in this page: its context has JavaScript off; check the same page in a context with it');
  }
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations),
    TAGS,
  );
  return violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact}) at ${node.target.join(' ')}: ${v.help}`),
  );
}
