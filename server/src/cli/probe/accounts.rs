//! The prober's four accounts: clearly marked ("mealvote probe 1" … "4", addresses under
//! `probe.mealvote.invalid`, a domain that cannot receive mail) and either reused or fresh.
//!
//! - **Reused**, when the finalize secret is given: each address and password is an HMAC of the
//!   secret, so every run signs in to the same four accounts (signing them up on the first run)
//!   and nobody without the secret can guess, squat or sign in to them.
//! - **Fresh**, without a secret: four new accounts with random passwords that are never stored
//!   or printed. The app has no account deletion, so they stay behind, signed out and unusable;
//!   this mode is meant for throwaway servers (tests, a local run).
//!
//! Either way the probe household goes at the end: every member leaves it, the admin last, and
//! the last member leaving deletes it with its plan, ballots and results.

use app::{
    accounts::{SignIn, SignOut, SignUp},
    error::AppError,
    households::{HouseholdSummary, LeaveHousehold, ListHouseholds, Role},
};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::site::{Member, Problem, Site};

/// A household of four: enough for one member to abstain on one slot.
pub const MEMBERS: usize = 4;
/// `.invalid` is reserved (RFC 2606): these addresses can never belong to anyone.
pub const EMAIL_DOMAIN: &str = "probe.mealvote.invalid";

/// Where the accounts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Reused,
    Fresh,
}

/// The four members' credentials, not signed in yet.
pub fn members(site: &Site, secret: Option<&SecretString>) -> Result<Vec<Member>, Problem> {
    let tag = match secret {
        Some(secret) => hmac_hex(secret, "mealvote probe: account tag")[..16].to_owned(),
        None => format!("run-{}", random_hex(8)?),
    };
    (1..=MEMBERS)
        .map(|n| {
            let password = match secret {
                Some(secret) => hmac_hex(secret, &format!("mealvote probe: password {n}")),
                None => random_hex(32)?,
            };
            site.member(
                format!("mealvote probe {n}"),
                SecretString::from(format!("probe-{n}.{tag}@{EMAIL_DOMAIN}")),
                SecretString::from(password),
            )
        })
        .collect()
}

/// Signs `member` in, or up when a reused account does not exist yet; says which.
pub async fn sign_in(site: &Site, member: &Member, mode: Mode) -> Result<&'static str, Problem> {
    if mode == Mode::Reused {
        let answer = site
            .call(
                member,
                &SignIn {
                    email: member.email.expose_secret().to_owned(),
                    password: member.password.expose_secret().to_owned(),
                    invite: None,
                },
            )
            .await?;
        if answer.succeeded() {
            return Ok("signed in (reused account)");
        }
        if answer.error() != Some(AppError::WrongCredentials) {
            return Err(format!(
                "sign_in: expected success, found {}",
                answer.describe()
            ));
        }
        // No such account yet (the first run with this secret): create it.
    }
    let answer = site
        .call(
            member,
            &SignUp {
                display_name: member.name.clone(),
                email: member.email.expose_secret().to_owned(),
                password: member.password.expose_secret().to_owned(),
                invite: None,
            },
        )
        .await?;
    match (answer.succeeded(), mode) {
        (true, Mode::Reused) => Ok("signed up (new account, reused from now on)"),
        (true, Mode::Fresh) => Ok("signed up (new account for this run)"),
        (false, Mode::Reused) if matches!(answer.error(), Some(AppError::Invalid { .. })) => {
            Err(format!(
                "sign_in: expected to sign in or sign up, found the account exists but refuses \
                 the password derived from the finalize secret (sign_up: {})",
                answer.describe()
            ))
        }
        (false, _) => Err(format!(
            "sign_up: expected success, found {}",
            answer.describe()
        )),
    }
}

/// Every member leaves every household they are in, admins last, so the last one to leave
/// deletes it (probe households have only probe members). Answers how many households the
/// admins left, that is, how many were deleted.
pub async fn leave_all(site: &Site, members: &[Member]) -> Result<usize, Problem> {
    let mut deleted = std::collections::BTreeSet::new();
    for admins in [false, true] {
        for member in members {
            for household in households(site, member).await? {
                if (household.role == Role::Admin) != admins {
                    continue;
                }
                let id = household.id.to_string();
                site.call(
                    member,
                    &LeaveHousehold {
                        household_id: id.clone(),
                    },
                )
                .await?
                .expect_success("leave_household")?;
                if admins {
                    deleted.insert(id);
                }
            }
        }
    }
    Ok(deleted.len())
}

/// The households `member` belongs to; none when they are not signed in (a run that failed
/// before signing everyone in still cleans up after the others).
async fn households(site: &Site, member: &Member) -> Result<Vec<HouseholdSummary>, Problem> {
    let answer = site.call(member, &ListHouseholds {}).await?;
    if answer.error() == Some(AppError::SignedOut) {
        return Ok(Vec::new());
    }
    answer
        .expect_success("list_households")?
        .output_of::<ListHouseholds>()
}

/// Signs every member out (their sessions are deleted on the server).
pub async fn sign_out_all(site: &Site, members: &[Member]) -> Result<(), Problem> {
    for member in members {
        site.call(member, &SignOut {})
            .await?
            .expect_success("sign_out")?;
    }
    Ok(())
}

fn hmac_hex(secret: &SecretString, label: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(label.as_bytes());
    crate::digest::hex(&mac.finalize().into_bytes())
}

fn random_hex(bytes: usize) -> Result<String, Problem> {
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|error| format!("no randomness from the operating system: {error}"))?;
    Ok(crate::digest::hex(&buffer))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn site() -> Site {
        Site::new(
            &url::Url::parse("http://127.0.0.1:1").unwrap(),
            Duration::from_secs(1),
        )
    }

    #[test]
    fn reused_accounts_are_the_same_for_the_same_secret_and_only_for_it() {
        let secret = SecretString::from("s3cret-s3cret");
        let first = members(&site(), Some(&secret)).unwrap();
        let again = members(&site(), Some(&secret)).unwrap();
        let other = members(&site(), Some(&SecretString::from("another"))).unwrap();
        assert_eq!(first.len(), MEMBERS);
        for ((a, b), c) in first.iter().zip(&again).zip(&other) {
            assert_eq!(a.email.expose_secret(), b.email.expose_secret());
            assert_eq!(a.password.expose_secret(), b.password.expose_secret());
            assert_ne!(a.email.expose_secret(), c.email.expose_secret());
            assert_ne!(a.password.expose_secret(), c.password.expose_secret());
            assert!(a.email.expose_secret().ends_with("@probe.mealvote.invalid"));
            assert!(!a.password.expose_secret().contains("s3cret"));
        }
        assert_eq!(first[0].name, "mealvote probe 1");
        assert_eq!(first[3].name, "mealvote probe 4");
        let passwords: std::collections::BTreeSet<_> =
            first.iter().map(|m| m.password.expose_secret()).collect();
        assert_eq!(
            passwords.len(),
            MEMBERS,
            "each account has its own password"
        );
    }

    #[test]
    fn fresh_accounts_differ_on_every_run() {
        let one = members(&site(), None).unwrap();
        let two = members(&site(), None).unwrap();
        assert_ne!(one[0].email.expose_secret(), two[0].email.expose_secret());
        assert_ne!(
            one[0].password.expose_secret(),
            two[0].password.expose_secret()
        );
        assert!(
            one[0].password.expose_secret().len() >= 10,
            "the documented minimum"
        );
    }
}
