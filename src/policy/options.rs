//! The Markdown extensions policies are written with. A file of its own so that
//! the benchmark's bare pulldown-cmark module (bench/pulldown-cmark) compiles the
//! same one.

use pulldown_cmark::Options;

/// GitHub tables, footnotes, strikethrough and task lists, and `{#id}` after a
/// heading. Smart punctuation stays off: legal texts are quoted as written.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}
