//! Household values, each parsed once at the edge.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Field};

pub const MAX_HOUSEHOLD_NAME_CHARS: usize = 60;
pub const DEFAULT_INVITE_DAYS: u32 = 7;
pub const MAX_INVITE_DAYS: u32 = 30;
/// 32 random bytes in unpadded base64url.
const INVITE_TOKEN_CHARS: usize = 43;

/// A household's name, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdName(String);

impl HouseholdName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HouseholdName {
    type Error = AppError;

    fn try_from(value: String) -> Result<Self, AppError> {
        let name = value.trim();
        if name.is_empty() {
            return Err(AppError::invalid(
                Field::HouseholdName,
                "Give the household a name.",
            ));
        }
        crate::names::check(name, Field::HouseholdName)?;
        if name.chars().count() > MAX_HOUSEHOLD_NAME_CHARS {
            return Err(AppError::invalid(
                Field::HouseholdName,
                format!("Use at most {MAX_HOUSEHOLD_NAME_CHARS} characters."),
            ));
        }
        Ok(Self(name.to_owned()))
    }
}

/// What a member may do: admins manage invites and members, everyone votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Member => "Member",
        }
    }
}

impl TryFrom<String> for Role {
    type Error = AppError;

    fn try_from(value: String) -> Result<Self, AppError> {
        match value.as_str() {
            "admin" => Ok(Self::Admin),
            "member" => Ok(Self::Member),
            _ => Err(AppError::BadRequest),
        }
    }
}

/// The secret part of an invite link (`/join/<token>`). Only its SHA-256 is stored; `Debug`
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteToken(String);

impl InviteToken {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A fresh token from 32 random bytes.
    #[cfg(feature = "ssr")]
    pub fn from_random_bytes(bytes: &[u8; 32]) -> Self {
        use base64::Engine;
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

impl std::fmt::Debug for InviteToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteToken(***)")
    }
}

/// A link that is not even shaped like one of ours names nothing: "not found".
impl TryFrom<String> for InviteToken {
    type Error = AppError;

    fn try_from(value: String) -> Result<Self, AppError> {
        let well_formed = value.len() == INVITE_TOKEN_CHARS
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(Self(value))
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// How an admin wants a new invite link to behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOptions {
    pub expires_in_days: u32,
    pub single_use: bool,
}

impl InviteOptions {
    /// Parses the create-invite form: `expires_in_days` from 1 to 30 (empty: 7), `single_use` is a
    /// checkbox (present when ticked).
    pub fn parse(expires_in_days: &str, single_use: Option<&str>) -> Result<Self, AppError> {
        let days = expires_in_days.trim();
        let expires_in_days = if days.is_empty() {
            DEFAULT_INVITE_DAYS
        } else {
            days.parse::<u32>()
                .ok()
                .filter(|d| (1..=MAX_INVITE_DAYS).contains(d))
                .ok_or_else(|| {
                    AppError::invalid(
                        Field::ExpiresInDays,
                        format!("Choose from 1 to {MAX_INVITE_DAYS} days."),
                    )
                })?
        };
        Ok(Self {
            expires_in_days,
            single_use: single_use.is_some_and(|v| !v.is_empty() && v != "false"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_name_is_trimmed_and_must_not_be_empty() {
        assert_eq!(
            HouseholdName::try_from(" The Smiths ".to_owned())
                .unwrap()
                .as_str(),
            "The Smiths"
        );
        let error = HouseholdName::try_from("  ".to_owned()).unwrap_err();
        assert!(error.for_field(Field::HouseholdName).is_some());
    }

    #[test]
    fn invite_options_default_to_seven_days_and_reusable() {
        assert_eq!(
            InviteOptions::parse("", None).unwrap(),
            InviteOptions {
                expires_in_days: 7,
                single_use: false
            }
        );
        assert_eq!(
            InviteOptions::parse("2", Some("on")).unwrap(),
            InviteOptions {
                expires_in_days: 2,
                single_use: true
            }
        );
        for bad in ["0", "31", "-1", "a week"] {
            assert!(
                InviteOptions::parse(bad, None)
                    .unwrap_err()
                    .for_field(Field::ExpiresInDays)
                    .is_some(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_malformed_invite_token_is_not_found_and_never_printed() {
        assert_eq!(
            InviteToken::try_from("nope".to_owned()).unwrap_err(),
            AppError::NotFound
        );
        let token = InviteToken::try_from("a".repeat(43)).unwrap();
        assert_eq!(format!("{token:?}"), "InviteToken(***)");
    }

    #[test]
    fn roles_parse_from_their_form_values() {
        assert_eq!(Role::try_from("admin".to_owned()).unwrap(), Role::Admin);
        assert_eq!(Role::try_from("member".to_owned()).unwrap(), Role::Member);
        assert!(Role::try_from("owner".to_owned()).is_err());
    }
}
