//! The banner and preferences markup, as HTML strings built from the config.
//! Pure, so that what a visitor is shown is tested natively; the web layer puts
//! it into the page once and reacts to clicks on its `data-doui-action` buttons.
//! Every config text is escaped; no inline styles (a strict CSP stays intact).

use alloc::string::String;

use crate::config::{Config, Lifetime};
use crate::consent::Choices;
use crate::i18n::{list_marks, push_span, Lang, Msg};
use crate::text::{push_escaped, push_uint, split_once_ascii};

/// What the banner needs to know beyond the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// The language shown.
    pub lang: Lang,
    /// False when the browser will not store cookies: the visitor is told that
    /// the choice lasts only for this page view.
    pub cookies_ok: bool,
    /// The browser sent Global Privacy Control and the config honours it: the
    /// categories it denies are shown locked off.
    pub gpc: bool,
}

struct Out<'a> {
    s: String,
    config: &'a Config,
    lang: Lang,
}

impl<'a> Out<'a> {
    fn new(config: &'a Config, lang: Lang) -> Self {
        Out {
            s: String::new(),
            config,
            lang,
        }
    }
    fn raw(&mut self, s: &str) -> &mut Self {
        self.s.push_str(s);
        self
    }
    fn esc(&mut self, s: &str) -> &mut Self {
        push_escaped(&mut self.s, s);
        self
    }
    fn msg(&mut self, m: Msg) -> &mut Self {
        let text = self.config.text(self.lang, m);
        push_escaped(&mut self.s, text);
        self
    }
    fn button(&mut self, action: &str, label: Msg, class: &str) -> &mut Self {
        self.raw("<button type=\"button\" class=\"doui-btn")
            .raw(class)
            .raw("\" data-doui-action=\"")
            .raw(action)
            .raw("\">")
            .msg(label)
            .raw("</button>")
    }
    fn policy_link(&mut self) -> &mut Self {
        if let Some(url) = &self.config.policy_url {
            let lang = self.lang;
            self.raw("<p class=\"doui-links\"><a href=\"")
                .esc(url.get(lang))
                .raw("\">")
                .msg(Msg::PolicyLink)
                .raw("</a></p>");
        }
        self
    }
    fn note(&mut self, m: Msg) -> &mut Self {
        self.raw("<p class=\"doui-note\">").msg(m).raw("</p>")
    }
    /// What the visitor should know about this browser before choosing.
    fn notes(&mut self, view: View) {
        if !view.cookies_ok {
            self.note(Msg::NotStored);
        }
        if view.gpc {
            self.note(Msg::GpcHonoured);
        }
    }
    fn checkbox(&mut self, id: &str, on: bool, disabled: bool, described_by: &str) -> &mut Self {
        self.raw("<input type=\"checkbox\" class=\"doui-check\" id=\"doui-c-")
            .raw(id)
            .raw("\" data-doui-item=\"")
            .raw(id)
            .raw("\" aria-describedby=\"")
            .raw(described_by)
            .raw(id)
            .raw("\"");
        if on {
            self.raw(" checked");
        }
        if disabled {
            self.raw(" disabled");
        }
        self.raw(">")
    }
}

/// The first layer: title, explanation, and three equal choices.
pub fn banner(config: &Config, view: View) -> String {
    let mut o = Out::new(config, view.lang);
    o.raw("<section class=\"doui-banner\" role=\"dialog\" aria-labelledby=\"doui-banner-title\" aria-describedby=\"doui-banner-body\" tabindex=\"-1\">")
        .raw("<h2 id=\"doui-banner-title\" class=\"doui-title\">")
        .msg(Msg::BannerTitle)
        .raw("</h2>");
    // Who is asking: the site, and who runs it.
    if config.site_name.is_some() || config.operator.is_some() {
        o.raw("<p class=\"doui-site\">");
        if let Some(site) = &config.site_name {
            o.esc(site.get(view.lang));
            if config.operator.is_some() {
                o.raw("<br>");
            }
        }
        if let Some(operator) = &config.operator {
            fill(&mut o, Msg::OperatedBy, operator.get(view.lang));
        }
        o.raw("</p>");
    }
    o.raw("<div id=\"doui-banner-body\"><p>");
    purposes(&mut o);
    o.raw("</p>");
    o.notes(view);
    o.raw("</div><div class=\"doui-actions\">")
        .button("accept-all", Msg::AcceptAll, "")
        .button("reject-all", Msg::RejectAll, "")
        .button("customize", Msg::Customize, " doui-btn-alt")
        .raw("</div>")
        .policy_link()
        .raw("</section>");
    o.s
}

