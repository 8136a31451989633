//! The config's serde types (`doui::schema`) against the hand-written reader
//! (`Config::from_json`) that the banner and the CLI use, and the committed JSON
//! Schema against what schemars generates from those types.
//!
//! After an intended change to the types, regenerate the schema with
//! `DOUI_BLESS=1 cargo test --test schema` and review the diff.

use std::fs;
use std::path::Path;

use doui::config::{Config, Problem};
use serde_json::{json, Value};

const SCHEMA_FILE: &str = "schema/doui-config.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schema_is_current() {
    let path = root().join(SCHEMA_FILE);
    let generated = doui::schema::generate();
    if std::env::var_os("DOUI_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{SCHEMA_FILE} is missing: run with DOUI_BLESS=1"));
    assert!(
        committed == generated,
        "{SCHEMA_FILE} is stale: the serde types in src/schema.rs changed; run `DOUI_BLESS=1 cargo test --test schema` and review the diff"
    );
}

/// `doui schema`, natively and in Node, prints the committed file.
#[test]
fn cli_prints_the_committed_schema() {
    let outcome = doui::cli::run(&["schema".to_string()], &mut |_| Err("no files".into()));
    assert_eq!(outcome.code, 0);
    let committed = fs::read_to_string(root().join(SCHEMA_FILE)).unwrap();
    assert!(
        outcome.stdout == committed,
        "doui schema differs from {SCHEMA_FILE}"
    );
}

/// How the two readers judged one input.
#[derive(Debug, PartialEq)]
enum Verdict {
    BothAccept,
    /// Both refuse; whether they name the same field path.
    BothReject {
        same_path: bool,
    },
    /// The one disagreement a schema cannot avoid: every id must be used once
    /// across categories and services, which JSON Schema cannot say.
    ReaderRejectsDuplicateId,
    Disagree(String),
}

fn judge(text: &str) -> Verdict {
    let reader = Config::from_json(text);
    let serde = doui::schema::from_json(text);
    match (reader, serde) {
        (Ok(_), Ok(_)) => Verdict::BothAccept,
        (Err(r), Err(s)) => Verdict::BothReject {
            same_path: s
                .split_once(": ")
                .is_some_and(|(path, _)| path == r.field()),
        },
        (Err(e), Ok(_)) if e.problem == Problem::DuplicateId => Verdict::ReaderRejectsDuplicateId,
        (Err(e), Ok(_)) => {
            Verdict::Disagree(format!("reader rejects, serde accepts: {}", e.describe()))
        }
        (Ok(_), Err(e)) => Verdict::Disagree(format!("reader accepts, serde rejects: {e}")),
    }
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    both_accept: usize,
    both_reject: usize,
    same_path: usize,
    duplicate_ids: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn add(&mut self, name: &str, text: &str) -> Verdict {
        let verdict = judge(text);
        self.inputs += 1;
        match &verdict {
            Verdict::BothAccept => self.both_accept += 1,
            Verdict::BothReject { same_path } => {
                self.both_reject += 1;
                self.same_path += usize::from(*same_path);
            }
            Verdict::ReaderRejectsDuplicateId => self.duplicate_ids += 1,
            Verdict::Disagree(why) => self.disagreements.push(format!("{name}: {why}")),
        }
        verdict
    }

    fn report(&self, what: &str) {
        println!(
            "{what}: {} inputs, {} accepted by both, {} rejected by both ({} naming the same field path), {} rejected only by the reader for a duplicate id, {} disagreements",
            self.inputs,
            self.both_accept,
            self.both_reject,
            self.same_path,
            self.duplicate_ids,
            self.disagreements.len()
        );
        assert!(
            self.disagreements.is_empty(),
            "{what}: the reader and the serde types disagree on {} inputs; first ones:\n{}",
            self.disagreements.len(),
            self.disagreements[..self.disagreements.len().min(20)].join("\n")
        );
    }
}

fn demo() -> String {
    fs::read_to_string(root().join("www/doui-config.json")).unwrap()
}

/// Raw string literals (`r#"…"#`) in the crate's Rust sources that look like a
/// config: the unit tests' fixtures.
fn rust_fixtures() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("src"), root().join("tests")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let source = fs::read_to_string(&path).unwrap();
        let mut rest = source.as_str();
        while let Some(start) = rest.find("r#\"") {
            let body = &rest[start + 3..];
            let Some(end) = body.find("\"#") else { break };
            let literal = &body[..end];
            if literal.contains("\"categories\"") && literal.trim_start().starts_with('{') {
                let name = path.strip_prefix(root()).unwrap().display().to_string();
                out.push((name, literal.to_string()));
            }
            rest = &body[end + 2..];
        }
    }
    out
}

/// The fuzzers' committed config inputs.
fn fuzz_inputs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["fuzz/corpus/config", "fuzz/regressions/config"] {
        let Ok(entries) = fs::read_dir(root().join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
            out.push((
                path.strip_prefix(root()).unwrap().display().to_string(),
                text,
            ));
        }
    }
    out
}

