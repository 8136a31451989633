//! The site configs the server accepts receipts for, read with doui's own config
//! reader, and the text each revision showed in each language.

use std::collections::BTreeMap;

use doui::config::Config;
use doui::i18n::Lang;
use sha2::{Digest, Sha256};

use crate::address::hex;

/// One text a revision shows.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The language.
    pub lang: Lang,
    /// Whether the browser sent Global Privacy Control (it changes the markup).
    pub gpc: bool,
    /// The banner and the preferences, as doui builds them.
    pub text: String,
    /// Lowercase hex SHA-256 of `text`.
    pub hash: String,
}

/// One config revision as the server checks receipts against it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The config as doui reads it.
    pub config: Config,
    /// Category ids in config order, with whether each is necessary.
    pub categories: Vec<(String, bool)>,
    /// Service ids in config order, with whether their category is necessary.
    pub services: Vec<(String, bool)>,
    /// Per language and Global Privacy Control signal: the text a first-time
    /// visitor is shown (`doui::ui::shown_text`) and its SHA-256 in hex.
    pub shown: Vec<Shown>,
}

/// Lowercase hex SHA-256 of a text's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

impl Site {
    /// Reads a config file's text; the error names the file, the line and the field.
    pub fn from_json(name: &str, text: &str) -> Result<Site, String> {
        let config = Config::from_json(text).map_err(|e| format!("{name}: {}", e.describe()))?;
        Ok(Site::new(config))
    }

    /// The checks and texts of a config already read.
    pub fn new(config: Config) -> Site {
        let mut categories = Vec::new();
        let mut services = Vec::new();
        for c in &config.categories {
            categories.push((c.id.clone(), c.required));
            for s in &c.services {
                services.push((s.id.clone(), c.required));
            }
        }
        let mut shown = Vec::new();
        for lang in Lang::ALL {
            for gpc in [false, true] {
                let text = doui::ui::shown_text(&config, lang, gpc);
                let hash = sha256_hex(&text);
                shown.push(Shown {
                    lang,
                    gpc,
                    text,
                    hash,
                });
            }
        }
        Site {
            config,
            categories,
            services,
            shown,
        }
    }

    /// The policy version a receipt in `lang` must carry ("" when the config has none).
    pub fn policy(&self, lang: Lang) -> &str {
        self.config
            .policy_version
            .as_ref()
            .map_or("", |v| v.get(lang))
    }

    /// The hash of the text shown in `lang` with or without Global Privacy Control.
    pub fn shown_hash(&self, lang: Lang, gpc: bool) -> &str {
        self.shown
            .iter()
            .find(|s| s.lang == lang && s.gpc == gpc)
            .map_or("", |s| s.hash.as_str())
    }
}

/// Every accepted revision by number. Two files with the same revision are refused:
/// a receipt must name exactly one config.
pub fn by_revision(sites: Vec<Site>) -> Result<BTreeMap<u32, Site>, String> {
    let mut map = BTreeMap::new();
    for site in sites {
        let revision = site.config.revision;
        if map.insert(revision, site).is_some() {
            return Err(format!(
                "two configs have revision {revision}: give each its own revision"
            ));
        }
    }
    Ok(map)
}
