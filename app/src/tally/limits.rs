//! How large a tally may be: the bounds that keep its counts and strengths in their integers,
//! and the row width its pairwise count works in.

/// At most this many candidates, so that a rank fits in a `u8` (the pairwise count's lanes).
pub const MAX_CANDIDATES: usize = 256;

/// At most this total ballot count `V`, so that a `winning_lex` strength
/// `d[a][b]·(V+1) + (V − d[b][a])` fits in a `u64` (docs/tally.md "Link strength (variants)").
pub const MAX_TOTAL_COUNT: u64 = u32::MAX as u64;

/// Ranks per SIMD register on the widest common target (32 bytes on AVX2; two SSE2 or wasm
/// `simd128` registers): row widths are a multiple of this.
pub(crate) const ROW_LANES: usize = 32;
