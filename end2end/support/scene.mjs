// A household as the page-wide checks need it: Ada alone in "Home", a plan with lunch and dinner
// three days from now, lunch decided by her ballot (so the results page has a winner and Curry's
// ingredients are on the list) and dinner still open (so the ballot page has a board).
import { PASSWORD, call, dayFromNow } from './api.mjs';

/**
 * Signs Ada up in `context` and sets the scene.
 * @returns {Promise<Record<string, string>>} the path of every page a household uses, by name
 */
export async function householdWithADecidedMeal(context, base) {
  await call(context, base, 'sign_up', { display_name: 'Ada', email: 'ada@example.com', password: PASSWORD });
  const created = await call(context, base, 'create_household', { name: 'Home' });
  const household = created.location.split('/').pop();
  await call(context, base, 'create_invite', { household_id: household, expires_in_days: '7' });
  const token = JSON.parse((await call(context, base, 'take_new_secret', { kind: 'invite_token', household_id: household })).body);
  const proposed = await call(context, base, 'propose_plan', {
    household_id: household,
    first_day: dayFromNow(3),
    days: '1',
    meals: 'lunch, dinner',
    options: 'Pasta\nCurry\nSoup',
    deadline_date: dayFromNow(1),
    deadline_time: '18:00',
    utc_offset_minutes: '0',
  });
  const planId = proposed.location.split('/').pop();
  const settings = JSON.parse((await call(context, base, 'get_meal_settings', { household_id: household })).body);
  const curry = settings.dishes.find((dish) => dish.name === 'Curry');
  await call(context, base, 'save_recipe', {
    household_id: household,
    dish_id: curry.id,
    serves: '2',
    link: '',
    ingredients: '400 g rice\n2 onions\n400 ml coconut milk\nsalt to taste',
    steps: 'Cook it.',
  });
  const plan = JSON.parse((await call(context, base, 'get_plan', { household_id: household, plan_id: planId })).body);
  const [lunch, dinner] = plan.slots.map((slot) => slot.id);
  const page = JSON.parse((await call(context, base, 'get_ballot_page', { household_id: household, slot_id: lunch })).body);
  // Ada is the only member: her lunch ballot closes lunch.
  await call(context, base, 'cast_ballot', {
    household_id: household,
    slot_id: lunch,
    [`rank-${page.options[1].id}`]: '1',
    [`rank-${page.options[0].id}`]: '2',
  });
  return {
    households: '/households',
    household: `/households/${household}`,
    plans: `/households/${household}/plans`,
    propose: `/households/${household}/propose`,
    dishes: `/households/${household}/dishes`,
    notifications: `/households/${household}/notifications`,
    plan: `/households/${household}/plans/${planId}`,
    ballot: `/households/${household}/slots/${dinner}`,
    results: `/households/${household}/plans/${planId}/results`,
    list: `/households/${household}/plans/${planId}/list`,
    join: `/join/${token}`,
  };
}