#[test]
fn fixtures_get_the_same_verdict() {
    let mut tally = Tally::default();
    assert_eq!(
        tally.add("www/doui-config.json", &demo()),
        Verdict::BothAccept
    );
    let fixtures = rust_fixtures();
    assert!(
        fixtures.len() >= 4,
        "expected the unit tests' config fixtures, found {}",
        fixtures.len()
    );
    for (name, text) in &fixtures {
        tally.add(name, text);
    }
    let fuzz = fuzz_inputs();
    assert!(
        fuzz.len() >= 50,
        "expected the fuzz corpus, found {} inputs",
        fuzz.len()
    );
    for (name, text) in &fuzz {
        tally.add(name, text);
    }
    tally.report("fixtures (demo config, unit-test fixtures, fuzz corpus)");
}

/// Broken configs that each reader must refuse, with what is wrong.
#[test]
fn both_refuse_known_mistakes() {
    let demo = demo();
    let cases = [
        (
            "unknown key typo",
            demo.replacen("\"provider\"", "\"provder\"", 1),
        ),
        (
            "wrong type",
            demo.replacen("\"reopenButton\": true", "\"reopenButton\": \"yes\"", 1),
        ),
        ("bad lifetime", demo.replacen("\"182d\"", "\"182 days\"", 1)),
        ("bad id", demo.replacen("\"necessary\"", "\"Necessary\"", 1)),
        (
            "float revision",
            demo.replacen("\"revision\": 1", "\"revision\": 1.0", 1),
        ),
        (
            "$schema not a string",
            demo.replacen("\"$schema\": \"", "\"$schema\": 1, \"x\": \"", 1),
        ),
        (
            "text in an unknown language",
            demo.replacen("\"en\": \"Preferences\"", "\"fr\": \"Préférences\"", 1),
        ),
        (
            "unknown text key",
            demo.replacen(
                "\"revision\": 1,",
                "\"revision\": 1, \"texts\": {\"en\": {\"acceptEverything\": \"x\"}},",
                1,
            ),
        ),
        (
            "duplicate key",
            demo.replacen("\"revision\": 1,", "\"revision\": 1, \"revision\": 2,", 1),
        ),
    ];
    for (what, text) in cases {
        assert!(
            text != demo,
            "{what}: the demo config changed, this case no longer applies"
        );
        assert!(matches!(judge(&text), Verdict::BothReject { .. }), "{what}");
    }
    let duplicate = demo.replacen("\"id\": \"login\"", "\"id\": \"consent\"", 1);
    assert!(duplicate != demo, "the demo config changed: no `login` id");
    assert_eq!(judge(&duplicate), Verdict::ReaderRejectsDuplicateId);
}

/// The demo config with a receipts server, `receipts` set to `value`.
fn demo_with_receipts(value: Value) -> String {
    let mut demo: Value = serde_json::from_str(&demo()).unwrap();
    demo["receipts"] = value;
    serde_json::to_string_pretty(&demo).unwrap()
}

/// `receipts.url` values from the shared vectors (also read by the JSON
/// Schema's test), and the `receipts` object mistyped in every way.
#[test]
fn receipts_urls_get_the_same_verdict() {
    let vectors: Value = serde_json::from_str(
        &fs::read_to_string(root().join("tests/vectors/receipts-urls.json")).unwrap(),
    )
    .unwrap();
    let mut tally = Tally::default();
    for (list, valid) in [("valid", true), ("invalid", false)] {
        let urls = vectors[list].as_array().unwrap();
        assert!(urls.len() >= 10, "few {list} URLs");
        for url in urls {
            let verdict = tally.add(
                &format!("receipts.url = {url}"),
                &demo_with_receipts(json!({ "url": url })),
            );
            let want = if valid {
                Verdict::BothAccept
            } else {
                Verdict::BothReject { same_path: true }
            };
            assert_eq!(verdict, want, "{url}");
        }
    }
    for value in [
        json!(null),
        json!({}),
        json!("https://receipts.example.jp/v1/receipts"),
        json!([{ "url": "https://receipts.example.jp/v1/receipts" }]),
        json!({ "url": null }),
        json!({ "url": 1 }),
        json!({ "url": "https://receipts.example.jp/", "uri": "x" }),
        json!({ "uri": "https://receipts.example.jp/" }),
    ] {
        tally.add(&format!("receipts = {value}"), &demo_with_receipts(value));
    }
    tally.report("receipts URLs");
}