/// The preferences dialog, with switches reflecting `choices`.
pub fn preferences(config: &Config, view: View, choices: &Choices) -> String {
    let lang = view.lang;
    let mut o = Out::new(config, lang);
    o.raw("<dialog class=\"doui-prefs\" aria-modal=\"true\" aria-labelledby=\"doui-prefs-title\" aria-describedby=\"doui-prefs-body\">")
        .raw("<h2 id=\"doui-prefs-title\" class=\"doui-title\">")
        .msg(Msg::PrefsTitle)
        .raw("</h2><p id=\"doui-prefs-body\">")
        .msg(Msg::PrefsBody)
        .raw("</p>");
    o.notes(view);
    o.raw("<div class=\"doui-actions\">")
        .button("accept-all", Msg::AcceptAll, "")
        .button("reject-all", Msg::RejectAll, "")
        .raw("</div>");
    for c in &config.categories {
        let locked = c.required || (view.gpc && c.gpc());
        o.raw("<section class=\"doui-cat\"><div class=\"doui-row\">")
            .checkbox(&c.id, choices.get(&c.id) == Some(true), locked, "doui-d-")
            .raw("<label class=\"doui-cat-title\" for=\"doui-c-")
            .raw(&c.id)
            .raw("\">")
            .esc(c.title.get(lang))
            .raw("</label>");
        if locked {
            o.raw("<span class=\"doui-always\">")
                .msg(if c.required {
                    Msg::AlwaysOn
                } else {
                    Msg::GpcOff
                })
                .raw("</span>");
        }
        o.raw("</div><p class=\"doui-desc\" id=\"doui-d-")
            .raw(&c.id)
            .raw("\">")
            .esc(c.description.get(lang))
            .raw("</p>");
        if !c.services.is_empty() {
            o.raw("<details class=\"doui-services\"><summary>")
                .msg(Msg::ServiceDetails)
                .raw("</summary>");
            for s in &c.services {
                o.raw("<div class=\"doui-svc\"><div class=\"doui-row\">")
                    .checkbox(&s.id, choices.get(&s.id) == Some(true), locked, "doui-d-")
                    .raw("<label for=\"doui-c-")
                    .raw(&s.id)
                    .raw("\">")
                    .esc(s.name.get(lang))
                    .raw("</label></div><dl class=\"doui-facts\" id=\"doui-d-")
                    .raw(&s.id)
                    .raw("\"><dt>")
                    .msg(Msg::Provider)
                    .raw("</dt><dd>")
                    .esc(s.provider.get(lang))
                    .raw("</dd><dt>")
                    .msg(Msg::Purpose)
                    .raw("</dt><dd>")
                    .esc(s.purpose.get(lang))
                    .raw("</dd>");
                if let Some(country) = &s.country {
                    o.raw("<dt>")
                        .msg(Msg::Country)
                        .raw("</dt><dd>")
                        .esc(country.get(lang))
                        .raw("</dd>");
                }
                if !s.cookies.is_empty() {
                    o.raw("<dt>").msg(Msg::Cookies).raw("</dt><dd><ul>");
                    for k in &s.cookies {
                        o.raw("<li><code>").esc(&k.name).raw("</code> ");
                        lifetime(&mut o, k.lifetime);
                        o.raw("</li>");
                    }
                    o.raw("</ul></dd>");
                }
                o.raw("</dl>");
                if let Some(url) = &s.privacy_url {
                    o.raw("<p><a href=\"")
                        .esc(url)
                        .raw("\" target=\"_blank\" rel=\"noopener noreferrer\">")
                        .msg(Msg::PrivacyPolicyOf)
                        .raw("<span class=\"doui-sr\">")
                        .msg(Msg::NewTab)
                        .raw("</span></a></p>");
                }
                o.raw("</div>");
            }
            o.raw("</details>");
        }
        o.raw("</section>");
    }
    o.raw("<div class=\"doui-actions\">")
        .button("save", Msg::Save, "")
        .button("close", Msg::Close, " doui-btn-alt")
        .raw("</div>")
        .policy_link()
        .raw("</dialog>");
    o.s
}

