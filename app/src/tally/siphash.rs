//! SipHash-2-4, the hash under `H` (`hash.rs`) and the seed's derivation (`seed.rs`).
//!
//! SipHash is small, fully specified (Aumasson & Bernstein, 2012: <https://www.aumasson.jp/siphash/siphash.pdf>)
//! and uses only 64-bit integer arithmetic, so it gives the same bits on every platform.

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
