//! The `doui` command line, written once for the native binary and for Node
//! (`runCli` in the policy module): it takes the arguments and a way to read a
//! file, and returns the exit code and what to print. No I/O of its own, so that
//! both front ends print byte for byte the same thing.

use crate::config::Config;
use crate::i18n::Lang;
use crate::policy;
use crate::ui;

/// The usage text, printed by `--help` and after a mistake in the arguments.
pub const USAGE: &str = "usage:
  doui render <policy.md> [--config <config.json>] [--standalone]
      print the policy as HTML (an <article>; with --standalone, a whole page)
  doui check <config.json> [--policy <policy.md>]...
      validate a site config and print advice; with --policy, also check that
      the policy renders with it and that policyVersion names its current text
  doui snippet <config.json> [--lang ja|en]
      print the banner's HTML for a page's first paint (put it in the <body>)
  doui snippet <config.json> --head <url of doui-consent-default.js>
      print the head script's tag, which decides before first paint whether it shows
  doui version <policy.md>
      print the policy's version hash
  doui schema
      print the JSON Schema of the site config
  doui --help
      print this text";

/// The config's JSON Schema (generated from `crate::config::schema`, checked by
/// `tests/schema.rs`), compiled into the native binary. The policy module
/// leaves it out: browsers would download 4.6 KB gzip they never use, and the
/// npm package's `doui` command prints the same file, which the package ships.
#[cfg(not(target_arch = "wasm32"))]
pub const SCHEMA: Option<&str> = Some(include_str!("../schema/doui-config.schema.json"));
/// See above: not in the policy module.
#[cfg(target_arch = "wasm32")]
pub const SCHEMA: Option<&str> = None;

/// Exit code of a successful run.
pub const OK: i32 = 0;
/// Exit code when a file cannot be read, a config is invalid or a policy does not render.
pub const FAILED: i32 = 1;
/// Exit code when the arguments do not form a command.
pub const USAGE_ERROR: i32 = 2;

/// What a run of the command line produced: what a process would exit with and print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Exit code: [`OK`], [`FAILED`] or [`USAGE_ERROR`].
    pub code: i32,
    /// Standard output, each line ending in `\n`.
    pub stdout: String,
    /// Standard error, each line ending in `\n`.
    pub stderr: String,
}

/// A failed run: exit code and message for standard error.
struct Failure(i32, String);

impl Failure {
    fn usage(problem: &str) -> Failure {
        Failure(USAGE_ERROR, format!("{problem}\n{USAGE}"))
    }
}

/// Runs the command line `args` (without the program name). `read_file` returns
/// a file's text or a description of why it cannot (the caller's own words, e.g.
/// the operating system's); the run prints it as `path: description`.
pub fn run(args: &[String], read_file: &mut dyn FnMut(&str) -> Result<String, String>) -> Outcome {
    let mut out = Outcome {
        code: OK,
        stdout: String::new(),
        stderr: String::new(),
    };
    if let Err(Failure(code, message)) = command(args, read_file, &mut out) {
        out.code = code;
        out.stderr.push_str(&message);
        out.stderr.push('\n');
    }
    out
}

type ReadFile<'a> = &'a mut dyn FnMut(&str) -> Result<String, String>;

fn read(read_file: ReadFile, path: &str) -> Result<String, Failure> {
    read_file(path).map_err(|e| Failure(FAILED, format!("{path}: {e}")))
}

fn load_config(read_file: ReadFile, path: &str) -> Result<Config, Failure> {
    Config::from_json(&read(read_file, path)?)
        .map_err(|e| Failure(FAILED, format!("{path}: {}", e.describe())))
}

