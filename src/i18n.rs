//! Built-in Japanese and English texts, language negotiation and lifetime wording.
//!
//! Every user-visible string has a key (`Msg`) so that a site can override it per
//! language in its config; the built-in texts are the fallback.

use alloc::string::String;

use crate::config::Lifetime;
use crate::text::{push_uint, split_ascii};

/// A language doui speaks out of the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 日本語
    Ja,
    /// English
    En,
}

impl Lang {
    /// Both built-in languages, Japanese first.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The BCP 47 tag used in `lang` attributes and config keys.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language whose [`Lang::tag`] is exactly `key`: config keys and values,
    /// and the command line's `--lang`, name a language by its tag alone.
    pub fn from_key(key: &str) -> Option<Lang> {
        match key {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Matches a language tag (`ja`, `ja-JP`, `EN-us`) by its primary subtag.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = split_ascii(tag, b"-_").next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ja") {
            Some(Lang::Ja)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// Picks the language: the config's choice, else the page's `<html lang>`, else the
/// first of the browser's preferred languages that doui speaks, else Japanese.
pub fn negotiate<'a>(
    configured: Option<Lang>,
    html_lang: &str,
    browser: impl IntoIterator<Item = &'a str>,
) -> Lang {
    configured
        .or_else(|| Lang::from_tag(html_lang))
        .or_else(|| browser.into_iter().find_map(Lang::from_tag))
        .unwrap_or(Lang::Ja)
}

/// Whether this build carries the built-in texts only a policy shows (marked
/// `policy` below): the banner module, which never renders a policy, leaves
/// them out; its config reader still knows their names.
const POLICY_TEXTS: bool = cfg!(not(all(target_arch = "wasm32", not(feature = "policy"))));

macro_rules! builtin {
    ($text:literal) => {
        $text
    };
    ($text:literal policy) => {
        if POLICY_TEXTS {
            $text
        } else {
            ""
        }
    };
}

#[cfg(test)]
macro_rules! marked {
    (policy, $msg:expr) => {
        $msg
    };
}

macro_rules! messages {
    ($($key:ident = $name:literal, $ja:literal, $en:literal $($only:ident)?;)*) => {
        /// A user-visible string, overridable in the config under `texts.<lang>.<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Msg { $($key,)* }

        impl Msg {
            /// Every message, in declaration order.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            /// The key used in the config's `texts` section.
            pub fn name(self) -> &'static str {
                const NAMES: [&str; Msg::ALL.len()] = [$($name,)*];
                NAMES.get(self as usize).copied().unwrap_or_default()
            }

            /// The built-in text in `lang`.
            pub fn builtin(self, lang: Lang) -> &'static str {
                // Two tables indexed by the message, not a match: the banner
                // module's size then does not depend on which messages it uses.
                const JA: [&str; Msg::ALL.len()] = [$(builtin!($ja $($only)?),)*];
                const EN: [&str; Msg::ALL.len()] = [$(builtin!($en $($only)?),)*];
                let table = match lang {
                    Lang::Ja => &JA,
                    Lang::En => &EN,
                };
                table.get(self as usize).copied().unwrap_or_default()
            }

            /// Looks a message up by its config key.
            pub fn from_name(name: &str) -> Option<Msg> {
                Msg::ALL.iter().copied().find(|m| m.name() == name)
            }

            /// The messages only a policy shows (see [`POLICY_TEXTS`]).
            #[cfg(test)]
            const POLICY_ONLY: &'static [Msg] = &[$($(marked!($only, Msg::$key),)?)*];
        }
    };
}

