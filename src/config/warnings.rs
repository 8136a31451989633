//! Advice about a valid config: what `doui check` prints as warnings.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Config, Text, AD_TYPES, ANALYTICS_TYPE, MAX_CONSENT_DAYS};
use crate::i18n::{push_lifetime, Lang, Msg};
use crate::text::push_uint;

impl Config {
    /// Advice that does not make the config invalid but deserves a look: vague
    /// wording that Japan's guidance on external transmission asks sites to
    /// avoid, texts that Japanese pages would show in English, and analytics or
    /// advertising cookies kept longer than European regulators accept.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let top = [
            ("siteName", &self.site_name),
            ("operator", &self.operator),
            ("policyUrl", &self.policy_url),
        ];
        for (key, t) in top {
            english_only(&mut out, key, t.as_ref());
        }
        // The banner's first sentence lists the categories at `{}`; one written
        // out instead must be kept in step with them by hand.
        for (lang, msg, text) in &self.texts {
            if *msg == Msg::BannerBody && !text.contains("{}") {
                let mut m = String::from("texts.");
                m.push_str(lang.tag());
                m.push_str(".bannerBody: has no {} for the list of categories; check that it names exactly these purposes:");
                for c in self.categories.iter().filter(|c| !c.required) {
                    m.push(' ');
                    m.push_str(c.title.get(*lang));
                    m.push(';');
                }
                m.pop();
                out.push(m);
            }
        }
        for (ci, c) in self.categories.iter().enumerate() {
            let cp = indexed(String::from("categories"), ci);
            english_only(&mut out, &child(&cp, "title"), Some(&c.title));
            english_only(&mut out, &child(&cp, "description"), Some(&c.description));
            // Audience measurement or advertising: the categories that grant
            // analytics_storage or an ad_* Consent Mode type.
            let measures = c.consent_types() & (AD_TYPES | ANALYTICS_TYPE) != 0;
            for (si, s) in c.services.iter().enumerate() {
                let sp = indexed(child(&cp, "services"), si);
                english_only(&mut out, &child(&sp, "name"), Some(&s.name));
                english_only(&mut out, &child(&sp, "provider"), Some(&s.provider));
                english_only(&mut out, &child(&sp, "purpose"), Some(&s.purpose));
                english_only(&mut out, &child(&sp, "country"), s.country.as_ref());
                for (ki, k) in s.cookies.iter().enumerate() {
                    let kp = indexed(child(&sp, "cookies"), ki);
                    if measures && k.lifetime.longer_than_days(MAX_CONSENT_DAYS) {
                        let mut m = child(&kp, "lifetime");
                        m.push_str(": ");
                        push_lifetime(
                            &mut m,
                            k.lifetime,
                            Msg::UntilClosed.builtin(Lang::En),
                            Lang::En,
                        );
                        m.push_str(" is longer than 13 months, the longest European regulators accept for analytics and advertising cookies");
                        out.push(m);
                    }
                    english_only(&mut out, &child(&kp, "purpose"), k.purpose.as_ref());
                    english_only(&mut out, &child(&kp, "note"), k.note.as_ref());
                }
                for (ti, t) in s.transmissions.iter().enumerate() {
                    let tp = indexed(child(&sp, "transmissions"), ti);
                    if let Some(ja) = &t.data.ja {
                        if ["等", "その他", "など"].iter().any(|w| ja.contains(w)) {
                            let mut m = child(&tp, "data");
                            m.push_str(
                                ": list what is sent concretely; avoid 「等」「その他」「など」",
                            );
                            out.push(m);
                        }
                    }
                    english_only(&mut out, &child(&tp, "data"), Some(&t.data));
                    english_only(&mut out, &child(&tp, "recipient"), t.recipient.as_ref());
                    english_only(&mut out, &child(&tp, "purposeSite"), Some(&t.purpose_site));
                    english_only(
                        &mut out,
                        &child(&tp, "purposeRecipient"),
                        t.purpose_recipient.as_ref(),
                    );
                }
            }
        }
        out
    }
}

/// `path[i]`.
fn indexed(mut path: String, i: usize) -> String {
    path.push('[');
    push_uint(&mut path, i as u64);
    path.push(']');
    path
}

/// `path.key`.
fn child(path: &str, key: &str) -> String {
    let mut s = String::from(path);
    s.push('.');
    s.push_str(key);
    s
}

/// Warns about a text that Japanese pages would show in English.
fn english_only(out: &mut Vec<String>, path: &str, t: Option<&Text>) {
    if let Some(Text {
        ja: None,
        en: Some(_),
    }) = t
    {
        let mut m = String::from(path);
        m.push_str(": only in English, so Japanese pages show it in English; add \"ja\" (Japan's rules ask for plain Japanese)");
        out.push(m);
    }
}
