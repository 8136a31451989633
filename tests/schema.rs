//! The committed JSON Schema against what schemars generates from the config's
//! model (`doui::config::schema`).
//!
//! After an intended change to the model, regenerate the schema with
//! `DOUI_BLESS=1 cargo test --test schema` and review the diff.

use std::fs;
use std::path::Path;

const SCHEMA_FILE: &str = "schema/doui-config.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schema_is_current() {
    let path = root().join(SCHEMA_FILE);
    let generated = doui::config::schema::generate();
    if std::env::var_os("DOUI_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{SCHEMA_FILE} is missing: run with DOUI_BLESS=1"));
    assert!(
        committed == generated,
        "{SCHEMA_FILE} is stale: the config model in src/config/ changed; run `DOUI_BLESS=1 cargo test --test schema` and review the diff"
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

/// Every field the config accepts, as the schema lists them, has a row in the
/// config reference (`| `name` |`), and every text key is named there.
#[test]
fn every_field_is_in_the_config_reference() {
    let schema: serde_json::Value =
        serde_json::from_str(&doui::config::schema::generate()).unwrap();
    let reference = fs::read_to_string(root().join("docs/config.md")).unwrap();
    let texts: Vec<&String> = schema["$defs"]["Messages"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(texts.len() > 30, "the schema lists the text keys");
    let mut fields = Vec::new();
    let mut todo = vec![&schema];
    while let Some(v) = todo.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    fields.extend(props.keys().filter(|k| !texts.contains(k)));
                }
                todo.extend(map.values());
            }
            serde_json::Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    assert!(fields.len() > 40, "only {} fields found", fields.len());
    let undocumented: Vec<_> = fields
        .iter()
        .filter(|f| !["ja", "en"].contains(&f.as_str()))
        .filter(|f| !reference.contains(&format!("| `{f}` |")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "fields without a row in docs/config.md: {undocumented:?}"
    );
    let unnamed: Vec<_> = texts
        .iter()
        .filter(|t| !reference.contains(&format!("`{t}`")))
        .collect();
    assert!(
        unnamed.is_empty(),
        "text keys not named in docs/config.md: {unnamed:?}"
    );
}
