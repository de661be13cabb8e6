//! Leptos writes the children of `<textarea>`, `<script>`, `<style>` and `<noscript>`, and the
//! text of `leptos_meta`'s `<Title>`, into server-rendered pages without escaping them
//! (docs/security.md, "Markup in names"). Text a person typed must never reach one of them except
//! through `components::TextArea`, which escapes it: this test reads the app's source and fails
//! when a page writes one of these elements anywhere else.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

/// Where each unescaped element may be written, and why that place is safe.
const ALLOWED: &[(&str, &str)] = &[
    // The one textarea, escaping its text.
    ("<textarea", "src/components/text_area.rs"),
    // The service worker's registration, a constant.
    ("<script", "src/lib.rs"),
    // The shopping list's script, loaded by address: the element holds no text.
    ("<script", "src/pages/shopping.rs"),
    // The live progress script (plan and ballot pages), loaded by address: it holds no text.
    ("<script", "src/progress/view.rs"),
    // The push script (account section), loaded by address: it holds no text.
    ("<script", "src/push/devices.rs"),
    // The site's title, a constant.
    ("<Title", "src/lib.rs"),
];

const UNESCAPED: &[&str] = &["<textarea", "<script", "<style", "<noscript", "<Title"];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Whether `code` writes the element `tag` in a `view!`, not inside a string literal (a test's
/// payload): an even number of quotes comes before it.
fn written_as_markup(code: &str, tag: &str) -> bool {
    code.match_indices(tag)
        .any(|(at, _)| code[..at].matches('"').count().is_multiple_of(2))
}

#[test]
fn text_reaches_unescaped_elements_only_through_the_escaping_component() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "the app's sources were found");
    let mut misplaced = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(file).unwrap();
        // A file's tests (its `#[cfg(test)]` module, last by convention) are never rendered.
        let rendered = source.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in rendered.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for tag in UNESCAPED {
                let allowed = ALLOWED.contains(&(*tag, relative.as_str()));
                if written_as_markup(code, tag) && !allowed {
                    misplaced.push(format!("{relative}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        misplaced.is_empty(),
        "elements whose text Leptos does not escape, outside components::TextArea: {misplaced:#?}"
    );
}
