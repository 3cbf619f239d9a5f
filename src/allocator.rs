//! The memory allocator of the binaries: mimalloc, configured to commit memory as it is used.
//!
//! Parsing YAML allocates many small values; mimalloc serves them markedly faster than the
//! system allocator (BENCHMARKS.md, "Validate"). By default it commits its arenas eagerly,
//! which shows as about 12 MiB more resident memory; the option is switched off before the
//! first allocation. Each binary (the command and the benchmark baselines, so that they are
//! measured alike) installs it with [`use_allocator!`](crate::use_allocator).

#[doc(hidden)]
pub use libmimalloc_sys;
#[doc(hidden)]
pub use mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` in mimalloc's `mi_option_e` (mimalloc.h).
#[doc(hidden)]
pub const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Installs mimalloc as the global allocator, with arenas committed lazily.
#[macro_export]
macro_rules! use_allocator {
    () => {
        #[global_allocator]
        static ALLOCATOR: $crate::allocator::MiMalloc = $crate::allocator::MiMalloc;

        /// Runs before `main` (an ELF constructor), before any allocation.
        #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
        #[used]
        #[unsafe(link_section = ".init_array")]
        static CONFIGURE_ALLOCATOR: extern "C" fn() = {
            extern "C" fn configure() {
                // SAFETY: sets an option of the allocator; runs before main, before any
                // allocation or thread.
                unsafe {
                    $crate::allocator::libmimalloc_sys::mi_option_set(
                        $crate::allocator::ARENA_EAGER_COMMIT,
                        0,
                    );
                }
            }
            configure
        };
    };
}
