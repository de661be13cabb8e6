//! The one check of every name a person types for others to read: display names, household
//! names, dish and option names, meal names and plan titles.
//!
//! A name may hold only characters people can see. Refused, each named in the message:
//! - controls and line breaks, and the line and paragraph separators (U+2028, U+2029);
//! - the bidirectional controls (which can make a name read as something else, "Trojan Source"
//!   style);
//! - invisible format characters: the soft hyphen, zero-width space, word joiner, byte-order mark,
//!   the invisible operators (U+2061–U+2064), the tag characters (U+E0000–U+E007F) and the rest of
//!   Unicode's format characters;
//! - characters drawn as nothing: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), the braille
//!   blank, the combining grapheme joiner, the Khmer inherent vowels, the Mongolian vowel
//!   separator;
//! - noncharacters.
//!
//! Allowed, because real names need them: the zero-width joiner and non-joiner (emoji sequences,
//! Persian, the Indic scripts) and the variation selectors (emoji and ideograph variants).

use crate::error::{AppError, Field};

/// A character a name may not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HiddenCharacter {
    pub character: char,
    /// What it is, for the message: "soft hyphen".
    pub kind: &'static str,
}

impl HiddenCharacter {
    /// "Remove the soft hyphen (U+00AD) from the name: it is invisible, …"
    pub fn message(&self) -> String {
        format!(
            "Remove the {} (U+{:04X}) from the name: it is invisible, and a name holds only \
             characters people can see.",
            self.kind, self.character as u32
        )
    }
}

/// The first character of `name` that a name may not hold.
pub fn hidden_character(name: &str) -> Option<HiddenCharacter> {
    name.chars().find_map(|character| {
        hidden_kind(character).map(|kind| HiddenCharacter { character, kind })
    })
}

/// Refuses a `name` for `field` that holds a character people cannot see, naming it.
pub fn check(name: &str, field: Field) -> Result<(), AppError> {
    match hidden_character(name) {
        Some(hidden) => Err(AppError::invalid(field, hidden.message())),
        None => Ok(()),
    }
}

fn hidden_kind(c: char) -> Option<&'static str> {
    let kind = match c {
        '\n' | '\r' => "line break",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        c if c.is_control() => "control character",
        // Allowed: joiners and variation selectors shape visible text.
        '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => {
            return None;
        }
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "text direction control",
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "zero-width no-break space",
        '\u{2061}'..='\u{2064}' => "invisible operator",
        '\u{E0000}'..='\u{E007F}' => "tag character",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "Hangul filler",
        '\u{2800}' => "braille blank",
        '\u{034F}' => "combining grapheme joiner",
        '\u{17B4}' | '\u{17B5}' => "invisible Khmer vowel",
        '\u{180E}' => "Mongolian vowel separator",
        // The remaining format characters (general category Cf) and the unassigned code points
        // Unicode reserves as ignorable.
        '\u{0600}'..='\u{0605}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'
        | '\u{0891}'
        | '\u{08E2}'
        | '\u{2065}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0080}'..='\u{E0FFF}' => "invisible formatting character",
        '\u{FDD0}'..='\u{FDEF}' => "noncharacter",
        c if u32::from(c) & 0xFFFE == 0xFFFE => "noncharacter",
        _ => return None,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_character_the_issue_named_is_refused_and_named() {
        for (name, character, kind) in [
            ("Ada\u{00AD}", '\u{00AD}', "soft hyphen"),
            ("A\u{2064}da", '\u{2064}', "invisible operator"),
            ("\u{3164}", '\u{3164}', "Hangul filler"),
            ("\u{115F}", '\u{115F}', "Hangul filler"),
            ("\u{1160}", '\u{1160}', "Hangul filler"),
            ("\u{FFA0}", '\u{FFA0}', "Hangul filler"),
            ("Ada\u{E0041}", '\u{E0041}', "tag character"),
            ("\u{E0001}Ada", '\u{E0001}', "tag character"),
            ("Ada\u{E007F}", '\u{E007F}', "tag character"),
            ("Ada\u{2028}Bob", '\u{2028}', "line separator"),
            ("Ada\u{2029}Bob", '\u{2029}', "paragraph separator"),
            ("Ada\u{202E}nimda", '\u{202E}', "text direction control"),
            ("\u{2066}Home\u{2069}", '\u{2066}', "text direction control"),
            ("A\u{200B}da", '\u{200B}', "zero-width space"),
            ("\u{FEFF}Home", '\u{FEFF}', "zero-width no-break space"),
            ("Ho\u{2060}me", '\u{2060}', "word joiner"),
            ("x\u{200F}y", '\u{200F}', "text direction control"),
            ("Ada\tBob", '\t', "control character"),
            ("Ada\nBob", '\n', "line break"),
            ("\u{2800}", '\u{2800}', "braille blank"),
            ("Ada\u{FFFF}", '\u{FFFF}', "noncharacter"),
        ] {
            let hidden = hidden_character(name).unwrap_or_else(|| panic!("{name:?} passed"));
            assert_eq!(hidden, HiddenCharacter { character, kind }, "{name:?}");
        }
    }

    #[test]
    fn the_message_names_the_character_by_code_point() {
        let error = check("Ada\u{00AD}", Field::DisplayName).unwrap_err();
        assert_eq!(
            error.for_field(Field::DisplayName).as_deref(),
            Some(
                "Remove the soft hyphen (U+00AD) from the name: it is invisible, and a name \
                 holds only characters people can see."
            )
        );
        let error = check("Ada\u{E0041}", Field::Options).unwrap_err();
        assert!(
            error.for_field(Field::Options).unwrap().contains("U+E0041"),
            "{error:?}"
        );
    }

    #[test]
    fn every_kind_of_name_is_checked_on_its_own_field() {
        use crate::{
            accounts::DisplayName,
            households::HouseholdName,
            plans::{DishName, MealNames, OptionNames},
        };
        let name = "Soup\u{00AD}";
        let refused = [
            (
                DisplayName::try_from(name.to_owned()).unwrap_err(),
                Field::DisplayName,
            ),
            (
                HouseholdName::try_from(name.to_owned()).unwrap_err(),
                Field::HouseholdName,
            ),
            (
                DishName::parse(name, Field::DishName).unwrap_err(),
                Field::DishName,
            ),
            (
                OptionNames::parse(&format!("Pasta\n{name}")).unwrap_err(),
                Field::Options,
            ),
            (MealNames::parse(name).unwrap_err(), Field::Meals),
        ];
        for (error, field) in refused {
            let message = error.for_field(field);
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.contains("soft hyphen (U+00AD)")),
                "{field:?}: {error:?}"
            );
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
            "❤\u{FE0F} Home",
            "한글 이름",
            "Ægir Þórsson",
            "</textarea><script>alert(1)</script>",
        ] {
            assert_eq!(check(good, Field::DisplayName), Ok(()), "{good:?}");
        }
    }
}
