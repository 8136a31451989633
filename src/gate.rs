//! What the page may run, load and keep: the rules behind gated markup
//! (`data-consent`), cookie deletion for refused services, Google Consent Mode
//! and Global Privacy Control. Pure, so that every rule is tested natively;
//! the web layer applies the answers to the document.

use alloc::string::String;
use alloc::vec::Vec;

use crate::config::{Config, Party, CONSENT_TYPES};
use crate::consent::Choices;
use crate::text::{rsplit_once_ascii, split_ascii, split_once_ascii};

/// Whether content marked `data-consent="<marking>"` may run now.
///
/// A marking is one or more ids (categories or services) separated by spaces or
/// commas; all must be allowed. `!id` holds while `id` is not allowed, for
/// fallbacks. `choices` is `None` before the visitor decided. An empty marking
/// or an id the config does not know never allows anything: consent fails closed.
pub fn allows(config: &Config, choices: Option<&Choices>, marking: &str) -> bool {
    let mut any = false;
    for term in terms(marking) {
        any = true;
        let (negated, id) = match term.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, term),
        };
        let Some(state) = state_of(config, choices, id) else {
            return false;
        };
        if state == negated {
            return false;
        }
    }
    any
}

/// Whether `id` is allowed now; `None` for an id the config does not have.
fn state_of(config: &Config, choices: Option<&Choices>, id: &str) -> Option<bool> {
    let chosen = choices.and_then(|c| c.get(id)).unwrap_or(false);
    if let Some(c) = config.category(id) {
        return Some(c.required || chosen);
    }
    let (c, s) = config.find_service(id)?;
    // In advanced Consent Mode, Google's tags load at once and obey the denied
    // defaults themselves.
    Some(c.required || chosen || (s.google_tag && config.consent_mode.advanced))
}

/// The ids of a marking (`!id` included), split on spaces and commas.
fn terms(marking: &str) -> impl Iterator<Item = &str> {
    split_ascii(marking, b" ,\t\n").filter(|t| !t.is_empty())
}

/// The first id of a marking that names something to consent to (not `!id`).
pub fn subject(marking: &str) -> Option<&str> {
    terms(marking).find(|t| !t.starts_with('!'))
}

/// `gtag('consent', 'update', …)` arguments as JSON: a type is granted when a
/// category that maps to it is allowed.
pub fn consent_mode_update(config: &Config, choices: &Choices) -> String {
    let mut granted = 0u8;
    for c in &config.categories {
        if c.required || choices.get(&c.id) == Some(true) {
            granted |= c.consent_types();
        }
    }
    let mut out = String::from("{");
    for (i, name) in CONSENT_TYPES.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str(if granted & (1 << i) != 0 {
            "\":\"granted\""
        } else {
            "\":\"denied\""
        });
    }
    out.push('}');
    out
}

/// Whether `name` matches a declared cookie name, where `*` stands for any run
/// of characters (`_ga_*` matches `_ga_X1Y2`).
pub fn name_matches(pattern: &str, name: &str) -> bool {
    glob(pattern.as_bytes(), name.as_bytes())
}

fn glob(p: &[u8], n: &[u8]) -> bool {
    match p.split_first() {
        None => n.is_empty(),
        Some((b'*', rest)) => (0..=n.len()).any(|i| glob(rest, n.get(i..).unwrap_or_default())),
        Some((c, rest)) => n
            .split_first()
            .is_some_and(|(d, n_rest)| c == d && glob(rest, n_rest)),
    }
}

/// The `Domain` values a cookie visible on `host` may have been set with: none
/// (host-only), the host itself and each parent domain with at least two labels.
/// An IP address has only the host-only form.
fn domains(host: &str) -> Vec<Option<&str>> {
    let mut out = alloc::vec![None];
    let is_ip =
        host.bytes().any(|b| b == b':') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if is_ip || host.is_empty() {
        return out;
    }
    let mut rest = host;
    while let Some((_, parent)) = split_once_ascii(rest, b'.') {
        out.push(Some(rest));
        rest = parent;
    }
    out
}