fn lifetime(o: &mut Out, l: Lifetime) {
    match l {
        // The site's own words for it, as everywhere else (`texts.untilClosed`).
        Lifetime::Session => {
            o.msg(Msg::UntilClosed);
        }
        Lifetime::Span(n, unit) => {
            let mut words = String::new();
            push_span(&mut words, n, unit, o.lang);
            o.esc(&words);
        }
    }
}

/// The floating button that reopens the preferences.
pub fn reopen_button(config: &Config, lang: Lang) -> String {
    let mut o = Out::new(config, lang);
    o.raw("<button type=\"button\" class=\"doui-reopen\" data-doui-open hidden>")
        .msg(Msg::ReopenButton)
        .raw("</button>");
    o.s
}

/// The banner root's content: a slot holding `banner` (empty until a choice is
/// needed), a slot for the preferences, the status and notice regions, and the
/// reopen button. The page builds it at start, or a server prints it from
/// [`snippet`] beforehand: the same markup either way.
pub fn shell(config: &Config, lang: Lang, banner: &str) -> String {
    let mut html = String::from("<div class=\"doui-banner-slot\">");
    html.push_str(banner);
    html.push_str("</div><div class=\"doui-prefs-slot\"></div><p class=\"doui-status doui-sr\" role=\"status\"></p><div class=\"doui-notice\" role=\"alert\"></div>");
    html.push_str(&reopen_button(config, lang));
    html
}

/// The view a server prerenders for: it cannot know whether the browser stores
/// cookies or sends Global Privacy Control, so it assumes the usual answer; the
/// page rebuilds the banner when the browser says otherwise.
pub fn prerendered_view(lang: Lang) -> View {
    View {
        lang,
        cookies_ok: true,
        gpc: false,
    }
}

/// What a prerendered banner root must carry to be taken over as it is:
/// `<revision>.<lang>.<hash of its markup>`. A template from another revision,
/// language or wording (a text changed without a new revision) differs, and
/// the page replaces it instead of making stale text live.
pub fn snippet_key(config: &Config, lang: Lang) -> String {
    key(
        config,
        lang,
        &shell(config, lang, &banner(config, prerendered_view(lang))),
    )
}

fn key(config: &Config, lang: Lang, markup: &str) -> String {
    // FNV-1a: a few bytes of code, and no need to resist forgery (the page's
    // own server wrote the markup).
    let mut hash: u32 = 0x811c_9dc5;
    for b in markup.bytes() {
        hash = (hash ^ b as u32).wrapping_mul(0x0100_0193);
    }
    let mut s = String::new();
    push_uint(&mut s, config.revision as u64);
    s.push('.');
    s.push_str(lang.tag());
    s.push('.');
    push_uint(&mut s, hash as u64);
    s
}

/// The whole banner root as the page would build it for a first visit, with
/// its key in `data-doui-snippet`: what `doui snippet` prints for a site to
/// put into its HTML, so that the banner is in the page's first paint.
pub fn snippet(config: &Config, lang: Lang) -> String {
    let inner = shell(config, lang, &banner(config, prerendered_view(lang)));
    let mut o = Out::new(config, lang);
    o.raw("<div class=\"doui\" lang=\"")
        .raw(lang.tag())
        .raw("\" data-doui-snippet=\"")
        .raw(&key(config, lang, &inner))
        .raw("\">")
        .raw(&inner)
        .raw("</div>");
    o.s
}

/// The Consent Mode head script's tag, with what its check of the consent
/// cookie needs (name, revision, lifetime in days) in data attributes, so that
/// it runs as a file under a strict CSP. `src` is where the site serves
/// `doui-consent-default.js`.
pub fn head_script(config: &Config, src: &str) -> String {
    let mut o = Out::new(config, Lang::Ja);
    o.raw("<script src=\"")
        .esc(src)
        .raw("\" data-doui-cookie=\"")
        .esc(&config.cookie.name)
        .raw("\" data-doui-revision=\"");
    push_uint(&mut o.s, config.revision as u64);
    o.raw("\" data-doui-days=\"");
    push_uint(&mut o.s, config.cookie.days as u64);
    o.raw("\"></script>");
    o.s
}

/// A text's parts before and after its `{}`, if it has one.
fn split_template(template: &str) -> Option<(&str, &str)> {
    split_once_ascii(template, b'{')
        .and_then(|(before, rest)| Some((before, rest.strip_prefix('}')?)))
}

