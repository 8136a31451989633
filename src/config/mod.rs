//! The site description: consent categories, their services, each service's
//! cookies and external transmissions, and the texts. Pure: no browser, no I/O.
//!
//! One config drives the banner, the enforcement and the policy tables, so every
//! rule about what a valid config is lives here:
//!
//! - `model`: the types, the same in every build;
//! - `rules`: the value rules and the whole-model rule (ids used once);
//! - `errors`: what is wrong and where ([`ConfigError`]: line and field path,
//!   e.g. `line 12: categories[1].services[0].cookies[2].lifetime: …`);
//! - `de`: the reader everything but the banner uses, on serde and serde_json;
//! - `reader`: the banner module's small reader over `crate::json`, which keeps
//!   about 5.6 KB gzip of serde off the critical path (docs/sizes.md) and is
//!   held to the serde reader's verdicts by `tests/config_readers.rs`;
//! - `warnings`: advice about a valid config.

mod errors;
mod model;
pub mod reader;
mod rules;
mod warnings;

#[cfg(feature = "policy")]
pub mod de;
#[cfg(all(feature = "policy", not(target_arch = "wasm32")))]
pub mod schema;

pub use errors::{ConfigError, Problem, SyntaxError};
pub use model::*;
pub use rules::{
    is_blank, is_cookie_name, is_cookie_path, is_domain, is_id, is_policy_version, is_receipts_url,
    is_url,
};

impl Config {
    /// Reads and validates a config from JSON text: with serde where the build
    /// has it, with the small reader in the banner module. Both give the same
    /// config, or refuse at the same line.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        #[cfg(feature = "policy")]
        return de::read(text);
        #[cfg(not(feature = "policy"))]
        return reader::read(text);
    }
}

#[cfg(test)]
mod tests;
