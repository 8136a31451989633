//! The policy module's exports: render Markdown to HTML and put it into the page.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::Config;
use crate::policy;

/// A rendered policy, as JavaScript sees it.
#[wasm_bindgen]
pub struct RenderedPolicy {
    html: String,
    title: String,
    lang: String,
    version: String,
}

#[wasm_bindgen]
impl RenderedPolicy {
    /// The `<article>` HTML; everything from the Markdown is escaped or checked.
    #[wasm_bindgen(getter)]
    pub fn html(&self) -> String {
        self.html.clone()
    }
    /// The document title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.title.clone()
    }
    /// The language tag of the text.
    #[wasm_bindgen(getter)]
    pub fn lang(&self) -> String {
        self.lang.clone()
    }
    /// Short hash of the source text.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.version.clone()
    }
}

thread_local! {
    /// The last config read, by its text: a page renders every policy with the
    /// same config, and reading it costs about as much as a short policy.
    static CONFIG: RefCell<Option<(String, Config)>> = const { RefCell::new(None) };
}

fn render(markdown: &str, config_json: Option<String>) -> Result<policy::Policy, JsError> {
    let Some(json) = config_json else {
        return policy::render(markdown, None).map_err(|e| JsError::new(&e.to_string()));
    };
    CONFIG.with_borrow_mut(|cache| {
        if !cache.as_ref().is_some_and(|(text, _)| *text == json) {
            let config = Config::from_json(&json).map_err(|e| JsError::new(&e.describe()))?;
            *cache = Some((json, config));
        }
        let config = cache.as_ref().map(|(_, c)| c);
        policy::render(markdown, config).map_err(|e| JsError::new(&e.to_string()))
    })
}

/// Renders policy Markdown; `config_json` (the site config as JSON text) fills the
/// generated tables. Throws an `Error` naming the line and problem.
#[wasm_bindgen(js_name = renderPolicy)]
pub fn render_policy(
    markdown: &str,
    config_json: Option<String>,
) -> Result<RenderedPolicy, JsError> {
    let p = render(markdown, config_json)?;
    Ok(RenderedPolicy {
        html: p.html,
        title: p.title,
        lang: p.lang,
        version: p.version,
    })
}

/// Renders policy Markdown into `target`, replacing its content, and returns the
/// policy's version. On error the target is left untouched and the error thrown.
#[wasm_bindgen(js_name = mountPolicy)]
pub fn mount_policy(
    target: &web_sys::Element,
    markdown: &str,
    config_json: Option<String>,
) -> Result<String, JsError> {
    let p = render(markdown, config_json)?;
    target.set_inner_html(&p.html);
    target.set_attribute("data-doui-version", &p.version).ok();
    Ok(p.version)
}

/// What is wrong with a site config (`config line N: field: problem`), or an
/// empty string when it is valid. The banner module reports only the line of an
/// invalid config; this gives the whole message.
#[wasm_bindgen(js_name = checkConfig)]
pub fn check_config(config_json: &str) -> String {
    Config::from_json(config_json)
        .err()
        .map(|e| e.describe())
        .unwrap_or_default()
}

/// What a first-time visitor is shown in language `lang` (`ja`, `en`), with
/// or without Global Privacy Control (`crate::ui::shown_text`): the text whose
/// SHA-256 a receipt carries. Empty for an invalid config or an unknown
/// language. Here, not in the banner module, so that the critical path does
/// not carry it: only `doui-receipts.js` needs it, after a choice.
#[wasm_bindgen(js_name = shownText)]
pub fn shown_text(config_json: &str, lang: &str, gpc: bool) -> String {
    match (
        Config::from_json(config_json),
        crate::i18n::Lang::from_tag(lang),
    ) {
        (Ok(config), Some(lang)) => crate::ui::shown_text(&config, lang, gpc),
        _ => String::new(),
    }
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
    let result = js_sys::Object::new();
    for (key, value) in [
        ("code", JsValue::from(outcome.code)),
        ("stdout", JsValue::from(outcome.stdout)),
        ("stderr", JsValue::from(outcome.stderr)),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&result, &JsValue::from_str(key), &value);
    }
    result.into()
}
