//! What the site owner reads: the export lines (NDJSON, CSV) and the admin page,
//! server-rendered HTML with an SVG chart of choices per category per day. No
//! inline styles or scripts, so the page works under a strict Content-Security-Policy.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use doui::i18n::Lang;

use crate::chain::Row;
use crate::day;
use crate::receipt::Receipt;
use crate::site::Site;

/// The admin page's stylesheet, served as /admin/admin.css.
pub const CSS: &str = include_str!("admin.css");

/// The first line of a CSV export.
pub const CSV_HEADER: &str = "day,shard,seq,received,consent_id,time,revision,policy,lang,gpc,action,categories,services,shown,ip_hash,prev,hash\r\n";

/// One receipt as an NDJSON line: where it sits in the chain, and the receipt.
pub fn ndjson_line(row: &Row) -> String {
    let receipt: serde_json::Value =
        serde_json::from_str(&row.body).unwrap_or(serde_json::Value::Null);
    let mut line = serde_json::json!({
        "day": row.day,
        "shard": row.shard,
        "seq": row.seq,
        "received": row.received,
        "ip_hash": row.ip_hash,
        "prev": row.prev,
        "hash": row.hash,
        "receipt": receipt,
    })
    .to_string();
    line.push('\n');
    line
}

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
    out.push(',');
}

fn decisions(list: &[(String, bool)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|(id, on)| format!("{id}:{}", u8::from(*on)))
        .collect();
    parts.join(" ")
}

/// One receipt as a CSV line; decisions as `id:1 id:0`, in config order.
pub fn csv_line(row: &Row) -> String {
    let mut out = String::new();
    csv_field(&mut out, &row.day);
    csv_field(&mut out, &row.shard);
    csv_field(&mut out, &row.seq.to_string());
    csv_field(&mut out, &row.received.to_string());
    csv_field(&mut out, &row.consent_id);
    match serde_json::from_str::<Receipt>(&row.body) {
        Ok(r) => {
            csv_field(&mut out, &r.time.to_string());
            csv_field(&mut out, &r.revision.to_string());
            csv_field(&mut out, &r.policy);
            csv_field(&mut out, &r.lang);
            csv_field(&mut out, if r.gpc { "true" } else { "false" });
            csv_field(&mut out, r.action.name());
            csv_field(&mut out, &decisions(&r.categories.0));
            csv_field(&mut out, &decisions(&r.services.0));
            csv_field(&mut out, &r.shown);
        }
        // A body that no longer reads (edited in the database): its columns stay
        // empty here, and `doui-receipts verify` names the row.
        Err(_) => out.push_str(",,,,,,,,,"),
    }
    csv_field(&mut out, row.ip_hash.as_deref().unwrap_or(""));
    csv_field(&mut out, &row.prev);
    out.push_str(&row.hash);
    out.push_str("\r\n");
    out
}

/// `s` escaped for HTML text and attribute values, as doui's own markup escapes it.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    doui::text::push_escaped(&mut out, s);
    out
}

/// The counts behind the chart, gathered a page of rows at a time.
#[derive(Debug, Clone)]
pub struct Chart {
    /// First day shown, in days since 1970-01-01.
    first: i64,
    /// How many days.
    days: i64,
    /// Per category, per day: receipts that allowed it, and that refused it.
    counts: BTreeMap<String, Vec<(u64, u64)>>,
    /// Receipts per action.
    actions: BTreeMap<&'static str, u64>,
    /// Receipts per day.
    per_day: Vec<u64>,
}

impl Chart {
    /// An empty chart of `days` days from day number `first`.
    pub fn new(first: i64, days: i64) -> Chart {
        Chart {
            first,
            days,
            counts: BTreeMap::new(),
            actions: BTreeMap::new(),
            per_day: vec![0; days.max(0) as usize],
        }
    }

    /// Counts one stored receipt (rows outside the range or unreadable are skipped;
    /// `verify` is what reports edited rows).
    pub fn add(&mut self, row: &Row) {
        let Some(i) = day::to_days(&row.day).map(|n| n - self.first) else {
            return;
        };
        if !(0..self.days).contains(&i) {
            return;
        }
        let Ok(r) = serde_json::from_str::<Receipt>(&row.body) else {
            return;
        };
        let i = i as usize;
        self.per_day[i] += 1;
        *self.actions.entry(r.action.name()).or_default() += 1;
        for (id, on) in &r.categories.0 {
            let slot = self
                .counts
                .entry(id.clone())
                .or_insert_with(|| vec![(0, 0); self.days as usize]);
            if *on {
                slot[i].0 += 1;
            } else {
                slot[i].1 += 1;
            }
        }
    }
}