/// Every position in the demo config, each changed in the ways a person or a
/// tool gets a config wrong: deterministic, so a failure is reproducible.
#[test]
fn mutations_of_the_demo_get_the_same_verdict() {
    let demo: Value = serde_json::from_str(&self::demo()).unwrap();
    let mut paths = Vec::new();
    collect_paths(&demo, &mut Vec::new(), &mut paths);
    let replacements = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1),
        json!(395),
        json!(396),
        json!(4294967296u64),
        json!(""),
        json!("  \u{3000}"),
        json!("x"),
        json!("Bad Id"),
        json!("a-b_1"),
        json!("consent"),
        json!("session"),
        json!("2y"),
        json!("0d"),
        json!("13 months"),
        json!("/path"),
        json!("//evil.example"),
        json!("https://example.com/a b"),
        json!("javascript:alert(1)"),
        json!("_ga_*"),
        json!("a;b"),
        json!("ad_storage"),
        json!("first"),
        json!("advanced"),
        json!("ja"),
        json!([]),
        json!(["x"]),
        json!(["ad_storage", "nope"]),
        json!({}),
        json!({"ja": "x"}),
        json!({"fr": "x"}),
        json!({"ja": null}),
        json!({"en": ""}),
    ];
    let mut tally = Tally::default();
    for path in &paths {
        let name = pointer(path);
        let parent_is_object = matches!(path.last(), Some(Step::Key(_)));
        if parent_is_object {
            let Some(Step::Key(key)) = path.last() else {
                unreachable!()
            };
            tally.add(&format!("drop {name}"), &edit(&demo, path, Edit::Remove));
            tally.add(
                &format!("rename {name}"),
                &edit(&demo, path, Edit::Rename(format!("{key}s"))),
            );
            tally.add(
                &format!("rename {name} to $schema"),
                &edit(&demo, path, Edit::Rename("$schema".into())),
            );
        }
        for r in &replacements {
            tally.add(
                &format!("{name} = {r}"),
                &edit(&demo, path, Edit::Set(r.clone())),
            );
        }
        if let Some(Value::Object(_)) = demo.pointer(&name) {
            tally.add(
                &format!("{name} + unknown key"),
                &edit(&demo, path, Edit::AddKey("colour".into())),
            );
            tally.add(
                &format!("{name} + $schema"),
                &edit(&demo, path, Edit::AddKey("$schema".into())),
            );
        }
    }
    // Text-level mistakes: cut short, a doubled key, a byte-order mark, numbers.
    let text = self::demo();
    for cut in (0..text.len())
        .step_by(53)
        .filter(|&i| text.is_char_boundary(i))
    {
        tally.add(&format!("cut at byte {cut}"), &text[..cut]);
    }
    for (what, from, to) in [
        (
            "doubled key",
            "\"revision\": 1,",
            "\"revision\": 1, \"revision\": 1,",
        ),
        (
            "doubled language",
            "\"ja\": \"必須\",",
            "\"ja\": \"必須\", \"ja\": \"必須\",",
        ),
        ("exponent", "\"revision\": 1", "\"revision\": 1e0"),
        ("leading zero", "\"days\": 182", "\"days\": 0182"),
        ("negative zero", "\"revision\": 1", "\"revision\": -0"),
        ("trailing comma", "\"revision\": 1,", "\"revision\": 1,,"),
        ("lone surrogate", "\"doui デモブログ\"", "\"doui \\ud800\""),
    ] {
        let changed = text.replacen(from, to, 1);
        assert!(
            changed != text,
            "{what}: the demo config changed, nothing to mutate"
        );
        tally.add(what, &changed);
    }
    assert_eq!(
        tally.add("byte-order mark", &format!("\u{feff}{text}")),
        Verdict::BothAccept
    );
    assert!(tally.inputs >= 2000, "only {} mutations", tally.inputs);
    assert!(
        tally.both_accept > 100 && tally.both_reject > 1000,
        "too one-sided to mean much"
    );
    tally.report("mutations of the demo config");
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

enum Edit {
    Remove,
    Rename(String),
    Set(Value),
    AddKey(String),
}

fn collect_paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                here.push(Step::Key(k.clone()));
                collect_paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(Step::Index(i));
                collect_paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// The demo with one edit at `path`, as pretty JSON.
fn edit(demo: &Value, path: &[Step], change: Edit) -> String {
    let mut v = demo.clone();
    let target = match path.split_last() {
        None => &mut v,
        Some((last, parent)) => {
            let parent = v.pointer_mut(&pointer(parent)).unwrap();
            match (change, last, parent) {
                (Edit::Remove, Step::Key(k), Value::Object(map)) => {
                    map.remove(k);
                    return serde_json::to_string_pretty(&v).unwrap();
                }
                (Edit::Rename(to), Step::Key(k), Value::Object(map)) => {
                    let value = map.remove(k).unwrap();
                    map.insert(to, value);
                    return serde_json::to_string_pretty(&v).unwrap();
                }
                (change, _, parent) => {
                    let target = match last {
                        Step::Key(k) => parent.get_mut(k).unwrap(),
                        Step::Index(i) => parent.get_mut(*i).unwrap(),
                    };
                    apply(target, change);
                    return serde_json::to_string_pretty(&v).unwrap();
                }
            }
        }
    };
    apply(target, change);
    serde_json::to_string_pretty(&v).unwrap()
}

fn apply(target: &mut Value, change: Edit) {
    match change {
        Edit::Set(value) => *target = value,
        Edit::AddKey(key) => {
            if let Value::Object(map) = target {
                map.insert(key, json!("x"));
            }
        }
        Edit::Remove | Edit::Rename(_) => unreachable!("only members are removed or renamed"),
    }
}
