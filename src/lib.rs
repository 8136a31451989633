//! doui (同意, "consent"): a cookie-consent banner and privacy-policy renderer.
//!
//! One site config drives the banner a visitor answers, the enforcement of that
//! answer, and the tables in the rendered privacy policy. The pure modules here
//! know nothing of the browser and are tested natively; `web` is the thin layer
//! over the DOM, compiled only for WebAssembly.

#![warn(missing_docs)]
// The banner module is built without std: a trivial panic handler and no
// formatting machinery keep it a third of the size (see docs/sizes.md).
#![cfg_attr(all(target_arch = "wasm32", not(feature = "policy")), no_std)]

extern crate alloc;

#[cfg(feature = "policy")]
pub mod cli;
pub mod config;
pub mod consent;
pub mod contract;
pub mod gate;
pub mod i18n;
pub mod json;
#[cfg(feature = "policy")]
pub mod policy;
pub mod text;
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod web;
