//! The native half of the wasm parity check: prints one `parity` line per profile.
//! Run by `scripts/test-wasm-parity`, which compares these lines with the wasm test's.

mod profiles;

fn main() {
    for index in 0..profiles::PROFILES {
        println!("{}", profiles::parity_line(index));
    }
}
