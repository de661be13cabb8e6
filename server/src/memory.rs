//! How the process asks glibc's allocator to give memory back.
//!
//! glibc serves a large allocation with its own `mmap` and unmaps it on free, but only above a
//! threshold that it raises, by default, to the size of every such block freed (up to 32 MiB). After
//! the first password hash frees its 19 MiB buffer, every later buffer comes from a thread's heap
//! arena instead, and a freed arena chunk mostly stays in the process: measured, 16 concurrent
//! sign-ins left 250 MB resident on a server that idles at 18 MB. Fixing the threshold at 1 MiB
//! turns the adjustment off, so hashing buffers (and any other large block) go back to the system
//! when freed. Measured with `scripts/bench`; see docs/performance.md.
//!
//! On other C libraries (musl's allocator already unmaps large blocks) this does nothing.

/// Blocks at least this large are mapped and unmapped on their own.
pub const MMAP_THRESHOLD_BYTES: usize = 1 << 20;

/// Applies the tuning; call once at start-up, before the runtime's threads exist.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let threshold = libc::c_int::try_from(MMAP_THRESHOLD_BYTES).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes allocator settings; it is called before other threads run.
        let applied = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, threshold) };
        if applied != 1 {
            eprintln!("warning: glibc refused M_MMAP_THRESHOLD={threshold}");
        }
    }
}
