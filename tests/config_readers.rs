//! The banner's small config reader (`doui::config::reader`) against the serde
//! reader everything else uses (`doui::config::de`): on every input, the same
//! verdict, the same `Config` when accepted, and the same line when refused.
//! The inputs: the demo config, the unit tests' fixtures, the fuzz corpus and
//! regressions, receipts URLs, mutations of every position of the demo, and
//! 32,000 random byte-level mutations (a fixed seed, so a failure reproduces).
//! The fuzz target `config` runs the same comparison on generated inputs.

use std::fs;
use std::path::Path;

use doui::config::{de, reader, ConfigError};
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// How the two readers judged one input.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Both accept, with equal configs.
    BothAccept,
    /// Both refuse on the same line; whether they also name the same field and problem.
    BothReject {
        same_path: bool,
        same_problem: bool,
    },
    Disagree(String),
}

/// Both readers on one input.
fn judge(text: &str) -> Verdict {
    let small = reader::read(text);
    let serde = de::read(text);
    let said = |e: &ConfigError| e.describe();
    match (small, serde) {
        (Ok(a), Ok(b)) if a == b => Verdict::BothAccept,
        (Ok(a), Ok(b)) => Verdict::Disagree(format!(
            "both accept, different configs:\n small: {a:?}\n serde: {b:?}"
        )),
        (Err(a), Err(b)) if a.line == b.line => Verdict::BothReject {
            same_path: a.path == b.path,
            same_problem: a.problem == b.problem,
        },
        (Err(a), Err(b)) => Verdict::Disagree(format!(
            "refused on different lines: small `{}`, serde `{}`",
            said(&a),
            said(&b)
        )),
        (Err(a), Ok(_)) => Verdict::Disagree(format!(
            "the small reader refuses, serde accepts: {}",
            said(&a)
        )),
        (Ok(_), Err(b)) => Verdict::Disagree(format!(
            "the small reader accepts, serde refuses: {}",
            said(&b)
        )),
    }
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    both_accept: usize,
    both_reject: usize,
    same_path: usize,
    same_problem: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn add(&mut self, name: &str, text: &str) -> Verdict {
        let verdict = judge(text);
        self.inputs += 1;
        match &verdict {
            Verdict::BothAccept => self.both_accept += 1,
            Verdict::BothReject {
                same_path,
                same_problem,
            } => {
                self.both_reject += 1;
                self.same_path += usize::from(*same_path);
                self.same_problem += usize::from(*same_problem);
            }
            Verdict::Disagree(why) => {
                // To look at one: DOUI_DUMP=dir cargo test --test config_readers
                if let Some(dir) = std::env::var_os("DOUI_DUMP") {
                    let file = format!("{}.json", self.disagreements.len());
                    fs::write(Path::new(&dir).join(file), text).unwrap();
                }
                self.disagreements.push(format!("{name}: {why}"))
            }
        }
        verdict
    }

    fn report(&self, what: &str) {
        println!(
            "{what}: {} inputs, {} accepted by both with equal configs, {} refused by both on the same line ({} naming the same field, {} the same problem), {} disagreements",
            self.inputs,
            self.both_accept,
            self.both_reject,
            self.same_path,
            self.same_problem,
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
    assert!(
        matches!(
            judge(&duplicate),
            Verdict::BothReject {
                same_path: true,
                same_problem: true
            }
        ),
        "a repeated id"
    );
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
                Verdict::BothReject {
                    same_path: true,
                    same_problem: true,
                }
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

/// A small deterministic generator (xorshift64*), so that a failing input can
/// be found again from its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes that make JSON and config mistakes when put anywhere.
const NOISE: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\n",
    b" ",
    b"0",
    b"-",
    b".",
    b"e",
    b"null",
    b"true",
    b"1.5",
    b"\"x\"",
    b"\"\"",
    b"\\u",
    b"\\ud800",
    b"\t",
    b"\x01",
    "同意".as_bytes(),
    b"*",
    b";",
    b"/",
    b"//",
    b"$schema",
    b"ja",
    b"en",
];

/// One random edit of `text`: delete, duplicate or overwrite a run of bytes, or
/// insert noise. The result is cut to valid UTF-8, as a browser would pass it.
fn mutate(rng: &mut Rng, text: &[u8]) -> String {
    let mut b = text.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(b.len() + 1);
        let len = 1 + rng.below(8).min(b.len().saturating_sub(at));
        match rng.below(4) {
            0 if at < b.len() => {
                b.drain(at..(at + len).min(b.len()));
            }
            1 if at < b.len() => {
                let run: Vec<u8> = b[at..(at + len).min(b.len())].to_vec();
                b.splice(at..at, run);
            }
            2 => {
                let other = rng.below(b.len().max(1));
                let run: Vec<u8> = b[other.min(b.len())..(other + len).min(b.len())].to_vec();
                b.splice(at..at, run);
            }
            _ => {
                let noise = NOISE[rng.below(NOISE.len())];
                b.splice(at..at, noise.iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// 32,000 random mutations of the demo, the unit tests' fixtures and the fuzz
/// corpus: the readers must agree on every one.
#[test]
fn random_mutations_get_the_same_verdict() {
    let mut seeds: Vec<String> = vec![demo()];
    seeds.extend(rust_fixtures().into_iter().map(|(_, t)| t));
    seeds.extend(fuzz_inputs().into_iter().map(|(_, t)| t));
    let mut rng = Rng(0x00d0_0115_eed0_u64 | 1);
    let mut tally = Tally::default();
    for i in 0..32_000 {
        let seed = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, seed.as_bytes());
        tally.add(&format!("random mutation #{i}"), &text);
    }
    assert!(
        tally.both_accept > 500 && tally.both_reject > 10_000,
        "too one-sided to mean much: {} accepted, {} refused",
        tally.both_accept,
        tally.both_reject
    );
    tally.report("random mutations");
}