messages! {
    BannerTitle = "bannerTitle", "Cookieの利用について", "About cookies on this site";
    BannerBody = "bannerBody",
        "このサイトでは、{}のためにCookieなどの技術を使い、情報を外部に送信することがあります。同意いただける範囲を選んでください。サイトの動作に欠かせないCookieは常に有効です。選択はいつでも「Cookie設定」から変更・撤回できます。",
        "This site uses cookies and similar technologies, and may send information to other companies, for these purposes: {}. Choose what you agree to. Cookies the site cannot work without are always on. You can change or withdraw your choice at any time from “Cookie settings”.";
    OperatedBy = "operatedBy", "運営者：{}", "Operated by {}";
    AcceptAll = "acceptAll", "すべて同意する", "Accept all";
    RejectAll = "rejectAll", "すべて拒否する", "Reject all";
    Customize = "customize", "設定を選ぶ", "Customise";
    PolicyLink = "policyLink", "プライバシーポリシー", "Privacy policy";
    PrefsTitle = "prefsTitle", "Cookie設定", "Cookie settings";
    PrefsBody = "prefsBody",
        "目的ごと、サービスごとに同意するかどうかを選べます。オフにした項目のCookieは削除され、情報は送信されません。",
        "Choose per purpose and per service. For anything switched off, its cookies are deleted and nothing is sent.";
    Save = "save", "選択を保存する", "Save my choices";
    Close = "close", "閉じる（変更を保存しない）", "Close without saving";
    AlwaysOn = "alwaysOn", "常に有効", "Always on";
    ServiceDetails = "serviceDetails", "サービスの詳細", "Services and details";
    Provider = "provider", "提供者", "Provider";
    Purpose = "purpose", "目的", "Purpose";
    Country = "country", "国・地域", "Country";
    Cookies = "cookies", "Cookie", "Cookies";
    PrivacyPolicyOf = "privacyPolicyOf", "提供者のプライバシーポリシー", "Provider's privacy policy";
    Saved = "saved", "選択を保存しました。", "Your choices have been saved.";
    NotStored = "notStored",
        "このブラウザーではCookieを保存できないため、選択はこのページを表示している間だけ有効です。",
        "This browser does not store cookies, so your choice applies only while this page is open.";
    ReopenButton = "reopenButton", "Cookie設定", "Cookie settings";
    EmbedNotice = "embedNotice",
        "このコンテンツを表示すると、提供元に閲覧の情報が送信され、Cookieが保存されることがあります。",
        "Showing this content sends information about your visit to its provider, which may also set cookies.";
    LoadOnce = "loadOnce", "今回だけ表示する", "Load this once";
    AlwaysAllow = "alwaysAllow", "{}を常に許可する", "Always allow {}";
    GpcHonoured = "gpcHonoured",
        "ブラウザーからグローバル・プライバシー・コントロール（GPC）の信号を受け取ったため、広告のための情報の提供にあたる項目はオフのままにしています。",
        "Your browser sent a Global Privacy Control signal, so everything that shares data for advertising stays off.";
    GpcOff = "gpcOff", "GPCによりオフ", "Off by Global Privacy Control";
    ReloadNeeded = "reloadNeeded",
        "取り消した項目のうち、このページですでに動いているものは、再読み込みすると止まります。",
        "Some of what you withdrew is already running on this page; it stops when you reload the page.";
    Reload = "reload", "再読み込み", "Reload";
    TocTitle = "tocTitle", "目次", "Contents" policy;
    PolicyVersion = "policyVersion", "版", "Version" policy;
    Effective = "effective", "施行日", "Effective" policy;
    Revised = "revised", "改定日", "Revised" policy;
    NewTab = "newTab", "（新しいタブで開きます）", " (opens in a new tab)";
    ColService = "colService", "サービス", "Service" policy;
    ColCookie = "colCookie", "Cookie名", "Cookie" policy;
    ColLifetime = "colLifetime", "保存期間", "Lifetime" policy;
    ColParty = "colParty", "種類", "Type" policy;
    FirstParty = "firstParty", "ファーストパーティ", "First party" policy;
    ThirdParty = "thirdParty", "サードパーティ", "Third party" policy;
    TransmissionsCaption = "transmissionsCaption", "外部送信の一覧", "Information sent to other parties" policy;
    ColData = "colData", "送信される情報", "Information sent" policy;
    ColRecipient = "colRecipient", "送信先", "Recipient" policy;
    ColPurposeSite = "colPurposeSite", "当サイトの利用目的", "Our purpose" policy;
    ColPurposeRecipient = "colPurposeRecipient", "送信先での利用目的", "Recipient's purpose" policy;
    UntilClosed = "untilClosed", "ブラウザーを閉じるまで", "Until the browser is closed";
}

/// How the items of a list in running text are marked and separated: the
/// category titles in the banner's first sentence, 「アクセス解析」「広告」 or
/// `Analytics, Advertising`.
pub fn list_marks(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Ja => ("「", "」", ""),
        Lang::En => ("", "", ", "),
    }
}

/// Units of a cookie lifetime, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// seconds
    Second,
    /// minutes
    Minute,
    /// hours
    Hour,
    /// days
    Day,
    /// weeks
    Week,
    /// months (30 days for comparisons)
    Month,
    /// years (365 days for comparisons)
    Year,
}

