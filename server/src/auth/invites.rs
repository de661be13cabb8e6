//! Invite tokens: 32 random bytes in the link, only their SHA-256 in the database.

use app::households::InviteToken;

use crate::digest::sha256_hex;

/// A new token from the operating system's random source.
pub fn new_token() -> Result<InviteToken, getrandom::Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(InviteToken::from_random_bytes(&bytes))
}

/// What the database keeps and looks invites up by.
pub fn token_hash(token: &InviteToken) -> String {
    sha256_hex(token.expose().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_link_safe_and_stored_only_as_a_hash() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(InviteToken::try_from(a.expose().to_owned()).is_ok());
        let hash = token_hash(&a);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(a.expose()));
    }
}
