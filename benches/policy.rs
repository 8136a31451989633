//! Native benchmark of the policy renderer: doui's `policy::render` against bare
//! pulldown-cmark with the same options, on every policy in `policies/` joined as
//! the browser benchmark joins them (bench/pages/policy/bench.js), and on the
//! largest one alone. `cargo bench --bench policy`; throughput is in source bytes.
//! The bench profile is the release one (`opt-level = "z"`, as the wasm modules).

use std::fs;
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use doui::config::Config;
use doui::policy;
use pulldown_cmark::{html, Parser};

fn policies() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut docs: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn bare(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, policy::options()));
    out
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::from_json(&fs::read_to_string(root.join("www/doui-config.json")).unwrap())
        .unwrap_or_else(|e| panic!("{}", e.describe()));
    let docs = policies();
    let joined = docs
        .iter()
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let largest = docs.iter().max_by_key(|(_, text)| text.len()).unwrap();
    for (name, text) in [
        ("all policies joined", &joined),
        (largest.0.as_str(), &largest.1),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("doui", |b| {
            b.iter(|| policy::render(black_box(text), Some(&config)).unwrap())
        });
        group.bench_function("pulldown-cmark", |b| b.iter(|| bare(black_box(text))));
        // The version hash alone: FNV-1a, one multiply per byte in a chain, which
        // cannot change without changing every published policy version.
        group.bench_function("version hash", |b| {
            b.iter(|| policy::version(black_box(text)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