impl Unit {
    /// Seconds in one unit; months and years are approximations for comparisons only.
    pub fn seconds(self) -> u64 {
        match self {
            Unit::Second => 1,
            Unit::Minute => 60,
            Unit::Hour => 3_600,
            Unit::Day => 86_400,
            Unit::Week => 604_800,
            Unit::Month => 2_592_000,
            Unit::Year => 31_536_000,
        }
    }

    fn words(self, lang: Lang) -> (&'static str, &'static str) {
        match lang {
            Lang::Ja => (
                match self {
                    Unit::Second => "秒",
                    Unit::Minute => "分",
                    Unit::Hour => "時間",
                    Unit::Day => "日",
                    Unit::Week => "週間",
                    Unit::Month => "か月",
                    Unit::Year => "年",
                },
                "",
            ),
            Lang::En => match self {
                Unit::Second => (" second", " seconds"),
                Unit::Minute => (" minute", " minutes"),
                Unit::Hour => (" hour", " hours"),
                Unit::Day => (" day", " days"),
                Unit::Week => (" week", " weeks"),
                Unit::Month => (" month", " months"),
                Unit::Year => (" year", " years"),
            },
        }
    }
}

/// Appends a cookie's lifetime in words: `1年`, `2 days`, or for a session
/// cookie `until_closed`, the site's `untilClosed` text (see `Config::text`).
pub fn push_lifetime(out: &mut String, lifetime: Lifetime, until_closed: &str, lang: Lang) {
    match lifetime {
        Lifetime::Session => out.push_str(until_closed),
        Lifetime::Span(n, unit) => push_span(out, n, unit, lang),
    }
}

/// Appends a span in words: `1年`, `2週間`, `1 year`, `2 days`.
pub fn push_span(out: &mut String, n: u32, unit: Unit, lang: Lang) {
    push_uint(out, n as u64);
    let (one, many) = unit.words(lang);
    out.push_str(if n == 1 || many.is_empty() { one } else { many });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_order() {
        assert_eq!(negotiate(Some(Lang::En), "ja", ["ja"]), Lang::En);
        assert_eq!(negotiate(None, "en-GB", ["ja"]), Lang::En);
        assert_eq!(negotiate(None, "", ["fr-FR", "en-US", "ja"]), Lang::En);
        assert_eq!(negotiate(None, "de", ["fr"]), Lang::Ja);
        assert_eq!(negotiate(None, "JA-jp", []), Lang::Ja);
    }

    #[test]
    fn spans_in_words() {
        let cases = [
            (1, Unit::Year, "1年", "1 year"),
            (2, Unit::Day, "2日", "2 days"),
            (2, Unit::Week, "2週間", "2 weeks"),
            (13, Unit::Month, "13か月", "13 months"),
            (1, Unit::Minute, "1分", "1 minute"),
            (24, Unit::Hour, "24時間", "24 hours"),
        ];
        for (n, unit, ja, en) in cases {
            let mut s = String::new();
            push_span(&mut s, n, unit, Lang::Ja);
            assert_eq!(s, ja);
            let mut s = String::new();
            push_span(&mut s, n, unit, Lang::En);
            assert_eq!(s, en);
        }
    }

    #[test]
    fn message_names_are_unique_and_texts_present() {
        for (i, a) in Msg::ALL.iter().enumerate() {
            assert_eq!(Msg::from_name(a.name()), Some(*a));
            for b in &Msg::ALL[i + 1..] {
                assert_ne!(a.name(), b.name());
            }
            for lang in Lang::ALL {
                assert!(!a.builtin(lang).is_empty());
            }
        }
    }

    /// The banner module has no built-in text for these: nothing it builds may show one.
    #[test]
    fn the_banner_shows_no_policy_only_message() {
        let banner_sources = [
            include_str!("ui.rs"),
            include_str!("gate.rs"),
            include_str!("consent.rs"),
            include_str!("web/banner.rs"),
        ];
        assert!(Msg::POLICY_ONLY.contains(&Msg::TocTitle));
        assert!(!Msg::POLICY_ONLY.contains(&Msg::NewTab));
        for m in Msg::POLICY_ONLY {
            let used = alloc::format!("Msg::{m:?}");
            for source in banner_sources {
                // Followed by a non-identifier character, so that `Msg::Col` is not `Msg::ColData`.
                let whole = source.match_indices(&used).any(|(i, _)| {
                    !source[i + used.len()..].starts_with(|c: char| c.is_alphanumeric())
                });
                assert!(
                    !whole,
                    "{used} is shown by the banner module, which lacks its text"
                );
            }
        }
    }
}
