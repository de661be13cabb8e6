//! The app's one `<textarea>`: its text goes into the page escaped.
//!
//! Leptos' renderer (tachys 0.2.19) writes the children of `<textarea>` (like those of `<script>`,
//! `<style>` and `<noscript>`) into server-rendered HTML without escaping them. A textarea's text
//! is parsed by the browser as text up to the first `</textarea>`, and character references in
//! it are decoded, so text holding `</textarea>` would end the element early and whatever follows
//! would be read as markup: a dish called `</textarea><meta http-equiv=refresh …>` would send
//! whoever opens the form elsewhere (docs/security.md, "Markup in names"). Escaped text and
//! `inner_html` render the same characters on the server and, were it ever rendered in the
//! browser, there too (setting `innerHTML` decodes the references again).

use leptos::prelude::*;

/// `text` as it may stand inside an element whose children the renderer does not escape:
/// `&`, `<` and `>` as character references.
fn escaped_text(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// A multi-line text field holding `value`. With `error`, it is marked `aria-invalid` while the
/// error holds a message; `described_by` names the hint and error paragraphs that explain it.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    name: &'static str,
    rows: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] described_by: Option<&'static str>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let invalid = move || error.and_then(|error| error.get()).map(|_| "true");
    view! {
        <textarea id=id name=name rows=rows aria-describedby=described_by aria-invalid=invalid
            inner_html=escaped_text(&value)></textarea>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    const ATTACK: &str = "</textarea><meta http-equiv=refresh content=0;url=//ev.il/x>";

    /// The upstream bug, in a bare `view!` (the report in docs/security.md quotes this): the
    /// child text closes the textarea and a live `<meta>` element follows it.
    #[test]
    fn leptos_leaves_a_textareas_child_text_unescaped() {
        let html = view! { <textarea>{ATTACK}</textarea> }.to_html();
        assert!(
            html.contains("</textarea><meta http-equiv=refresh"),
            "{html}"
        );
        // Ordinary elements escape the same text.
        let html = view! { <p>{ATTACK}</p> }.to_html();
        assert!(!html.contains("<meta"), "{html}");
    }

    #[test]
    fn a_text_area_holds_markup_as_text() {
        let value = format!("Pasta\n{ATTACK}\nFish & chips");
        let html =
            view! { <TextArea id="options" name="options" rows="5" value=value /> }.to_html();
        assert!(!html.contains("<meta"), "{html}");
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
        let inner = html
            .split_once('>')
            .and_then(|(_, rest)| rest.split_once("</textarea>"))
            .map(|(inner, _)| inner)
            .unwrap();
        assert_eq!(
            html_escape::decode_html_entities(inner),
            format!("Pasta\n{ATTACK}\nFish & chips")
        );
    }
}
