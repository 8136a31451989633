//! The policy module's export: render Markdown to HTML in the page.
