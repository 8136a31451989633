//! Everything that touches the browser, through web-sys. Each module is compiled
//! into the build whose feature it belongs to.

#[cfg(feature = "policy")]
pub mod policy;