/// The admin page for the chart's range.
pub fn page(sites: &BTreeMap<u32, Site>, chart: &Chart) -> String {
    let (first, days) = (chart.first, chart.days);
    let (counts, actions, per_day) = (&chart.counts, &chart.actions, &chart.per_day);
    let lang = sites
        .values()
        .next_back()
        .and_then(|s| s.config.lang)
        .unwrap_or(Lang::Ja);
    // Categories in the newest revision's order, then any only older revisions had.
    let mut categories: Vec<(String, String, bool)> = Vec::new();
    for site in sites.values().rev() {
        for c in &site.config.categories {
            if !categories.iter().any(|(id, _, _)| *id == c.id) {
                categories.push((c.id.clone(), c.title.get(lang).to_string(), c.required));
            }
        }
    }
    let total: u64 = per_day.iter().sum();
    let max_day = per_day.iter().copied().max().unwrap_or(0).max(1);
    let from = day::from_days(first);
    let to = day::from_days(first + days - 1);

    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Consent receipts</title><link rel=\"stylesheet\" href=\"admin/admin.css\"></head><body>\
<h1>Consent receipts</h1>\
<form method=\"get\" action=\"admin\"><label>Days <input name=\"days\" type=\"number\" min=\"1\" max=\"366\" value=\"{days}\"></label> <button>Show</button></form>\
<p class=\"summary\">{total} receipts from {from} to {to}"
    );
    for (a, n) in actions {
        let _ = write!(h, " · {a}: {n}");
    }
    h.push_str("</p>");
    h.push_str("<p class=\"legend\"><span class=\"key yes\"></span> allowed <span class=\"key no\"></span> refused</p>");
    // Bars share a fixed width, so a week and a year both fill the chart.
    const HEIGHT: u64 = 120;
    let bar = (840 / days).max(3);
    let width = days * bar + 2;
    for (id, title, required) in &categories {
        let empty = vec![(0, 0); days as usize];
        let series = counts.get(id).unwrap_or(&empty);
        let (yes, no) = series.iter().fold((0, 0), |(y, n), (a, b)| (y + a, n + b));
        let rate = if yes + no > 0 {
            format!("{:.1}% allowed", yes as f64 * 100.0 / (yes + no) as f64)
        } else {
            "no receipts".to_string()
        };
        let _ = write!(
            h,
            "<section><h2>{} <code>{}</code>{}</h2><p class=\"rate\">{rate} ({yes} of {})</p>\
<svg class=\"chart\" role=\"img\" aria-label=\"{} per day: allowed and refused\" viewBox=\"0 0 {width} {}\" width=\"{width}\" height=\"{}\">",
            esc(title),
            esc(id),
            if *required { " (necessary)" } else { "" },
            yes + no,
            esc(title),
            HEIGHT + 20,
            HEIGHT + 20
        );
        for (i, (y, n)) in series.iter().enumerate() {
            let x = i as i64 * bar + 1;
            let hy = y * HEIGHT / max_day;
            let hn = n * HEIGHT / max_day;
            let d = day::from_days(first + i as i64);
            let _ = write!(
                h,
                "<g><title>{d}: {y} allowed, {n} refused</title>\
<rect class=\"yes\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{hy}\"></rect>\
<rect class=\"no\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{hn}\"></rect></g>",
                HEIGHT - hy,
                (bar - 1).max(1),
                HEIGHT - hy - hn,
                (bar - 1).max(1)
            );
        }
        let _ = write!(
            h,
            "<text x=\"1\" y=\"{}\">{from}</text><text x=\"{}\" y=\"{}\" class=\"end\">{to}</text></svg></section>",
            HEIGHT + 16,
            width - 1,
            HEIGHT + 16
        );
    }
    h.push_str("<p class=\"foot\">Export: <code>GET /v1/admin/export?from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;format=ndjson|csv</code> with the admin token. Check the chain with <code>doui-receipts verify</code>.</p></body></html>\n");
    h
}
