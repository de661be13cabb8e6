//! Rules shared by every name a person types for others to read (their display name, a
//! household's name).

/// Whether `name` holds a character that changes how the text around it is shown without being
/// seen itself: the bidirectional overrides, embeddings and isolates (which can make a name read
/// as something else, "Trojan Source" style) and the zero-width space, word joiner and byte-order
/// mark (which make two names that look the same differ). The zero-width joiner and non-joiner are
/// allowed: emoji sequences and several scripts (Persian, the Indic scripts) need them.
pub fn has_hidden_formatting(name: &str) -> bool {
    name.chars().any(|c| {
        matches!(
            c,
            '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
                | '\u{2066}'..='\u{2069}' // LRI, RLI, FSI, PDI
                | '\u{200E}' | '\u{200F}' | '\u{061C}' // LRM, RLM, ALM
                | '\u{200B}' | '\u{2060}' | '\u{FEFF}' // zero-width space, word joiner, BOM
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_and_invisible_spaces_are_caught() {
        for bad in [
            "Ada\u{202E}evil",
            "\u{2066}Home\u{2069}",
            "A\u{200B}da",
            "\u{FEFF}Home",
            "Ho\u{2060}me",
            "x\u{200F}y",
        ] {
            assert!(has_hidden_formatting(bad), "{bad:?}");
        }
    }

    #[test]
    fn ordinary_names_in_any_script_and_emoji_sequences_pass() {
        for good in [
            "Ada",
            "Zoë & Chloé",
            "محمد",
            "שרה",
            "मी\u{200D}ना",
            "می\u{200C}خواهم",
            "The 👨\u{200D}👩\u{200D}👧 family",
        ] {
            assert!(!has_hidden_formatting(good), "{good:?}");
        }
    }
}
