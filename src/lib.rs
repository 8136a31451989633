//! doui (同意, "consent"): a cookie-consent banner and privacy-policy renderer.
//!
//! One site config drives the banner a visitor answers, the enforcement of that
//! answer, and the tables in the rendered privacy policy. The pure modules here
//! know nothing of the browser and are tested natively; `web` is the thin layer
//! over the DOM, compiled only for WebAssembly.

#![warn(missing_docs)]

pub mod config;
pub mod i18n;
pub mod json;
#[cfg(feature = "policy")]
pub mod policy;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod web;