/// Writes `template` with `{}` replaced by `value`, escaped.
fn fill(o: &mut Out, m: Msg, value: &str) {
    let template = o.config.text(o.lang, m);
    match split_template(template) {
        Some((before, after)) => {
            o.esc(before).esc(value).esc(after);
        }
        None => {
            o.esc(template);
        }
    }
}

/// The banner's first sentence, with `{}` replaced by the titles of the
/// categories a visitor can choose: it says what this site does, never more.
/// (The list is built first and filled in like any value: less code than
/// writing it in place.)
fn purposes(o: &mut Out) {
    let (open, close, separator) = list_marks(o.lang);
    let mut list = String::new();
    for c in o.config.categories.iter().filter(|c| !c.required) {
        if !list.is_empty() {
            list.push_str(separator);
        }
        list.push_str(open);
        list.push_str(c.title.get(o.lang));
        list.push_str(close);
    }
    fill(o, Msg::BannerBody, &list);
}

/// What stands in for blocked embedded content (`data-consent` on an iframe):
/// what it is, who provides it, and the choice to load it once or always allow
/// it. Empty when the marking names nothing the config knows.
pub fn placeholder(config: &Config, lang: Lang, marking: &str) -> String {
    let Some(id) = crate::gate::subject(marking) else {
        return String::new();
    };
    let (name, provider) = match config.find_service(id) {
        Some((_, s)) => (&s.name, Some(&s.provider)),
        None => match config.category(id) {
            Some(c) => (&c.title, None),
            None => return String::new(),
        },
    };
    let mut o = Out::new(config, lang);
    o.raw("<div class=\"doui-ph\" lang=\"")
        .raw(lang.tag())
        .raw("\"><p class=\"doui-ph-title\">")
        .esc(name.get(lang));
    if let Some(p) = provider {
        o.raw(" <span>").esc(p.get(lang)).raw("</span>");
    }
    o.raw("</p><p>")
        .msg(Msg::EmbedNotice)
        .raw("</p><p class=\"doui-actions\"><button type=\"button\" class=\"doui-btn\" data-doui-embed=\"once\">")
        .msg(Msg::LoadOnce)
        .raw("</button><button type=\"button\" class=\"doui-btn doui-btn-alt\" data-doui-embed=\"")
        .raw(id)
        .raw("\">");
    fill(&mut o, Msg::AlwaysAllow, name.get(lang));
    o.raw("</button></p>").policy_link().raw("</div>");
    o.s
}

/// Offers a reload after consent was withdrawn for scripts that already ran.
pub fn reload_notice(config: &Config, lang: Lang) -> String {
    let mut o = Out::new(config, lang);
    o.raw("<p>")
        .msg(Msg::ReloadNeeded)
        .raw(" <button type=\"button\" class=\"doui-btn\" data-doui-action=\"reload\">")
        .msg(Msg::Reload)
        .raw("</button></p>");
    o.s
}

/// What a first-time visitor is shown in `lang`: the banner and the
/// preferences (nothing chosen), as [`banner`] and [`preferences`] build them,
/// joined by a newline. `gpc` is whether the browser sent Global Privacy
/// Control, which adds a note and locks categories (see [`Config::gpc_applies`]).
/// A receipt carries the SHA-256 of this text, and the receipts server computes
/// it from the same config, so that the receipt proves which wording was shown.
pub fn shown_text(config: &Config, lang: Lang, gpc: bool) -> String {
    let view = View {
        lang,
        cookies_ok: true,
        gpc: config.gpc_applies(gpc),
    };
    let mut s = banner(config, view);
    s.push('\n');
    s.push_str(&preferences(config, view, &Choices::all(config, false)));
    s
}

#[cfg(test)]
mod shown {
    use super::*;

