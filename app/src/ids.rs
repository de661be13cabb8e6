//! Row ids: UUIDs written as text (TEXT columns on both engines).
//!
//! Ids arrive from URLs and forms; one that is not a well-formed UUID cannot name anything, so
//! parsing it fails with "not found", the same answer as for an id that names nothing.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A fresh random id.
            #[cfg(feature = "ssr")]
            pub fn generate() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// An id the store itself wrote: read back without re-checking.
            #[cfg(feature = "ssr")]
            pub fn from_stored(value: String) -> Self {
                Self(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = AppError;

            fn try_from(value: String) -> Result<Self, AppError> {
                if is_uuid(&value) {
                    Ok(Self(value.to_ascii_lowercase()))
                } else {
                    Err(AppError::NotFound)
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A person's account.
    UserId
);
id_type!(
    /// A household: the unit everything else belongs to.
    HouseholdId
);
id_type!(
    /// An invite link (its id, never its secret token).
    InviteId
);
id_type!(
    /// A dish in a household's library.
    DishId
);
id_type!(
    /// A meal plan: a range of days and their slots.
    PlanId
);
id_type!(
    /// One meal of one day in a plan ("Wednesday dinner"), decided by its own vote.
    SlotId
);
id_type!(
    /// One of a slot's options (a dish offered for that meal).
    OptionId
);
id_type!(
    /// One line of a plan's shopping list (a food in one unit family).
    LineId
);
id_type!(
    /// One aisle of a household's store, lines are grouped under.
    AisleId
);

fn is_uuid(value: &str) -> bool {
    value.len() == 36
        && value.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_id_parses_in_lower_case() {
        let id = HouseholdId::try_from("0B6F7C2E-3F5A-4C1E-9D2B-8A7E6F5D4C3B".to_owned()).unwrap();
        assert_eq!(id.as_str(), "0b6f7c2e-3f5a-4c1e-9d2b-8a7e6f5d4c3b");
    }

    #[test]
    fn anything_else_is_not_found() {
        for bad in [
            "",
            "1",
            "../etc/passwd",
            "0b6f7c2e-3f5a-4c1e-9d2b-8a7e6f5d4c3",
            "0b6f7c2e_3f5a-4c1e-9d2b-8a7e6f5d4c3b",
        ] {
            assert_eq!(
                UserId::try_from(bad.to_owned()).unwrap_err(),
                AppError::NotFound,
                "{bad:?}"
            );
        }
    }
}
