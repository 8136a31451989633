//! Command-line access to the same code the browser runs.

use std::process::ExitCode;

use doui::config::Config;
use doui::policy;

const USAGE: &str = "usage:
  doui render <policy.md> [--config <config.json>] [--standalone]
      print the policy as HTML (an <article>; with --standalone, a whole page)
  doui check <config.json>
      validate a site config and print advice
  doui version <policy.md>
      print the policy's version hash";

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn load_config(path: &str) -> Result<Config, String> {
    Config::from_json(&read(path)?).map_err(|e| format!("{path}: {}", e.describe()))
}

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [cmd, file, rest @ ..] if cmd == "render" => {
            let mut config = None;
            let mut standalone = false;
            let mut it = rest.iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--config" => {
                        let path = it.next().ok_or("--config needs a file")?;
                        config = Some(load_config(path)?);
                    }
                    "--standalone" => standalone = true,
                    other => return Err(format!("unknown option {other}\n{USAGE}")),
                }
            }
            let source = read(file)?;
            let p = policy::render(&source, config.as_ref()).map_err(|e| format!("{file}: {e}"))?;
            if standalone {
                println!(
                    "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
                     <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                     <title>{}</title><link rel=\"stylesheet\" href=\"doui.css\"></head>\
                     <body><main>{}</main></body></html>",
                    p.lang,
                    escape(&p.title),
                    p.html
                );
            } else {
                println!("{}", p.html);
            }
            Ok(())
        }
        [cmd, file] if cmd == "check" => {
            let c = load_config(file)?;
            for w in c.warnings() {
                eprintln!("{file}: warning: {w}");
            }
            let services: usize = c.categories.iter().map(|c| c.services.len()).sum();
            println!(
                "{file}: ok: revision {}, {} categories, {services} services",
                c.revision,
                c.categories.len()
            );
            Ok(())
        }
        [cmd, file] if cmd == "version" => {
            println!("{}", policy::version(&read(file)?));
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    doui::text::push_escaped(&mut out, s);
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
