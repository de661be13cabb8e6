//! Account values, each parsed once at the edge: a value of these types is valid by construction.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Field};

/// The shortest password accepted (NIST SP 800-63B asks for at least 8; 10 leaves a margin).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Bounds the work one sign-in can cause: argon2 hashes the whole input.
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MAX_DISPLAY_NAME_CHARS: usize = 50;
const MAX_EMAIL_BYTES: usize = 254;

/// An email address, trimmed and lower-cased, so that one address means one account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Emails are personal data: `Debug` (and so logs) never shows one.
impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Email(***)")
    }
}

impl TryFrom<String> for Email {
    type Error = AppError;

    fn try_from(value: String) -> Result<Self, AppError> {
        let email = value.trim().to_lowercase();
        let invalid = || {
            AppError::invalid(
                Field::Email,
                "Enter an email address like name@example.com.",
            )
        };
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && email.len() <= MAX_EMAIL_BYTES
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if plausible {
            Ok(Self(email))
        } else {
            Err(invalid())
        }
    }
}

/// The name other household members see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = AppError;

    fn try_from(value: String) -> Result<Self, AppError> {
        let name = value.trim();
        if name.is_empty() {
            return Err(AppError::invalid(Field::DisplayName, "Enter your name."));
        }
        crate::names::check(name, Field::DisplayName)?;
        if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
            return Err(AppError::invalid(
                Field::DisplayName,
                format!("Use at most {MAX_DISPLAY_NAME_CHARS} characters."),
            ));
        }
        Ok(Self(name.to_owned()))
    }
}

/// A password as typed (never trimmed); `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// A password someone chooses: at least [`MIN_PASSWORD_CHARS`] characters.
    pub fn new_choice(value: String) -> Result<Self, AppError> {
        if value.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AppError::invalid(
                Field::Password,
                format!("Use at least {MIN_PASSWORD_CHARS} characters."),
            ));
        }
        Self::attempt(value)
    }

    /// A password someone signs in with: any non-empty input of bounded size. Shorter ones are not
    /// rejected here, so the answer to a wrong password never depends on its length.
    pub fn attempt(value: String) -> Result<Self, AppError> {
        if value.is_empty() {
            return Err(AppError::invalid(Field::Password, "Enter your password."));
        }
        if value.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::invalid(
                Field::Password,
                format!("Use at most {MAX_PASSWORD_BYTES} characters."),
            ));
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What signing up needs, each part already valid.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub display_name: DisplayName,
    pub email: Email,
    pub password: Password,
}

impl NewAccount {
    /// Checks every field and reports the first problem in the order of the form.
    pub fn parse(display_name: String, email: String, password: String) -> Result<Self, AppError> {
        Ok(Self {
            display_name: display_name.try_into()?,
            email: email.try_into()?,
            password: Password::new_choice(password)?,
        })
    }
}

/// What signing in needs.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub email: Email,
    pub password: Password,
}

impl Credentials {
    pub fn parse(email: String, password: String) -> Result<Self, AppError> {
        Ok(Self {
            email: email.try_into()?,
            password: Password::attempt(password)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        let email = Email::try_from("  Ada@Example.COM ".to_owned()).unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
    }

    #[test]
    fn an_implausible_email_is_rejected_on_its_field() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.d",
        ] {
            let error = Email::try_from(bad.to_owned()).unwrap_err();
            assert!(error.for_field(Field::Email).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn a_chosen_password_needs_the_documented_minimum_length() {
        let error = Password::new_choice("123456789".into()).unwrap_err();
        assert_eq!(
            error.for_field(Field::Password).as_deref(),
            Some("Use at least 10 characters.")
        );
        assert!(Password::new_choice("1234567890".into()).is_ok());
    }

    #[test]
    fn a_sign_in_attempt_accepts_a_short_password_so_the_answer_stays_generic() {
        assert!(Password::attempt("short".into()).is_ok());
        assert!(Password::attempt(String::new()).is_err());
        assert!(Password::attempt("x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn secrets_and_emails_never_show_in_debug_output() {
        let account = NewAccount::parse(
            "Ada".into(),
            "ada@example.com".into(),
            "correct horse battery".into(),
        )
        .unwrap();
        let debug = format!("{account:?}");
        assert!(!debug.contains("ada@example.com"), "{debug}");
        assert!(!debug.contains("correct horse"), "{debug}");
    }

    #[test]
    fn a_display_name_is_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::try_from("  Ada ".to_owned()).unwrap().as_str(),
            "Ada"
        );
        assert!(DisplayName::try_from("   ".to_owned()).is_err());
        assert!(DisplayName::try_from("x".repeat(51)).is_err());
    }
}