fn command(args: &[String], read_file: ReadFile, out: &mut Outcome) -> Result<(), Failure> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["--help" | "-h" | "help"] => {
            out.stdout.push_str(USAGE);
            out.stdout.push('\n');
        }
        ["render", file, rest @ ..] => {
            let mut config = None;
            let mut standalone = false;
            let mut it = rest.iter();
            while let Some(&a) = it.next() {
                match a {
                    "--config" => {
                        let path = it
                            .next()
                            .ok_or_else(|| Failure::usage("--config needs a file"))?;
                        config = Some(load_config(read_file, path)?);
                    }
                    "--standalone" => standalone = true,
                    other => return Err(Failure::usage(&format!("unknown option {other}"))),
                }
            }
            let source = read(read_file, file)?;
            let p = policy::render(&source, config.as_ref())
                .map_err(|e| Failure(FAILED, format!("{file}: {e}")))?;
            if standalone {
                out.stdout.push_str(&format!(
                    "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
                     <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                     <title>{}</title><link rel=\"stylesheet\" href=\"doui.css\"><link rel=\"stylesheet\" href=\"doui-policy.css\"></head>\
                     <body><main>{}</main></body></html>\n",
                    p.lang,
                    escape(&p.title),
                    p.html
                ));
            } else {
                out.stdout.push_str(&p.html);
                out.stdout.push('\n');
            }
        }
        ["check", file, rest @ ..] => {
            let mut policies = Vec::new();
            let mut it = rest.iter();
            while let Some(&a) = it.next() {
                match a {
                    "--policy" => policies.push(
                        *it.next()
                            .ok_or_else(|| Failure::usage("--policy needs a file"))?,
                    ),
                    other => return Err(Failure::usage(&format!("unknown option {other}"))),
                }
            }
            let c = load_config(read_file, file)?;
            for w in c.warnings() {
                out.stderr.push_str(&format!("{file}: warning: {w}\n"));
            }
            let stale = policies
                .iter()
                .map(|policy| check_policy(read_file, &c, file, policy, out))
                .collect::<Result<Vec<bool>, Failure>>()?;
            if stale.contains(&true) {
                return Err(Failure(
                    FAILED,
                    format!("{file}: policyVersion does not name the current policy text"),
                ));
            }
            let services: usize = c.categories.iter().map(|c| c.services.len()).sum();
            out.stdout.push_str(&format!(
                "{file}: ok: revision {}, {} categories, {services} services\n",
                c.revision,
                c.categories.len()
            ));
        }
        ["snippet", file, rest @ ..] => {
            let mut lang = None;
            let mut head = None;
            let mut it = rest.iter();
            while let Some(&a) = it.next() {
                match a {
                    "--lang" => {
                        let tag = it
                            .next()
                            .ok_or_else(|| Failure::usage("--lang needs ja or en"))?;
                        lang = Some(Lang::from_key(tag).ok_or_else(|| {
                            Failure::usage(&format!("--lang {tag}: the languages are ja and en"))
                        })?);
                    }
                    "--head" => {
                        head = Some(
                            *it.next()
                                .ok_or_else(|| Failure::usage("--head needs the script's URL"))?,
                        );
                    }
                    other => return Err(Failure::usage(&format!("unknown option {other}"))),
                }
            }
            if head.is_some() && lang.is_some() {
                return Err(Failure::usage("--head and --lang do not go together"));
            }
            let c = load_config(read_file, file)?;
            out.stdout.push_str(&match head {
                Some(src) => ui::head_script(&c, src),
                None => ui::snippet(&c, lang.or(c.lang).unwrap_or(Lang::Ja)),
            });
            out.stdout.push('\n');
        }
        ["schema"] => match SCHEMA {
            Some(schema) => out.stdout.push_str(schema),
            None => {
                return Err(Failure(
                    FAILED,
                    "the schema is doui-config.schema.json, beside this module".into(),
                ))
            }
        },
        ["version", file] => {
            out.stdout
                .push_str(&policy::version(&read(read_file, file)?));
            out.stdout.push('\n');
        }
        [] => return Err(Failure(USAGE_ERROR, USAGE.into())),
        [cmd, ..] if ["render", "check", "snippet", "version", "schema"].contains(cmd) => {
            return Err(Failure::usage(&format!("wrong arguments for {cmd}")))
        }
        [cmd, ..] => return Err(Failure::usage(&format!("unknown command {cmd}"))),
    }
    Ok(())
}