/// Paths a cookie visible on `page_path` may have been set with: `/`, each
/// directory above the page (a cookie's default path), and `declared`.
fn paths<'a>(page_path: &'a str, declared: Option<&'a str>) -> Vec<&'a str> {
    let mut out = alloc::vec!["/"];
    let mut dir = page_path;
    while let Some((parent, _)) = rsplit_once_ascii(dir, b'/') {
        if !parent.is_empty() && !out.contains(&parent) {
            out.push(parent);
        }
        dir = parent;
    }
    if let Some(p) = declared {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// `document.cookie` assignments, one per line, that delete the cookies declared
/// by refused services: every visible cookie whose name matches a declaration, and every
/// exact name declared with its own path (invisible from other paths), on the
/// host and its parent domains. Necessary services, third-party cookies (not
/// reachable from the page) and the consent cookie itself are left alone.
pub fn cookie_deletions(
    config: &Config,
    choices: &Choices,
    document_cookie: &str,
    host: &str,
    page_path: &str,
) -> String {
    // One string of lines, written in place: a vector of lines, and vectors of
    // the names to delete, cost the banner module more code than the logic.
    let mut out = String::new();
    let domains = domains(host);
    for c in config.categories.iter().filter(|c| !c.required) {
        for s in &c.services {
            if choices.get(&s.id) == Some(true) {
                continue;
            }
            for decl in s.cookies.iter().filter(|d| d.party == Party::First) {
                let paths = paths(page_path, decl.path.as_deref());
                let mut exact_seen = false;
                for name in visible_names(document_cookie) {
                    if name_matches(&decl.name, name) {
                        exact_seen |= name == decl.name;
                        push_deletions(&mut out, config, name, &domains, &paths);
                    }
                }
                // A cookie set on another path is invisible here but still ours to delete.
                if decl.path.is_some() && !decl.name.bytes().any(|b| b == b'*') && !exact_seen {
                    push_deletions(&mut out, config, &decl.name, &domains, &paths);
                }
            }
        }
    }
    out
}

/// The names in a `document.cookie` string, in order (a name can appear twice).
fn visible_names(document_cookie: &str) -> impl Iterator<Item = &str> {
    split_ascii(document_cookie, b";")
        .filter_map(|kv| split_ascii(kv, b"=").next())
        .map(str::trim_ascii)
        .filter(|n| !n.is_empty())
}

/// One `document.cookie` assignment per domain and path that deletes `name`;
/// none for the consent cookie itself.
fn push_deletions(
    out: &mut String,
    config: &Config,
    name: &str,
    domains: &[Option<&str>],
    paths: &[&str],
) {
    if name == config.cookie.name {
        return;
    }
    for domain in domains {
        for path in paths {
            out.push_str(name);
            out.push_str("=; Max-Age=0; Path=");
            out.push_str(path);
            if let Some(d) = domain {
                out.push_str("; Domain=");
                out.push_str(d);
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gate's own fixture, so that editing the demo site's config cannot
    /// change what these tests check.
    const CONFIG: &str = r#"{ "revision": 1,
  "consentMode": { "mode": "basic" },
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d",
      "services": [
        { "id": "consent", "name": "C", "provider": "P", "purpose": "p",
          "cookies": [{ "name": "doui_consent", "lifetime": "182d" }] },
        { "id": "login", "name": "L", "provider": "P", "purpose": "p",
          "cookies": [{ "name": "wordpress_logged_in_*", "lifetime": "2d" }] } ] },
    { "id": "preferences", "title": "P", "description": "d",
      "services": [{ "id": "comments", "name": "C", "provider": "P", "purpose": "p",
        "cookies": [{ "name": "comment_author_*", "lifetime": "1y" }] }] },
    { "id": "analytics", "title": "A", "description": "d",
      "services": [{ "id": "google-analytics", "name": "GA", "provider": "G", "purpose": "p",
        "googleTag": true,
        "cookies": [{ "name": "_ga", "lifetime": "13mo" }, { "name": "_ga_*", "lifetime": "13mo" }] }] },
    { "id": "advertising", "title": "Ad", "description": "d",
      "services": [{ "id": "ad-beacon", "name": "B", "provider": "X", "purpose": "p",
        "cookies": [{ "name": "exads_uid", "lifetime": "13mo", "party": "third" }] }] }
  ] }"#;

    fn config() -> Config {
        Config::from_json(CONFIG).unwrap()
    }

    fn with(id: &str, on: bool) -> Choices {
        let c = config();
        let mut ch = Choices::all(&c, false);
        assert!(ch.set(&c, id, on));
        ch
    }

    #[test]
    fn markings_fail_closed() {
        let c = config();
        assert!(!allows(&c, None, "analytics"));
        assert!(allows(&c, None, "necessary"));
        assert!(allows(&c, None, "login"));
        assert!(
            allows(&c, None, "!analytics"),
            "a fallback runs before a choice"
        );
        assert!(!allows(&c, None, ""));
        assert!(!allows(&c, None, "  "));
        assert!(!allows(&c, None, "!nonsense"), "unknown ids never allow");
        let ch = with("analytics", true);
        assert!(allows(&c, Some(&ch), "analytics"));
        assert!(allows(&c, Some(&ch), "google-analytics"));
        assert!(!allows(&c, Some(&ch), "!analytics"));
        assert!(!allows(&c, Some(&ch), "analytics advertising"));
        assert!(allows(&c, Some(&ch), "analytics,!advertising"));
        assert!(!allows(&c, Some(&ch), "analytics typo"));
    }

    #[test]
    fn advanced_mode_releases_google_tags_only() {
        let text = CONFIG.replacen("\"mode\": \"basic\"", "\"mode\": \"advanced\"", 1);
        let c = Config::from_json(&text).unwrap();
        assert!(c.consent_mode.advanced);
        assert!(allows(&c, None, "google-analytics"));
        assert!(!allows(&c, None, "analytics"));
        assert!(!allows(&c, None, "ad-beacon"));
        assert!(!allows(&config(), None, "google-analytics"));
    }

    #[test]
    fn subject_is_the_first_positive_id() {
        assert_eq!(subject(" !x, youtube embeds"), Some("youtube"));
        assert_eq!(subject("!x"), None);
    }

    #[test]
    fn consent_mode_maps_categories() {
        let c = config();
        let none = consent_mode_update(&c, &Choices::all(&c, false));
        assert_eq!(
            none,
            "{\"ad_storage\":\"denied\",\"ad_user_data\":\"denied\",\"ad_personalization\":\"denied\",\"analytics_storage\":\"denied\",\"functionality_storage\":\"denied\",\"personalization_storage\":\"denied\",\"security_storage\":\"granted\"}"
        );
        let a = consent_mode_update(&c, &with("analytics", true));
        assert!(a.contains("\"analytics_storage\":\"granted\""));
        assert!(a.contains("\"ad_storage\":\"denied\""));
        let all = consent_mode_update(&c, &Choices::all(&c, true));
        assert!(!all.contains("denied"));
    }

    #[test]
    fn patterns() {
        assert!(name_matches("_ga", "_ga"));
        assert!(!name_matches("_ga", "_gat"));
        assert!(name_matches("_ga_*", "_ga_ABC123"));
        assert!(!name_matches("_ga_*", "_ga"));
        assert!(name_matches("wp-settings-*", "wp-settings-1"));
        assert!(name_matches("a*b", "axxb"));
        assert!(name_matches("a*b", "ab"));
        assert!(!name_matches("a*b", "abx"));
        assert!(name_matches("a*b*c", "a1b2b3c"));
        assert!(!name_matches("ab*ba", "aba"));
        assert!(name_matches("*", "anything"));
    }

    #[test]
    fn domains_and_paths() {
        assert_eq!(
            domains("www.blog.example.jp"),
            [
                None,
                Some("www.blog.example.jp"),
                Some("blog.example.jp"),
                Some("example.jp")
            ]
        );
        assert_eq!(domains("127.0.0.1"), [None]);
        assert_eq!(domains("[::1]"), [None]);
        assert_eq!(domains("localhost"), [None]);
        assert_eq!(paths("/", None), ["/"]);
        assert_eq!(
            paths("/en/a/page.html", Some("/x")),
            ["/", "/en/a", "/en", "/x"]
        );
    }

    #[test]
    fn deletes_cookies_of_refused_services_only() {
        let c = config();
        let cookies = "doui_consent=1.x; _ga=GA1.1; _ga_ABC=GS1; comment_author_1=me; wordpress_logged_in_1=x; other=1";
        let ch = with("preferences", true);
        let text = cookie_deletions(&c, &ch, cookies, "www.doui.test", "/");
        let lines: Vec<&str> = text.lines().collect();
        let names: Vec<&str> = lines.iter().map(|l| l.split('=').next().unwrap()).collect();
        assert!(names.contains(&"_ga") && names.contains(&"_ga_ABC"));
        assert!(
            !names.contains(&"comment_author_1"),
            "preferences were accepted"
        );
        assert!(!names.contains(&"wordpress_logged_in_1"), "necessary stays");
        assert!(!names.contains(&"doui_consent") && !names.contains(&"other"));
        assert!(lines.contains(&"_ga=; Max-Age=0; Path=/; Domain=doui.test"));
        assert!(lines.contains(&"_ga=; Max-Age=0; Path=/"));
        let all = cookie_deletions(&c, &Choices::all(&c, true), cookies, "h.test", "/");
        assert!(all.is_empty());
    }

    #[test]
    fn declared_paths_are_deleted_even_when_invisible() {
        let text = CONFIG.replacen(
            "{ \"name\": \"_ga\", \"lifetime\": \"13mo\" }",
            "{ \"name\": \"_ga\", \"lifetime\": \"13mo\", \"path\": \"/blog\" }",
            1,
        );
        let c = Config::from_json(&text).unwrap();
        let lines = cookie_deletions(&c, &Choices::all(&c, false), "", "127.0.0.1", "/");
        assert_eq!(
            lines,
            "_ga=; Max-Age=0; Path=/\n_ga=; Max-Age=0; Path=/blog\n"
        );
    }
}
