//! glibc gives a freed password-hashing buffer back to the system (server/src/memory.rs).
//! Its own test binary: one test, so no other test allocates while resident memory is read.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

/// This process's resident set in KiB, from `/proc/self/status`.
fn resident_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_freed_hashing_sized_buffer_leaves_the_process() {
    server::memory::return_large_blocks_to_the_system();
    const SIZE: usize = 19 << 20;
    // Free one first, as a server that already hashed once has: without the tuning, that raises
    // glibc's threshold and the next buffer stays in a heap arena after it is freed.
    drop(std::hint::black_box(vec![1u8; SIZE]));
    let before = resident_kib();
    // On another thread, as hashing runs on the blocking pool.
    let during = std::thread::spawn(|| {
        let buffer = std::hint::black_box(vec![1u8; SIZE]);
        let during = resident_kib();
        drop(buffer);
        during
    })
    .join()
    .unwrap();
    let after = resident_kib();
    assert!(
        during >= before + SIZE / 1024 / 2,
        "the buffer was resident while used"
    );
    assert!(
        after < before + SIZE / 1024 / 4,
        "resident grew by {} KiB after freeing a 19 MiB buffer",
        after.saturating_sub(before)
    );
}