/// Renders `policy` with the config and compares its version with the config's
/// `policyVersion` in the policy's language. Says what to write when they
/// differ, and returns whether they did: a stored choice records that value, so
/// a stale one would claim the visitor could read a text that is gone.
fn check_policy(
    read_file: ReadFile,
    config: &Config,
    file: &str,
    policy: &str,
    out: &mut Outcome,
) -> Result<bool, Failure> {
    let p = policy::render(&read(read_file, policy)?, Some(config))
        .map_err(|e| Failure(FAILED, format!("{policy}: {e}")))?;
    let lang = Lang::from_tag(&p.lang).unwrap_or(Lang::Ja);
    let declared = config.policy_version.as_ref().and_then(|t| t.exact(lang));
    match declared {
        Some(v) if v == p.version => {
            out.stdout.push_str(&format!(
                "{policy}: ok: policyVersion.{} is {v}\n",
                lang.tag()
            ));
            Ok(false)
        }
        Some(v) => {
            out.stderr.push_str(&format!(
                "{file}: policyVersion.{lang} is {v}, but {policy} is now {now}: set it to {now} (and consider bumping revision)\n",
                lang = lang.tag(),
                now = p.version
            ));
            Ok(true)
        }
        None => {
            out.stderr.push_str(&format!(
                "{file}: policyVersion.{lang} is missing: set it to {now}, the version of {policy}, so each choice records which text the visitor could read\n",
                lang = lang.tag(),
                now = p.version
            ));
            Ok(true)
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    crate::text::push_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{ "revision": 3, "categories": [
  { "id": "necessary", "required": true, "title": "Necessary", "description": "Needed." },
  { "id": "analytics", "title": "Analytics", "description": "Visits.",
    "services": [ { "id": "stats", "name": "Stats", "provider": "Us", "purpose": "Counting",
      "transmissions": [ { "data": {"ja": "閲覧したページ等"}, "purposeSite": "解析" } ] } ] }
] }"#;

    const POLICY: &str = "---\ntitle: Privacy <policy>\nlang: en\n---\n# Privacy\n\nText.\n";

    fn files(path: &str) -> Result<String, String> {
        match path {
            "site.json" => Ok(CONFIG.into()),
            "typo.json" => Ok(CONFIG.replace("\"provider\"", "\"provder\"")),
            "policy.md" => Ok(POLICY.into()),
            "current.json" => Ok(CONFIG.replace(
                "\"revision\": 3,",
                &format!(
                    "\"revision\": 3, \"policyVersion\": {{\"en\": \"{}\"}},",
                    policy::version(POLICY)
                ),
            )),
            "stale.json" => Ok(CONFIG.replace(
                "\"revision\": 3,",
                "\"revision\": 3, \"policyVersion\": {\"en\": \"0badc0de\"},",
            )),
            "tables.md" => {
                Ok("---\nlang: en\n---\n# P\n\n```doui-cookies\ncategory: ads\n```\n".into())
            }
            _ => Err("no such file".into()),
        }
    }

    fn run_args(args: &[&str]) -> Outcome {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        run(&args, &mut files)
    }

    #[test]
    fn check_reports_counts_and_warnings() {
        let o = run_args(&["check", "site.json"]);
        assert_eq!(o.code, OK);
        assert_eq!(
            o.stdout,
            "site.json: ok: revision 3, 2 categories, 1 services\n"
        );
        assert_eq!(
            o.stderr,
            "site.json: warning: categories[1].services[0].transmissions[0].data: list what is sent concretely; avoid 「等」「その他」「など」\n"
        );
    }

    #[test]
    fn check_compares_policy_version_with_the_policy_text() {
        let now = policy::version(POLICY);
        let o = run_args(&["check", "current.json", "--policy", "policy.md"]);
        assert_eq!(o.code, OK, "{}", o.stderr);
        assert!(!o.stderr.contains("policyVersion"), "{}", o.stderr);
        assert_eq!(
            o.stdout,
            format!("policy.md: ok: policyVersion.en is {now}\ncurrent.json: ok: revision 3, 2 categories, 1 services\n")
        );
        let o = run_args(&["check", "stale.json", "--policy", "policy.md"]);
        assert_eq!(o.code, FAILED);
        assert!(
            o.stderr.contains(&format!(
            "stale.json: policyVersion.en is 0badc0de, but policy.md is now {now}: set it to {now}"
        )),
            "{}",
            o.stderr
        );
        assert!(o
            .stderr
            .ends_with("stale.json: policyVersion does not name the current policy text\n"));
        let o = run_args(&["check", "site.json", "--policy", "policy.md"]);
        assert_eq!(o.code, FAILED);
        assert!(
            o.stderr.contains(&format!(
                "site.json: policyVersion.en is missing: set it to {now}"
            )),
            "{}",
            o.stderr
        );
        // The policy must render with this config: its tables name its categories.
        let o = run_args(&["check", "current.json", "--policy", "tables.md"]);
        assert_eq!(o.code, FAILED);
        assert!(
            o.stderr
                .ends_with("tables.md: policy line 6: the config has no category `ads`\n"),
            "{}",
            o.stderr
        );
    }

    #[test]
    fn check_names_file_line_and_field() {
        let o = run_args(&["check", "typo.json"]);
        assert_eq!(o.code, FAILED);
        assert_eq!(o.stdout, "");
        assert!(
            o.stderr.starts_with(
                "typo.json: config line 4: categories[1].services[0].provder: unknown field"
            ),
            "{}",
            o.stderr
        );
    }

    #[test]
    fn unreadable_files_are_named() {
        let o = run_args(&["check", "missing.json"]);
        assert_eq!(
            (o.code, o.stderr.as_str()),
            (FAILED, "missing.json: no such file\n")
        );
        let o = run_args(&["render", "policy.md", "--config", "missing.json"]);
        assert_eq!(
            (o.code, o.stderr.as_str()),
            (FAILED, "missing.json: no such file\n")
        );
    }

    #[test]
    fn render_and_version() {
        let o = run_args(&["render", "policy.md", "--config", "site.json"]);
        assert_eq!(o.code, OK, "{}", o.stderr);
        assert!(o.stdout.starts_with("<article"), "{}", o.stdout);
        let page = run_args(&["render", "policy.md", "--standalone"]);
        assert!(page
            .stdout
            .starts_with("<!doctype html>\n<html lang=\"en\">"));
        assert!(page
            .stdout
            .contains("<title>Privacy &lt;policy&gt;</title>"));
        // The policy's styles, and the custom properties they use.
        assert!(page.stdout.contains(
            "<link rel=\"stylesheet\" href=\"doui.css\"><link rel=\"stylesheet\" href=\"doui-policy.css\">"
        ));
        let v = run_args(&["version", "policy.md"]);
        assert_eq!(v.stdout, format!("{}\n", policy::version(POLICY)));
    }

    #[test]
    fn snippet_prints_the_banner_root_with_its_key() {
        let c = Config::from_json(CONFIG).unwrap();
        let o = run_args(&["snippet", "site.json"]);
        assert_eq!((o.code, o.stderr.as_str()), (OK, ""));
        assert_eq!(o.stdout, ui::snippet(&c, Lang::Ja) + "\n");
        let key = ui::snippet_key(&c, Lang::Ja);
        let hash = key.strip_prefix("3.ja.").unwrap();
        assert!(hash.parse::<u32>().is_ok(), "{key}");
        assert!(o.stdout.starts_with(&format!(
            "<div class=\"doui\" lang=\"ja\" data-doui-snippet=\"{key}\"><div class=\"doui-banner-slot\"><section class=\"doui-banner\""
        )));
        // What the page builds at start, with the first visit's banner in its slot.
        let view = ui::prerendered_view(Lang::Ja);
        assert!(o
            .stdout
            .contains(&ui::shell(&c, Lang::Ja, &ui::banner(&c, view))));
        let en = run_args(&["snippet", "site.json", "--lang", "en"]);
        assert!(en.stdout.contains(" lang=\"en\" data-doui-snippet=\"3.en."));
        assert!(en.stdout.contains(">Accept all<"));
        let head = run_args(&[
            "snippet",
            "site.json",
            "--head",
            "/dist/doui-consent-default.js",
        ]);
        assert_eq!(
            head.stdout,
            "<script src=\"/dist/doui-consent-default.js\" data-doui-cookie=\"doui_consent\" data-doui-revision=\"3\" data-doui-days=\"182\"></script>\n"
        );
        let o = run_args(&["snippet", "typo.json"]);
        assert_eq!(o.code, FAILED);
        assert!(o.stderr.starts_with("typo.json: config line 4:"));
    }

    #[test]
    fn the_key_follows_revision_language_and_wording() {
        let c = Config::from_json(CONFIG).unwrap();
        let ja = ui::snippet_key(&c, Lang::Ja);
        assert_ne!(ja, ui::snippet_key(&c, Lang::En));
        let next =
            Config::from_json(&CONFIG.replace("\"revision\": 3", "\"revision\": 4")).unwrap();
        // Another revision alone is another key, the markup being the same.
        assert_eq!(ui::snippet_key(&next, Lang::Ja), format!("4{}", &ja[1..]));
        // The same revision with other words is another banner.
        let reworded =
            Config::from_json(&CONFIG.replace("\"Analytics\"", "\"Statistics\"")).unwrap();
        let other = ui::snippet_key(&reworded, Lang::Ja);
        assert!(other.starts_with("3.ja.") && other != ja, "{other}");
    }

    #[test]
    fn usage_mistakes_exit_with_2() {
        let help = run_args(&["--help"]);
        assert_eq!((help.code, help.stdout.trim_end()), (OK, USAGE));
        for args in [
            &[][..],
            &["frobnicate"],
            &["check"],
            &["check", "a.json", "b.json"],
            &["check", "a.json", "--policy"],
            &["schema", "extra"],
            &["render", "policy.md", "--bogus"],
            &["render", "policy.md", "--config"],
            &["snippet"],
            &["snippet", "site.json", "--lang"],
            &["snippet", "site.json", "--lang", "fr"],
            &["snippet", "site.json", "--head"],
            &["snippet", "site.json", "--head", "a.js", "--lang", "en"],
        ] {
            let o = run_args(args);
            assert_eq!(o.code, USAGE_ERROR, "{args:?}");
            assert!(o.stderr.ends_with(&format!("{USAGE}\n")), "{args:?}");
            assert_eq!(o.stdout, "");
        }
    }
}
