//! The wasm modules' exports. `banner` passes strings to its page side
//! (`banner.js`, `gate.js`); `policy` renders into the DOM through web-sys. Each
//! is compiled into the build whose feature it belongs to.

// The banner module's own exports over `banner`; the build with `policy` (the
// browser tests) calls `banner` from Rust.
#[cfg(all(feature = "banner", not(feature = "policy")))]
pub mod abi;
#[cfg(feature = "banner")]
pub mod banner;
#[cfg(feature = "policy")]
pub mod policy;

// The banner module is built without std (see lib.rs). It then needs its own
// allocator and panic handler; a panic traps, which stops doui and with it
// everything non-essential: consent fails closed.
#[cfg(all(feature = "banner", not(feature = "policy"), not(test)))]
#[global_allocator]
// SAFETY: the banner module runs on the page's one thread (no wasm threads).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(all(feature = "banner", not(feature = "policy"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