    /// A config of this test's own: the text must follow the config, not the demo.
    const SITE: &str = r#"{
  "revision": 3,
  "siteName": { "ja": "受付テスト", "en": "Receipt test" },
  "policyUrl": "/privacy.html",
  "receipts": { "url": "https://receipts.example.jp/v1/receipts" },
  "categories": [
    { "id": "necessary", "required": true, "title": { "ja": "必須", "en": "Necessary" },
      "description": { "ja": "動作に必要", "en": "Needed" } },
    { "id": "analytics", "title": { "ja": "解析", "en": "Analytics" },
      "description": { "ja": "利用状況", "en": "Usage" },
      "services": [ { "id": "stats", "name": "Stats", "provider": "Stats Inc.",
        "purpose": { "ja": "集計", "en": "Counting" },
        "cookies": [ { "name": "_st", "lifetime": "1y" } ] } ] },
    { "id": "ads", "title": { "ja": "広告", "en": "Ads" },
      "description": { "ja": "広告配信", "en": "Ads shown" }, "gpc": true }
  ]
}"#;

    fn site(json: &str) -> Config {
        Config::from_json(json).unwrap()
    }

    #[test]
    fn is_the_banner_then_the_preferences_with_nothing_chosen() {
        let c = site(SITE);
        let ja = shown_text(&c, Lang::Ja, false);
        let (b, p) = ja.split_once('\n').unwrap();
        assert!(b.starts_with("<section class=\"doui-banner\""), "{b}");
        assert!(b.ends_with("</section>") && b.contains("受付テスト"), "{b}");
        assert!(p.starts_with("<dialog class=\"doui-prefs\"") && p.ends_with("</dialog>"));
        assert!(p.contains(">解析</label>") && p.contains("<dd>集計</dd>") && p.contains("1年"));
        // Only the required category is on: nothing is pre-selected.
        assert_eq!(p.matches(" checked").count(), 1);
        assert!(p.contains(
            "data-doui-item=\"necessary\" aria-describedby=\"doui-d-necessary\" checked disabled>"
        ));
        assert!(
            !ja.contains("doui-note"),
            "no note for a browser that keeps cookies"
        );
        assert_eq!(ja.matches('\n').count(), 1);
        let en = shown_text(&c, Lang::En, false);
        assert!(
            en.contains("Receipt test")
                && en.contains(">Analytics</label>")
                && !en.contains("解析")
        );
        // The same config gives the same text: the server can recompute it.
        assert_eq!(shown_text(&site(SITE), Lang::Ja, false), ja);
    }

    #[test]
    fn follows_every_word_of_the_config() {
        let c = site(SITE);
        let base = shown_text(&c, Lang::Ja, false);
        for (from, to) in [
            ("\"利用状況\"", "\"利用の状況\""),
            ("\"Stats Inc.\"", "\"Stats K.K.\""),
            ("\"1y\"", "\"2y\""),
            ("\"/privacy.html\"", "\"/policy.html\""),
            (
                "\"revision\": 3,",
                "\"revision\": 3, \"texts\": {\"ja\": {\"rejectAll\": \"拒否\"}},",
            ),
        ] {
            let changed = SITE.replacen(from, to, 1);
            assert_ne!(changed, SITE, "{from}");
            assert_ne!(shown_text(&site(&changed), Lang::Ja, false), base, "{from}");
        }
        // What the banner does not show leaves it alone: the revision, the receipts server.
        let quiet = SITE
            .replacen("\"revision\": 3", "\"revision\": 4", 1)
            .replacen("receipts.example.jp", "other.example.jp", 1);
        assert_eq!(shown_text(&site(&quiet), Lang::Ja, false), base);
    }

    #[test]
    fn gpc_adds_its_note_and_locks_only_when_it_applies() {
        let c = site(SITE);
        let plain = shown_text(&c, Lang::Ja, false);
        let gpc = shown_text(&c, Lang::Ja, true);
        assert_ne!(gpc, plain);
        assert!(gpc.contains(
            "<p class=\"doui-note\">ブラウザーからグローバル・プライバシー・コントロール（GPC）"
        ));
        assert!(gpc.contains("data-doui-item=\"ads\" aria-describedby=\"doui-d-ads\" disabled>"));
        assert!(gpc.contains("<span class=\"doui-always\">GPCによりオフ</span>"));
        // A site that does not honour the signal, or has nothing it denies, shows the plain text.
        let ignoring = SITE.replacen(
            "\"revision\": 3,",
            "\"revision\": 3, \"honourGpc\": false,",
            1,
        );
        assert_eq!(shown_text(&site(&ignoring), Lang::Ja, true), plain);
        let nothing = SITE.replacen("\"gpc\": true", "\"gpc\": false", 1);
        let c = site(&nothing);
        assert_eq!(
            shown_text(&c, Lang::Ja, true),
            shown_text(&c, Lang::Ja, false)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of these tests' own, so that editing the demo site leaves them alone.
    const SITE: &str = r#"{
  "revision": 1,
  "siteName": { "ja": "doui デモブログ", "en": "doui demo blog" },
  "operator": { "ja": "Example 株式会社", "en": "Example K.K." },
  "policyUrl": { "ja": "/privacy.html", "en": "/en/privacy.html" },
  "categories": [
    { "id": "necessary", "required": true,
      "title": { "ja": "必須", "en": "Strictly necessary" }, "description": "d",
      "services": [
        { "id": "consent", "name": "Cookie choices", "provider": "This site", "purpose": "p",
          "cookies": [ { "name": "doui_consent", "lifetime": "182d" } ] },
        { "id": "login", "name": "Login", "provider": "This site", "purpose": "p",
          "cookies": [ { "name": "wordpress_logged_in_*", "lifetime": "2d" } ] } ] },
    { "id": "preferences", "title": { "ja": "機能・設定の記憶", "en": "Preferences" },
      "description": "d",
      "services": [ { "id": "comments", "name": "Comments", "provider": "This site",
        "purpose": "p", "cookies": [ { "name": "comment_author_*", "lifetime": "1y" } ] } ] },
    { "id": "analytics", "title": { "ja": "アクセス解析", "en": "Analytics" }, "description": "d",
      "services": [ { "id": "google-analytics",
        "name": { "ja": "Google アナリティクス", "en": "Google Analytics" },
        "provider": "Google LLC", "purpose": "p",
        "country": { "ja": "アメリカ合衆国", "en": "United States" },
        "privacyUrl": "https://policies.google.com/privacy",
        "cookies": [ { "name": "_ga", "lifetime": "13mo" } ] } ] },
    { "id": "advertising",
      "title": { "ja": "広告・ウェブビーコン", "en": "Advertising and web beacons" },
      "description": "d",
      "services": [ { "id": "ad-beacon", "name": "Beacon", "provider": "Example Ads",
        "purpose": "p", "cookies": [ { "name": "exads_uid", "lifetime": "13mo" } ] } ] },
    { "id": "embeds", "title": { "ja": "埋め込みコンテンツ", "en": "Embedded content" },
      "description": "d",
      "services": [ { "id": "youtube", "name": "YouTube", "provider": "Google LLC",
        "purpose": "p", "cookies": [ { "name": "YSC", "lifetime": "session" } ] } ] }
  ]
}"#;

    fn config() -> Config {
        Config::from_json(SITE).unwrap()
    }

    const JA: View = View {
        lang: Lang::Ja,
        cookies_ok: true,
        gpc: false,
    };

    #[test]
    fn banner_offers_three_equal_choices_and_names_itself() {
        let html = banner(&config(), JA);
        assert!(html.starts_with("<section class=\"doui-banner\" role=\"dialog\" aria-labelledby=\"doui-banner-title\" aria-describedby=\"doui-banner-body\""));
        let accept = html
            .find("data-doui-action=\"accept-all\">すべて同意する")
            .unwrap();
        let reject = html
            .find("data-doui-action=\"reject-all\">すべて拒否する")
            .unwrap();
        let custom = html
            .find("data-doui-action=\"customize\">設定を選ぶ")
            .unwrap();
        assert!(accept < reject && reject < custom);
        // Accept and reject carry the same classes: the same size, weight and contrast.
        assert!(html.contains(
            "<button type=\"button\" class=\"doui-btn\" data-doui-action=\"accept-all\">"
        ));
        assert!(html.contains(
            "<button type=\"button\" class=\"doui-btn\" data-doui-action=\"reject-all\">"
        ));
        assert!(html.contains("<a href=\"/privacy.html\">プライバシーポリシー</a>"));
        assert!(
            html.contains("<p class=\"doui-site\">doui デモブログ<br>運営者：Example 株式会社</p>")
        );
        assert!(!html.contains("style="));
        assert!(!html.contains("doui-note"));
    }

    #[test]
    fn banner_names_the_operator() {
        let c = config();
        let en = banner(
            &c,
            View {
                lang: Lang::En,
                ..JA
            },
        );
        assert!(
            en.contains("<p class=\"doui-site\">doui demo blog<br>Operated by Example K.K.</p>"),
            "{en}"
        );
        let json = SITE.replace(
            "\"siteName\": { \"ja\": \"doui デモブログ\", \"en\": \"doui demo blog\" },",
            "",
        );
        let html = banner(&Config::from_json(&json).unwrap(), JA);
        assert!(
            html.contains("<p class=\"doui-site\">運営者：Example 株式会社</p>"),
            "{html}"
        );
    }

    #[test]
    fn banner_body_lists_this_sites_purposes_and_no_others() {
        let c = config();
        let ja = banner(&c, JA);
        assert!(ja.contains("<p>このサイトでは、「機能・設定の記憶」「アクセス解析」「広告・ウェブビーコン」「埋め込みコンテンツ」のためにCookieなどの技術を使い、"), "{ja}");
        let en = banner(
            &c,
            View {
                lang: Lang::En,
                ..JA
            },
        );
        assert!(en.contains("for these purposes: Preferences, Analytics, Advertising and web beacons, Embedded content. Choose what you agree to."), "{en}");
        // A site with analytics only never claims advertising or videos.
        let json = r#"{ "revision": 1, "categories": [
  { "id": "necessary", "required": true, "title": {"ja": "必須", "en": "Necessary"}, "description": "Needed." },
  { "id": "analytics", "title": {"ja": "アクセス解析", "en": "Analytics"}, "description": "Visits." }
] }"#;
        let only = Config::from_json(json).unwrap();
        let ja = banner(&only, JA);
        assert!(
            ja.contains("このサイトでは、「アクセス解析」のために"),
            "{ja}"
        );
        let en = banner(
            &only,
            View {
                lang: Lang::En,
                ..JA
            },
        );
        assert!(en.contains("for these purposes: Analytics."), "{en}");
        for word in ["広告", "動画", "必須", "advertis", "video", "Necessary"] {
            assert!(!ja.contains(word) && !en.contains(word), "{word}");
        }
        // An override without `{}` is shown as written.
        let json = json.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"texts\": {\"ja\": {\"bannerBody\": \"解析だけに使います。\"}},",
        );
        let html = banner(&Config::from_json(&json).unwrap(), JA);
        assert!(html.contains("<p>解析だけに使います。</p>"), "{html}");
    }

    #[test]
    fn policy_links_follow_the_language() {
        let c = config();
        let en = View {
            lang: Lang::En,
            ..JA
        };
        assert!(banner(&c, en).contains("<a href=\"/en/privacy.html\">Privacy policy</a>"));
        assert!(
            preferences(&c, en, &Choices::all(&c, false)).contains("<a href=\"/en/privacy.html\">")
        );
        assert!(placeholder(&c, Lang::En, "youtube").contains("<a href=\"/en/privacy.html\">"));
        assert!(placeholder(&c, Lang::Ja, "youtube").contains("<a href=\"/privacy.html\">"));
        // One URL for every language is still a policy URL.
        let json = SITE.replace(
            "{ \"ja\": \"/privacy.html\", \"en\": \"/en/privacy.html\" }",
            "\"/privacy.html\"",
        );
        assert!(
            banner(&Config::from_json(&json).unwrap(), en).contains("<a href=\"/privacy.html\">")
        );
        let bad = SITE.replace("\"/en/privacy.html\"", "\"javascript:x\"");
        assert!(Config::from_json(&bad)
            .unwrap_err()
            .describe()
            .contains("policyUrl.en: expected an http(s) URL"));
    }

    #[test]
    fn english_and_cookie_less_views() {
        let html = banner(
            &config(),
            View {
                lang: Lang::En,
                cookies_ok: false,
                gpc: false,
            },
        );
        assert!(
            html.contains(">Accept all<")
                && html.contains(">Reject all<")
                && html.contains(">Customise<")
        );
        assert!(html.contains("<p class=\"doui-note\">This browser does not store cookies"));
    }

    #[test]
    fn preferences_list_categories_and_services_with_details() {
        let c = config();
        let html = preferences(&c, JA, &Choices::all(&c, false));
        assert!(html.starts_with("<dialog class=\"doui-prefs\" aria-modal=\"true\" aria-labelledby=\"doui-prefs-title\" aria-describedby=\"doui-prefs-body\">"));
        // Necessary is on and cannot be switched; nothing else is pre-selected.
        assert!(html.contains("id=\"doui-c-necessary\" data-doui-item=\"necessary\" aria-describedby=\"doui-d-necessary\" checked disabled>"));
        assert!(html.contains("<span class=\"doui-always\">常に有効</span>"));
        assert_eq!(
            html.matches(" checked").count(),
            1 + 2,
            "necessary and its two services only"
        );
        for want in [
            "<label class=\"doui-cat-title\" for=\"doui-c-analytics\">アクセス解析</label>",
            "<label for=\"doui-c-google-analytics\">Google アナリティクス</label>",
            "<dt>提供者</dt><dd>Google LLC</dd>",
            "<dt>国・地域</dt><dd>アメリカ合衆国</dd>",
            "<li><code>_ga</code> 13か月</li>",
            "<li><code>comment_author_*</code> 1年</li>",
            "<li><code>wordpress_logged_in_*</code> 2日</li>",
            "<li><code>YSC</code> ブラウザーを閉じるまで</li>",
            "href=\"https://policies.google.com/privacy\" target=\"_blank\" rel=\"noopener noreferrer\">",
            "data-doui-action=\"save\">選択を保存する",
            "data-doui-action=\"close\">閉じる（変更を保存しない）",
        ] {
            assert!(html.contains(want), "missing {want}");
        }
        let mut on = Choices::all(&c, false);
        on.set(&c, "google-analytics", true);
        let html = preferences(&c, JA, &on);
        assert!(html.contains("data-doui-item=\"google-analytics\" aria-describedby=\"doui-d-google-analytics\" checked>"));
    }

    #[test]
    fn gpc_locks_advertising_off_and_says_so() {
        let c = config();
        let view = View { gpc: true, ..JA };
        let b = banner(&c, view);
        assert!(b.contains(
            "<p class=\"doui-note\">ブラウザーからグローバル・プライバシー・コントロール（GPC）"
        ));
        let p = preferences(&c, view, &Choices::all(&c, false));
        assert!(p.contains(
            "data-doui-item=\"advertising\" aria-describedby=\"doui-d-advertising\" disabled>"
        ));
        assert!(p.contains(
            "data-doui-item=\"ad-beacon\" aria-describedby=\"doui-d-ad-beacon\" disabled>"
        ));
        assert!(p.contains("<span class=\"doui-always\">GPCによりオフ</span>"));
        assert!(!p.contains(
            "data-doui-item=\"analytics\" aria-describedby=\"doui-d-analytics\" disabled"
        ));
    }

    #[test]
    fn embed_placeholder_names_service_and_provider() {
        let c = config();
        let ja = placeholder(&c, Lang::Ja, "youtube");
        assert!(
            ja.contains("<p class=\"doui-ph-title\">YouTube <span>Google LLC</span></p>"),
            "{ja}"
        );
        assert!(ja.contains("data-doui-embed=\"once\">今回だけ表示する</button>"));
        assert!(ja.contains("data-doui-embed=\"youtube\">YouTubeを常に許可する</button>"));
        let en = placeholder(&c, Lang::En, "embeds");
        assert!(
            en.contains(">Always allow Embedded content</button>"),
            "{en}"
        );
        assert_eq!(placeholder(&c, Lang::En, "nope"), "");
        assert_eq!(placeholder(&c, Lang::En, "!youtube"), "");
    }

    #[test]
    fn config_text_is_escaped() {
        let json = SITE
            .replace("\"doui デモブログ\"", "\"<img src=x onerror=alert(1)>\"")
            .replace("\"Google LLC\"", "\"\\\"><script>alert(1)</script>\"");
        let c = Config::from_json(&json).unwrap();
        let all = banner(&c, JA) + &preferences(&c, JA, &Choices::all(&c, false));
        assert!(!all.contains("<img") && !all.contains("<script"));
        assert!(all.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn texts_can_be_overridden() {
        let json = SITE.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"texts\": {\"ja\": {\"acceptAll\": \"同意して閉じる\"}},",
        );
        let c = Config::from_json(&json).unwrap();
        assert!(banner(&c, JA).contains(">同意して閉じる<"));
        assert!(reopen_button(&c, Lang::En).contains(">Cookie settings<"));
    }

    #[test]
    fn session_lifetimes_use_the_sites_own_text() {
        let json = r#"{ "revision": 1,
          "texts": { "ja": { "untilClosed": "タブを閉じるまで" } },
          "categories": [
            { "id": "necessary", "required": true, "title": "N", "description": "d",
              "services": [{ "id": "login", "name": "L", "provider": "P", "purpose": "p",
                "cookies": [{ "name": "sid", "lifetime": "session" }] }] } ] }"#;
        let c = Config::from_json(json).unwrap();
        let html = preferences(&c, JA, &Choices::all(&c, false));
        assert!(html.contains("タブを閉じるまで"), "{html}");
        assert!(!html.contains("ブラウザーを閉じるまで"));
    }
}
