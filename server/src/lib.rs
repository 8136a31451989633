//! doui-receipts: a self-hosted proof-of-consent log.
//!
//! The banner sends a receipt on every choice; this server checks it against the
//! site config it was made under (the same reader and UI code as the banner), stores
//! it in SQLite or PostgreSQL in a hash chain per day and shard, and answers a
//! visitor's history, an admin export and an admin page. See docs/receipts.md.

#![warn(missing_docs)]

pub mod address;
pub mod admin;
pub mod chain;
pub mod day;
pub mod http;
pub mod receipt;
pub mod site;
pub mod store;
