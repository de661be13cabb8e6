//! The tie-break seed (docs/tally.md "Tie-break", step 1): 128 bits, written as 32 hex digits.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::{Election, siphash::siphash24};

/// 16 bytes, the SipHash key of `H`. Text form: 32 hex digits, byte 0 first (lowercase when
/// formatted; either case when parsed).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Seed([u8; 16]);

impl Seed {
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub const fn to_bytes(self) -> [u8; 16] {
        self.0
    }

    /// SipHash's `(k0, k1)`: bytes 0–7 and 8–15, each read little-endian.
    pub(crate) fn sip_key(&self) -> (u64, u64) {
        let [low, high] = [&self.0[..8], &self.0[8..]].map(|half| {
            let mut word = [0; 8];
            word.copy_from_slice(half);
            u64::from_le_bytes(word)
        });
        (low, high)
    }
}

/// Why a seed's text is not 32 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    #[error("a seed must be 32 hex digits, not {0}")]
    Length(usize),
    #[error("a seed must be hex digits only, not {0:?}")]
    NotHex(char),
}

impl FromStr for Seed {
    type Err = SeedError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8).ok_or(SeedError::NotHex(c)))
            .collect::<Result<Vec<u8>, _>>()?;
        if digits.len() != 32 {
            return Err(SeedError::Length(digits.len()));
        }
        let mut bytes = [0; 16];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = pair[0] << 4 | pair[1];
        }
        Ok(Self(bytes))
    }
}

impl TryFrom<String> for Seed {
    type Error = SeedError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Seed> for String {
    fn from(seed: Seed) -> Self {
        seed.to_string()
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({self})")
    }
}

/// Derives the seed of a meal slot from what is fixed when it closes (docs/tally.md "Tie-break", step 1):
/// the slot id, the close time, and the ballots, so nobody can pick it after seeing the outcome.
///
/// Seed bytes 0–7 are SipHash-2-4 under the all-zero key of `0x03 ‖ M` and bytes 8–15 of
/// `0x04 ‖ M` (each little-endian), where `M` is `docs/tally.md`'s seed message: the slot id, the
/// close time and every counted ballot's id and ranks, in an order that ignores input order.
pub fn derive_seed(slot_id: &str, closed_at_ms: i64, election: &Election) -> Seed {
    seed_of([0x03, 0x04], &seed_message(slot_id, closed_at_ms, election))
}

/// [`derive_seed`] with a secret salt committed into it (docs/tally.md "The seed"): bytes 0–7 are
/// SipHash-2-4 under the all-zero key of `0x05 ‖ field(salt) ‖ M` and bytes 8–15 of
/// `0x06 ‖ field(salt) ‖ M`. Without the salt, everything in `M` is visible to the voters before a
/// slot closes, so the last of them could compute the lot for each ballot they might save and
/// save the one it favours; the salt is kept from them until the result is out, then published
/// with it, so anyone can still re-derive the seed. Other tags than the unsalted seed's, so no
/// salted message reads as an unsalted one.
pub fn derive_salted_seed(
    slot_id: &str,
    closed_at_ms: i64,
    election: &Election,
    salt: &str,
) -> Seed {
    let mut message = field(salt);
    message.extend(seed_message(slot_id, closed_at_ms, election));
    seed_of([0x05, 0x06], &message)
}

/// Bytes 0–7: SipHash-2-4 under the all-zero key of `tags[0] ‖ message`; bytes 8–15: of
/// `tags[1] ‖ message`; each little-endian.
fn seed_of(tags: [u8; 2], message: &[u8]) -> Seed {
    let half = |tag: u8| {
        let tagged: Vec<u8> = [tag].into_iter().chain(message.iter().copied()).collect();
        siphash24((0, 0), &tagged).to_le_bytes()
    };
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&half(tags[0]));
    bytes[8..].copy_from_slice(&half(tags[1]));
    Seed(bytes)
}

/// `M`: `field(slot_id) ‖ closed_at_ms as i64 LE ‖ field(candidate)… ‖ record…`, with
/// `field(s) = len(s) as u64 LE ‖ UTF-8(s)`, candidates sorted by id, and one record per ballot
/// with a non-zero count, `field(id) ‖ count as u64 LE ‖ ranks` (one rank byte per candidate in
/// sorted order, 0 = best; a ballot without id uses its canonical ranking as id), records sorted
/// bytewise.
fn seed_message(slot_id: &str, closed_at_ms: i64, election: &Election) -> Vec<u8> {
    let mut message = field(slot_id);
    message.extend_from_slice(&closed_at_ms.to_le_bytes());
    for candidate in election.candidates() {
        message.extend(field(candidate.as_str()));
    }
    let mut records: Vec<Vec<u8>> = election
        .rows()
        .map(|ballot| {
            let id = match ballot.id {
                Some(id) => id.to_string(),
                None => election.canonical_ranking(ballot.ranks),
            };
            let mut record = field(&id);
            record.extend_from_slice(&ballot.count.to_le_bytes());
            record.extend_from_slice(ballot.ranks);
            record
        })
        .collect();
    records.sort();
    message.extend(records.concat());
    message
}

