//! `H`, the keyed hash of the tie-break (docs/tally.md "Tie-break", step 2): SipHash-2-4 keyed with the
//! seed, over a one-byte tag and the item's bytes. Specified in `docs/tally.md` ("The hash H").

use super::{Seed, siphash::siphash24};

const BALLOT_TAG: u8 = 0x01;
const CANDIDATE_TAG: u8 = 0x02;

/// `H(seed, ballot_key, copy_index)` for copies `0..count`, as `(hash, copy_index)`: SipHash-2-4
/// of `0x01 ‖ UTF-8(ballot_key) ‖ copy_index as u64 LE`.
pub(crate) fn ballot_copies(
    seed: &Seed,
    ballot_key: &str,
    count: u64,
) -> impl Iterator<Item = (u64, u64)> {
    let key = seed.sip_key();
    let mut message = Vec::with_capacity(1 + ballot_key.len() + 8);
    message.push(BALLOT_TAG);
    message.extend_from_slice(ballot_key.as_bytes());
    let prefix = message.len();
    (0..count).map(move |copy| {
        message.truncate(prefix);
        message.extend_from_slice(&copy.to_le_bytes());
        (siphash24(key, &message), copy)
    })
}

/// `H(seed, candidate_id)`: SipHash-2-4 of `0x02 ‖ UTF-8(candidate_id)`.
pub(crate) fn candidate(seed: &Seed, candidate_id: &str) -> u64 {
    let mut message = Vec::with_capacity(1 + candidate_id.len());
    message.push(CANDIDATE_TAG);
    message.extend_from_slice(candidate_id.as_bytes());
    siphash24(seed.sip_key(), &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference key 00 01 … 0f from the SipHash paper's appendix.
    const REFERENCE_KEY: (u64, u64) = (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);

    #[test]
    fn siphash_matches_the_papers_test_vector() {
        let message: Vec<u8> = (0..15).collect();
        assert_eq!(siphash24(REFERENCE_KEY, &message), 0xa129_ca61_49be_45e5);
    }

    #[test]
    fn siphash_matches_the_reference_outputs_for_empty_and_whole_word_messages() {
        assert_eq!(siphash24(REFERENCE_KEY, &[]), 0x726f_db47_dd0e_0e31);
        let eight: Vec<u8> = (0..8).collect();
        assert_eq!(siphash24(REFERENCE_KEY, &eight), 0x93f5_f579_9a93_2462);
    }

    /// The examples in docs/tally.md ("The hash H"), computed independently of this code.
    #[test]
    fn h_matches_the_documented_examples() {
        let seed = Seed::from_bytes(core::array::from_fn(|i| i as u8));
        let ann: Vec<(u64, u64)> = ballot_copies(&seed, "ann", 2).collect();
        assert_eq!(
            ann,
            [(0x54be_c367_9939_37f0, 0), (0x37f6_dd35_73b7_d946, 1)]
        );
        let anonymous = ballot_copies(&seed, r#"[["A"],["B"]]"#, 1).next();
        assert_eq!(anonymous, Some((0xa746_6a67_15aa_b02f, 0)));
        assert_eq!(candidate(&seed, "A"), 0xbd56_abbd_9c2e_621d);
    }
}
