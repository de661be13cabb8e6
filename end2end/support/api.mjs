// Setting a scene through the server functions, as the pages' own scripts call them.
import assert from 'node:assert/strict';

/** The password every simulated person uses (long enough for the documented minimum). */
export const PASSWORD = 'correct horse battery';

/** Calls a server function as the page's own script would, with the context's cookies. */
export async function call(context, baseUrl, fn, form) {
  const response = await context.request.post(`${baseUrl}/api/${fn}`, {
    form,
    headers: { Origin: baseUrl, Accept: 'application/json' },
    maxRedirects: 0,
  });
  const body = await response.text();
  assert.ok(response.ok(), `${fn}: ${response.status()} ${body}`);
  return { location: response.headers().location, body };
}

/** The ISO date `days` from today (UTC). */
export function dayFromNow(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