fn field(text: &str) -> Vec<u8> {
    let mut bytes = (text.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_reads_back_what_it_writes() {
        let text = "00112233445566778899aabbccddeeff";
        let seed: Seed = text.parse().unwrap();
        assert_eq!(seed.to_bytes()[0], 0x00);
        assert_eq!(seed.to_bytes()[15], 0xff);
        assert_eq!(seed.to_string(), text);
        assert_eq!("00112233445566778899AABBCCDDEEFF".parse(), Ok(seed));
    }

    #[test]
    fn a_seed_of_the_wrong_length_or_with_other_characters_is_rejected() {
        assert_eq!("abc".parse::<Seed>(), Err(SeedError::Length(3)));
        assert_eq!(
            "0011223344556677889900aabbccddeeff".parse::<Seed>(),
            Err(SeedError::Length(34))
        );
        assert_eq!(
            "0011223344556677889g aabbccddeeff".parse::<Seed>(),
            Err(SeedError::NotHex('g'))
        );
    }

    #[test]
    fn the_sip_key_is_the_two_little_endian_halves() {
        let seed = Seed::from_bytes(core::array::from_fn(|i| i as u8));
        assert_eq!(
            seed.sip_key(),
            (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908)
        );
    }

    fn election(ballots: &[(&str, &[&str])]) -> Election {
        let id = |c: &str| crate::tally::CandidateId::new(c).unwrap();
        let ballots: Vec<crate::tally::Ballot> = ballots
            .iter()
            .map(|(voter, order)| crate::tally::Ballot {
                id: crate::tally::BallotId::new(*voter),
                ranking: order.iter().map(|c| vec![id(c)]).collect(),
                count: 1,
            })
            .collect();
        Election::new(vec![id("A"), id("B"), id("C")], &ballots).unwrap()
    }

    #[test]
    fn a_derived_seed_ignores_input_order_but_no_input() {
        let ballots: [(&str, &[&str]); 2] = [("ann", &["A", "B"]), ("bob", &["C"])];
        let seed = derive_seed("slot-1", 1_700_000_000_000, &election(&ballots));
        // docs/tally.md's example, computed independently of this code.
        assert_eq!(seed.to_string(), "6c3d999d7e39c0664a381c970ce9595e");
        let reversed = [ballots[1], ballots[0]];
        assert_eq!(
            derive_seed("slot-1", 1_700_000_000_000, &election(&reversed)),
            seed
        );

        assert_ne!(
            derive_seed("slot-2", 1_700_000_000_000, &election(&ballots)),
            seed
        );
        assert_ne!(
            derive_seed("slot-1", 1_700_000_000_001, &election(&ballots)),
            seed
        );
        let changed: [(&str, &[&str]); 2] = [("ann", &["B", "A"]), ("bob", &["C"])];
        assert_ne!(
            derive_seed("slot-1", 1_700_000_000_000, &election(&changed)),
            seed
        );
    }

    #[test]
    fn a_salted_seed_is_the_documented_example_and_depends_on_the_salt() {
        let ballots: [(&str, &[&str]); 2] = [("ann", &["A", "B"]), ("bob", &["C"])];
        let at = 1_700_000_000_000;
        let salt = "00112233445566778899aabbccddeeff";
        let seed = derive_salted_seed("slot-1", at, &election(&ballots), salt);
        // docs/tally.md's example, computed independently of this code.
        assert_eq!(seed.to_string(), "be986c02427ef9215c71414a76d86dc7");
        assert_ne!(seed, derive_seed("slot-1", at, &election(&ballots)));
        let other_salt = "00112233445566778899aabbccddeefe";
        assert_ne!(
            derive_salted_seed("slot-1", at, &election(&ballots), other_salt),
            seed
        );
        let changed: [(&str, &[&str]); 2] = [("ann", &["B", "A"]), ("bob", &["C"])];
        assert_ne!(
            derive_salted_seed("slot-1", at, &election(&changed), salt),
            seed
        );
    }
}
