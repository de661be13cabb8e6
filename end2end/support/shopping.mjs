// A household with a shopping list, as the list's browser tests need it: Ada and Bob in "Home",
// Curry and Stir-fry with recipes, and a plan whose two meals both members have voted on, so that
// each closed early (everyone voted) and its winner's ingredients joined the plan's list.
// Plus what the tests read from a list page: its lines, and its poll.
import { randomUUID } from 'node:crypto';
import { PASSWORD, call, dayFromNow } from './api.mjs';

export const RECIPES = {
  Curry: { serves: '2', ingredients: '400 g rice\n2 onions\n3 cloves garlic, crushed\n400 ml coconut milk\n1 tbsp curry powder\nsalt to taste' },
  'Stir-fry': { serves: '2', ingredients: '0.5 kg rice\n1 red pepper\n200 g tofu\n2 tbsp soy sauce' },
};

/**
 * Signs Ada up in `ada` and Bob in `bob` (browser contexts), as ada@`domain` and bob@`domain`,
 * and sets the scene.
 * @returns {Promise<{ household: string, plan: string, list: string, dishes: Record<string, string> }>}
 *   ids, the list page's path, and the dishes' ids by name
 */
export async function householdWithAList(ada, bob, base, domain = 'example.com') {
  await call(ada, base, 'sign_up', { display_name: 'Ada', email: `ada@${domain}`, password: PASSWORD });
  await call(bob, base, 'sign_up', { display_name: 'Bob', email: `bob@${domain}`, password: PASSWORD });
  const created = await call(ada, base, 'create_household', { name: 'Home' });
  const household = created.location.split('/').pop();
  await call(ada, base, 'create_invite', { household_id: household, expires_in_days: '7' });
  const token = JSON.parse((await call(ada, base, 'take_new_secret', { kind: 'invite_token', household_id: household })).body);
  await call(bob, base, 'join_household', { token });
  const proposed = await call(ada, base, 'propose_plan', {
    household_id: household,
    first_day: dayFromNow(3),
    days: '1',
    meals: 'lunch, dinner',
    options: 'Curry\nStir-fry\nSoup',
    deadline_date: dayFromNow(1),
    deadline_time: '18:00',
    utc_offset_minutes: '0',
  });
  const plan = proposed.location.split('/').pop();
  const settings = JSON.parse((await call(ada, base, 'get_meal_settings', { household_id: household })).body);
  const dishes = Object.fromEntries(settings.dishes.map((dish) => [dish.name, dish.id]));
  for (const [name, recipe] of Object.entries(RECIPES)) {
    await call(ada, base, 'save_recipe', {
      household_id: household,
      dish_id: dishes[name],
      serves: recipe.serves,
      link: '',
      ingredients: recipe.ingredients,
      steps: 'Cook it.',
    });
  }
  // Curry wins lunch and Stir-fry dinner; the second ballot of each closes it.
  const { slots } = JSON.parse((await call(ada, base, 'get_plan', { household_id: household, plan_id: plan })).body);
  for (const [slot, winner] of [[slots[0].id, 'Curry'], [slots[1].id, 'Stir-fry']]) {
    for (const member of [ada, bob]) {
      const ballot = JSON.parse((await call(member, base, 'get_ballot_page', { household_id: household, slot_id: slot })).body);
      const option = ballot.options.find((o) => o.name === winner);
      await call(member, base, 'cast_ballot', { household_id: household, slot_id: slot, [`rank-${option.id}`]: '1' });
    }
  }
  return { household, plan, list: `/households/${household}/plans/${plan}/list`, dishes };
}

/** The list as the server has it (`get_shopping_list`): every line to buy, by food. */
export async function storedLines(context, base, { household, plan }) {
  const page = JSON.parse((await call(context, base, 'get_shopping_list', { household_id: household, plan_id: plan })).body);
  return page.aisles.flatMap((aisle) => aisle.lines.map((line) => ({ ...line, aisle: aisle.name })));
}

/** Adds an item to the list as the member of `context`, as the page's form would. */
export async function addItem(context, base, { household, plan }, item) {
  await call(context, base, 'add_shopping_item', { household_id: household, plan_id: plan, op: randomUUID(), item });
}

/**
 * In the page: every line of the list as shown, `{ food, done, text }`; the food is read from
 * its check button's name ("Check rice" / "Uncheck rice").
 */
export function shownLines() {
  return [...document.querySelectorAll('#shopping-list li.shopping-line')].map((li) => ({
    food: (li.querySelector('button.tick')?.getAttribute('aria-label') ?? '').replace(/^(Check|Uncheck) /, ''),
    done: li.classList.contains('done'),
    text: li.querySelector('.line-text')?.textContent.trim() ?? '',
  }));
}

/**
 * Waits until the page shows every food of `done` checked and every food of `open` unchecked,
 * each exactly once (a line shown twice would be a merge or replay gone wrong).
 */
export async function waitForLines(page, { done = [], open = [] }, timeout) {
  await page.waitForFunction(
    ({ done, open }) => {
      // As shownLines reads them (a page's CSP allows no eval, so it cannot be passed in).
      const lines = [...document.querySelectorAll('#shopping-list li.shopping-line')].map((li) => ({
        food: (li.querySelector('button.tick')?.getAttribute('aria-label') ?? '').replace(/^(Check|Uncheck) /, ''),
        done: li.classList.contains('done'),
      }));
      const state = (food) => {
        const found = lines.filter((line) => line.food === food);
        return found.length === 1 ? found[0].done : undefined;
      };
      return done.every((food) => state(food) === true) && open.every((food) => state(food) === false);
    },
    { done, open },
    { timeout, polling: 50 },
  );
}

/** Resolves with the next answer to the page's poll (`…/list/version`). */
export function nextPoll(page, timeout = 10_000) {
  return page.waitForResponse((response) => response.url().endsWith('/list/version'), { timeout });
}

/** Where the scene's foods go in a store, as a household would sort them once. */
const AISLES = {
  rice: 'Dry goods',
  onions: 'Produce',
  garlic: 'Produce',
  'red pepper': 'Produce',
  tofu: 'Dairy & eggs',
  milk: 'Dairy & eggs',
  'coconut milk': 'Tins & jars',
  'soy sauce': 'Tins & jars',
  'curry powder': 'Spices & baking',
  salt: 'Spices & baking',
};

/**
 * The list as a household has it mid-shop: an item of Ada's ("2 l milk"), each food moved to its
 * aisle, and the onions and the red pepper checked by Bob.
 */
export async function midShop(ada, bob, base, scene) {
  const ids = { household_id: scene.household, plan_id: scene.plan };
  await addItem(ada, base, scene, '2 l milk');
  const page = JSON.parse((await call(ada, base, 'get_shopping_list', ids)).body);
  const aisleIds = Object.fromEntries(page.aisles.map((aisle) => [aisle.name, aisle.id]));
  const lines = page.aisles.flatMap((aisle) => aisle.lines);
  for (const line of lines.filter((line) => AISLES[line.food])) {
    await call(ada, base, 'move_item_to_aisle', { ...ids, line_id: line.id, aisle_id: aisleIds[AISLES[line.food]] });
  }
  for (const line of lines.filter((line) => ['onions', 'red pepper'].includes(line.food))) {
    await call(bob, base, 'set_item_checked', { ...ids, line_id: line.id, op: randomUUID(), state: 'checked', seen: line.seen });
  }
}
