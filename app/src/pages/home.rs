use leptos::prelude::*;

/// Dishes of the landing page's try-it-yourself ranking.
const DEMO_DISHES: [&str; 3] = ["Spaghetti", "Egg fried rice", "Lentil soup"];

/// The landing page: what mealvote does, and a small ranking to try.
///
/// The page is complete as server-rendered HTML; the ranking's buttons come alive once the
/// WASM has hydrated the page (they are rendered disabled until then).
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Decide what to eat, together"</h1>
            <p class="lead">
                "Propose the week's meals, let everyone rank the options on their phone, and "
                "mealvote picks each meal fairly — and tells you why it won."
            </p>
        </section>
        <DemoRanking />
    }
}

/// A ranking of three dishes the visitor can reorder (an island: hydrated in the browser).
#[island]
fn DemoRanking() -> impl IntoView {
    let (order, set_order) = signal(DEMO_DISHES.to_vec());
    // Effects run only in the browser, so this flips once the page has hydrated.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move || set_hydrated.set(true));

    let move_up = move |index: usize| {
        if index > 0 {
            set_order.update(|dishes| dishes.swap(index - 1, index));
        }
    };

    view! {
        <section class="card" aria-labelledby="demo-heading">
            <h2 id="demo-heading">"Try it: rank tonight's dinner"</h2>
            <ol class="ranking" aria-label="Your ranking">
                {move || {
                    order
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, dish)| {
                            view! {
                                <li>
                                    <span class="dish">{dish}</span>
                                    <button
                                        type="button"
                                        aria-label=format!("Move {dish} up")
                                        disabled=move || !hydrated.get() || index == 0
                                        on:click=move |_| move_up(index)
                                    >
                                        "↑"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <p role="status">
                "Your first choice: " <strong>{move || order.get()[0]}</strong>
            </p>
        </section>
    }
}
