//! Finding the JSON-LD blocks of an HTML page: every `<script type="application/ld+json">`.
//!
//! A small scan rather than an HTML parser: the blocks are plain script elements, whose content
//! ends at the first `</script` (HTML's own rule for script text), so nothing else of the page
//! needs understanding. Runs in the browser too, where a parser crate would weigh on the bundle.

use serde_json::Value;

/// The JSON values of the page's JSON-LD blocks, in page order; blocks that are not valid JSON
/// are skipped.
pub fn json_ld_values(html: &str) -> Vec<Value> {
    script_blocks(html)
        .into_iter()
        .filter_map(parse_block)
        .collect()
}

/// The text of each JSON-LD script element.
fn script_blocks(html: &str) -> Vec<&str> {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let start = from + found;
        let Some(tag_end) = lower[start..].find('>').map(|end| start + end) else {
            break;
        };
        let content_start = tag_end + 1;
        let content_end = lower[content_start..]
            .find("</script")
            .map_or(html.len(), |end| content_start + end);
        let after_name = lower[start + "<script".len()..tag_end].chars().next();
        if after_name.is_some_and(char::is_whitespace) && is_json_ld(&lower[start..tag_end]) {
            blocks.push(&html[content_start..content_end]);
        }
        from = content_end;
    }
    blocks
}

/// Whether an opening tag's attributes say `type="application/ld+json"` (quoted or not).
fn is_json_ld(tag: &str) -> bool {
    let mut rest = tag;
    while let Some(at) = rest.find("type") {
        let before = rest[..at].chars().next_back();
        let value = rest[at + "type".len()..].trim_start();
        rest = &rest[at + "type".len()..];
        let Some(value) = value.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start().trim_start_matches(['"', '\'']);
        let whole_word = before.is_some_and(char::is_whitespace);
        if whole_word && value.starts_with("application/ld+json") {
            let end = value["application/ld+json".len()..].chars().next();
            return end.is_none_or(|c| c == '"' || c == '\'' || c.is_whitespace() || c == '/');
        }
    }
    false
}

/// A block's JSON; tolerates the CDATA or comment wrapping some sites put around it.
fn parse_block(block: &str) -> Option<Value> {
    const WRAPPERS: [(&str, &str); 4] = [
        ("/*<![CDATA[*/", "/*]]>*/"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
        ("<!--", "-->"),
    ];
    let block = block.trim();
    let inner = WRAPPERS
        .iter()
        .find_map(|(open, close)| block.strip_prefix(open)?.strip_suffix(close))
        .unwrap_or(block);
    serde_json::from_str(inner.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_json_ld_blocks_only() {
        let html = r#"<html><head>
            <script>var a = "<script type='application/ld+json'>";</script>
            <SCRIPT Type = "application/ld+json">{"a": 1}</SCRIPT>
            <script type=application/ld+json>[2]</script>
            <script data-type="application/ld+json">{"no": true}</script>
            <script type="application/ld+jsonp">{"no": true}</script>
            <script type="application/ld+json">/*<![CDATA[*/{"b": 3}/*]]>*/</script>
            <script type="application/ld+json">{not json</script>
            <script type="application/ld+json"><!-- {"c": 4} --></script>
            <scripts type="application/ld+json">{"no": true}</scripts>
        </head></html>"#;
        let values = json_ld_values(html);
        assert_eq!(
            values,
            [
                serde_json::json!({"a": 1}),
                serde_json::json!([2]),
                serde_json::json!({"b": 3}),
                serde_json::json!({"c": 4})
            ]
        );
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end_and_odd_input_does_not_panic() {
        assert_eq!(
            json_ld_values(r#"<script type="application/ld+json">{"a": 1}"#),
            [serde_json::json!({"a": 1})]
        );
        for odd in [
            "<script",
            "<script type=",
            "<scripté>",
            "é<script type=\"application/ld+json\"",
            "",
        ] {
            let _ = json_ld_values(odd);
        }
    }
}
