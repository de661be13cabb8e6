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

/**
 * Signs up the first of `people` (`[[person, 'Ada'], [person, 'Bob'], …]`, each a phone page
 * from `newPhonePage`), who creates the household "Home" and invites the others, who sign up and
 * join. Emails are the lower-cased names at example.com. Returns the household's id.
 */
export async function householdOf(base, people) {
  const [[first, firstName], ...others] = people;
  const email = (name) => `${name.toLowerCase()}@example.com`;
  await call(first.context, base, 'sign_up', { display_name: firstName, email: email(firstName), password: PASSWORD });
  const created = await call(first.context, base, 'create_household', { name: 'Home' });
  const household = created.location.split('/').pop();
  await call(first.context, base, 'create_invite', { household_id: household, expires_in_days: '7' });
  const token = JSON.parse((await call(first.context, base, 'take_new_secret', { kind: 'invite_token', household_id: household })).body);
  for (const [person, name] of others) {
    await call(person.context, base, 'sign_up', { display_name: name, email: email(name), password: PASSWORD });
    await call(person.context, base, 'join_household', { token });
  }
  return household;
}
