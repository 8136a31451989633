//! The policy module's exports: render Markdown to HTML and put it into the page.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::policy;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A rendered policy, as `renderPolicy` returns it. */
export interface RenderedPolicy {
  /** The `<article>` HTML; everything from the Markdown is escaped or checked. */
  html: string;
  /** Title from the front matter, else the first `#` heading. */
  title: string;
  /** The language tag of the text. */
  lang: string;
  /** Short hash of the source text: the value for the config's `policyVersion`. */
  version: string;
  /** Every heading, in order, with the id its anchor points to. */
  headings: { level: number; id: string; text: string }[];
}
/**
 * Why a config or a policy was refused. `renderPolicy` and `mountPolicy` throw
 * an `Error` with these properties; `checkConfig` returns one, or null.
 */
export interface DouiProblem {
  /** 1-based line in the JSON or Markdown source. */
  line: number;
  /** The config field, e.g. `categories[1].services[0].id`; '' for a policy's own lines. */
  path: string;
  /** What is wrong, without the place. */
  problem: string;
  /** The whole sentence: `config line 3: categories[0].id: …` or `policy line 3: …`. */
  message: string;
}
"#;

/// A rendered policy, as JavaScript sees it (`RenderedPolicy` above).
#[derive(Serialize)]
struct RenderedPolicy<'a> {
    html: &'a str,
    title: &'a str,
    lang: &'a str,
    version: &'a str,
    headings: Vec<Heading<'a>>,
}

#[derive(Serialize)]
struct Heading<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

/// Why an input was refused (`DouiProblem` above).
#[derive(Serialize)]
struct Problem {
    line: usize,
    path: String,
    problem: String,
    message: String,
}

impl Problem {
    fn config(e: &ConfigError) -> Problem {
        Problem {
            line: e.line as usize,
            path: e.field(),
            problem: String::from(e.problem.message()),
            message: e.describe(),
        }
    }

    fn policy(e: &policy::PolicyError) -> Problem {
        Problem {
            line: e.line(),
            path: String::new(),
            problem: e.problem().to_string(),
            message: e.to_string(),
        }
    }

    fn to_value(&self) -> JsValue {
        // Serialising four plain fields into a fresh object cannot fail.
        serde_wasm_bindgen::to_value(self).unwrap_or(JsValue::NULL)
    }

    /// An `Error` whose `message` is the whole sentence, carrying the same
    /// fields as properties, so `catch (e)` gets both the text and the place.
    fn into_error(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        js_sys::Object::assign(&error, &self.to_value().unchecked_into());
        error.into()
    }
}

thread_local! {
    /// The last config read, by its text: a page renders every policy with the
    /// same config, and reading it costs about as much as a short policy.
    static CONFIG: RefCell<Option<(String, Config)>> = const { RefCell::new(None) };
}

/// Runs `f` on the config read from `json`, read once for as long as the same
/// text comes back (renderPolicy, checkConfig and shownText all pass it).
fn with_config<T>(json: &str, f: impl FnOnce(&Config) -> T) -> Result<T, ConfigError> {
    CONFIG.with_borrow_mut(|cache| match cache {
        Some((text, config)) if text == json => Ok(f(config)),
        _ => {
            let config = Config::from_json(json)?;
            let out = f(&config);
            *cache = Some((String::from(json), config));
            Ok(out)
        }
    })
}

fn render(markdown: &str, config_json: Option<String>) -> Result<policy::Policy, JsValue> {
    let policy_error = |e: policy::PolicyError| Problem::policy(&e).into_error();
    let Some(json) = config_json else {
        return policy::render(markdown, None).map_err(policy_error);
    };
    with_config(&json, |config| policy::render(markdown, Some(config)))
        .map_err(|e| Problem::config(&e).into_error())?
        .map_err(policy_error)
}

// The `RenderedPolicy` object built on the JavaScript side from five strings: a
// string crossing into JavaScript is one `TextDecoder` call, and one per heading
// id and text plus a call per property set took about a tenth of a warm render
// of all seed policies joined (253 headings).
#[wasm_bindgen(inline_js = "
export function rendered(html, title, lang, version, packed) {
  const headings = [];
  const parts = packed.split('\\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    headings.push({ level: parts[i].charCodeAt(0) - 48, id: parts[i].slice(1), text: parts[i + 1] });
  }
  return { html, title, lang, version, headings };
}")]
extern "C" {
    fn rendered(html: &str, title: &str, lang: &str, version: &str, packed: &str) -> JsValue;
}

