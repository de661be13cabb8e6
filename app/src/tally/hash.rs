//! `H`, the keyed hash of the tie-break (docs/tally.md "Tie-break", step 2): SipHash-2-4 keyed with the
//! seed, over a one-byte tag and the item's bytes. Specified in `docs/tally.md` ("The hash H").
//!
//! SipHash is small, fully specified (Aumasson & Bernstein, 2012: <https://www.aumasson.jp/siphash/siphash.pdf>)
//! and uses only 64-bit integer arithmetic, so it gives the same bits on every platform.

use super::Seed;

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

/// SipHash-2-4 with key `(k0, k1)` (the two little-endian halves of the 16 key bytes).
pub(crate) fn siphash24((k0, k1): (u64, u64), message: &[u8]) -> u64 {
    let mut state = State {
        v: [
            k0 ^ 0x736f_6d65_7073_6575,
            k1 ^ 0x646f_7261_6e64_6f6d,
            k0 ^ 0x6c79_6765_6e65_7261,
            k1 ^ 0x7465_6462_7974_6573,
        ],
    };
    let words = message.chunks_exact(8);
    let tail = words.remainder();
    for word in words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        state.compress(u64::from_le_bytes(bytes));
    }
    // Last word: the remaining bytes, little-endian, with the length's low byte on top.
    let mut last = [0; 8];
    last[..tail.len()].copy_from_slice(tail);
    last[7] = message.len() as u8;
    state.compress(u64::from_le_bytes(last));
    state.v[2] ^= 0xff;
    for _ in 0..4 {
        state.round();
    }
    state.v.iter().fold(0, |acc, v| acc ^ v)
}

struct State {
    v: [u64; 4],
}

impl State {
    fn compress(&mut self, word: u64) {
        self.v[3] ^= word;
        self.round();
        self.round();
        self.v[0] ^= word;
    }

    fn round(&mut self) {
        let [v0, v1, v2, v3] = &mut self.v;
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v2 = v2.rotate_left(32);
    }
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