/// The headings as `rendered` above reads them: per heading its level as one
/// digit, its id, NUL, its text, NUL. None when an id or a text holds a NUL.
fn packed_headings(headings: &[policy::TocEntry]) -> Option<String> {
    let len = headings.iter().map(|h| h.id.len() + h.text.len() + 3);
    let mut packed = String::with_capacity(len.sum());
    for h in headings {
        if h.id.contains('\0') || h.text.contains('\0') {
            return None;
        }
        packed.push(char::from(b'0' + h.level));
        packed.push_str(&h.id);
        packed.push('\0');
        packed.push_str(&h.text);
        packed.push('\0');
    }
    Some(packed)
}

/// Renders policy Markdown; `config_json` (the site config as JSON text) fills the
/// generated tables. Returns a plain `RenderedPolicy` object; throws an `Error`
/// with the `DouiProblem` fields (line, path, problem, message).
#[wasm_bindgen(js_name = renderPolicy, unchecked_return_type = "RenderedPolicy")]
pub fn render_policy(markdown: &str, config_json: Option<String>) -> Result<JsValue, JsValue> {
    let p = render(markdown, config_json)?;
    if let Some(packed) = packed_headings(&p.headings) {
        return Ok(rendered(&p.html, &p.title, &p.lang, &p.version, &packed));
    }
    let rendered = RenderedPolicy {
        html: &p.html,
        title: &p.title,
        lang: &p.lang,
        version: &p.version,
        headings: p
            .headings
            .iter()
            .map(|h| Heading {
                level: h.level,
                id: &h.id,
                text: &h.text,
            })
            .collect(),
    };
    // Strings, numbers and arrays of them always serialise.
    serde_wasm_bindgen::to_value(&rendered).map_err(JsValue::from)
}

/// Renders policy Markdown into `target`, replacing its content, and returns the
/// policy's version. On error the target is left untouched and the error thrown.
#[wasm_bindgen(js_name = mountPolicy)]
pub fn mount_policy(
    target: &web_sys::Element,
    markdown: &str,
    config_json: Option<String>,
) -> Result<String, JsValue> {
    let p = render(markdown, config_json)?;
    target.set_inner_html(&p.html);
    target.set_attribute("data-doui-version", &p.version).ok();
    Ok(p.version)
}

/// What is wrong with a site config, as a `DouiProblem` (line, field path,
/// problem, and the whole sentence `config line N: field: problem`), or null
/// when it is valid. The banner module reports only the line of an invalid
/// config; this gives the whole story.
#[wasm_bindgen(js_name = checkConfig, unchecked_return_type = "DouiProblem | null")]
pub fn check_config(config_json: &str) -> JsValue {
    match with_config(config_json, |_| ()) {
        Ok(()) => JsValue::NULL,
        Err(e) => Problem::config(&e).to_value(),
    }
}

/// What a first-time visitor is shown in language `lang` (`ja`, `en`), with
/// or without Global Privacy Control (`crate::ui::shown_text`): the text whose
/// SHA-256 a receipt carries. Empty for an invalid config or an unknown
/// language. Here, not in the banner module, so that the critical path does
/// not carry it: only `doui-receipts.js` needs it, after a choice.
#[wasm_bindgen(js_name = shownText)]
pub fn shown_text(config_json: &str, lang: &str, gpc: bool) -> String {
    let Some(lang) = crate::i18n::Lang::from_tag(lang) else {
        return String::new();
    };
    with_config(config_json, |config| {
        crate::ui::shown_text(config, lang, gpc)
    })
    .unwrap_or_default()
}

/// The `doui` command line (see `crate::cli`), for the npm package's `doui`
/// command: `args` without the program name; `readFile(path)` returns a file's
/// text or throws, and its error's message is printed as `path: message`, as the
/// native command prints the operating system's. Nothing is printed here: the
/// caller writes `stdout` and `stderr` and exits with `code`.
#[wasm_bindgen(
    js_name = runCli,
    unchecked_return_type = "{ code: number, stdout: string, stderr: string }"
)]
pub fn run_cli(
    args: Vec<String>,
    #[wasm_bindgen(unchecked_param_type = "(path: string) => string")] read_file: &js_sys::Function,
) -> JsValue {
    let outcome = crate::cli::run(&args, &mut |path| match read_file
        .call1(&JsValue::NULL, &JsValue::from_str(path))
    {
        Ok(text) => text
            .as_string()
            .ok_or_else(|| String::from("readFile did not return a string")),
        Err(e) => Err(match e.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.message()),
            None => e
                .as_string()
                .unwrap_or_else(|| String::from("cannot be read")),
        }),
    });
    #[derive(Serialize)]
    struct Run {
        code: i32,
        stdout: String,
        stderr: String,
    }
    let run = Run {
        code: outcome.code,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
    };
    // A number and two strings always serialise.
    serde_wasm_bindgen::to_value(&run).unwrap_or(JsValue::NULL)
}
