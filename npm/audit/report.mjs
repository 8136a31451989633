// What `doui audit` prints and writes: the terminal summary, the HTML report
// and the config entries `--suggest` proposes.

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The summary for the terminal; colours only when `colour`. */
export function summary(result, { colour = false } = {}) {
  const paint = (code, text) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const mark = { violation: paint('31', '✗'), error: paint('33', '!'), notice: paint('2', '·') };
  const n = result.pages.length;
  const lines = [
    paint('1', `doui audit ${result.url}`),
    `${n} page${n === 1 ? '' : 's'} in ${seconds(result.ms)} (${n ? seconds(result.ms / n) : '–'} per page, limit ${result.pageLimit})`,
  ];
  for (const f of result.findings) {
    const where = f.pages.length > 1 ? `${f.pages[0]} and ${f.pages.length - 1} more` : f.pages[0];
    lines.push(`${mark[f.severity]} ${paint('1', f.code)}  ${f.message}`);
    lines.push(`    on ${where}${f.visit ? ` (${f.visit})` : ''}`);
    if (f.element) lines.push(`    element: ${f.element}`);
    if (f.script) lines.push(`    script: ${f.script}`);
    if (f.source) lines.push(`    set by: ${f.source}`);
    if (f.excerpt) lines.push(...f.excerpt.split('\n').map((l) => `    ${l}`));
  }
  const { violations, errors, notices } = result.counts;
  const total = `${violations} violation${violations === 1 ? '' : 's'}, ${errors} page${errors === 1 ? '' : 's'} not audited, ${notices} notice${notices === 1 ? '' : 's'}`;
  lines.push(violations + errors === 0 ? paint('32', `pass: ${total}`) : paint('31', `fail: ${total}`));
  return lines.join('\n') + '\n';
}

const escapeHtml = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const columns = ['severity', 'message', 'pages', 'visit', 'name', 'domain', 'lifetime', 'declared', 'service', 'host', 'url', 'element', 'script', 'source', 'excerpt'];

/** A self-contained HTML report: no script, every value escaped. */
export function htmlReport(result, screenshot) {
  const groups = new Map();
  for (const f of result.findings) {
    if (!groups.has(f.code)) groups.set(f.code, []);
    groups.get(f.code).push(f);
  }
  const cell = (f, c) => {
    const v = f[c];
    if (v === undefined || v === null || v === '') return '<td></td>';
    if (Array.isArray(v)) return `<td>${v.map(escapeHtml).join('<br>')}</td>`;
    return c === 'excerpt' || c === 'element' ? `<td><pre>${escapeHtml(v)}</pre></td>` : `<td>${escapeHtml(v)}</td>`;
  };
  const tables = [...groups]
    .map(([code, list]) => {
      const used = columns.filter((c) => list.some((f) => f[c] !== undefined && f[c] !== null && f[c] !== ''));
      return `<section><h2>${escapeHtml(code)} (${list.length})</h2><table><thead><tr>${used.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${list
        .map((f) => `<tr class="${escapeHtml(f.severity)}">${used.map((c) => cell(f, c)).join('')}</tr>`)
        .join('')}</tbody></table></section>`;
    })
    .join('\n');
  const { violations, errors, notices } = result.counts;
  const pass = violations + errors === 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>doui audit: ${escapeHtml(result.url)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
pre{margin:0;white-space:pre-wrap;word-break:break-all;font-size:13px}
.pass{color:#060}.fail{color:#a00}tr.notice{color:#555}
img{max-width:100%;border:1px solid #ccc}
</style>
</head>
<body>
<h1>doui audit: ${escapeHtml(result.url)}</h1>
<p class="${pass ? 'pass' : 'fail'}">${pass ? 'Pass' : 'Fail'}: ${violations} violations, ${errors} pages not audited, ${notices} notices.
${result.pages.length} pages in ${seconds(result.ms)}.</p>
${screenshot ? `<h2>The banner</h2>\n<img alt="The consent banner as a first visitor sees it" src="data:image/png;base64,${escapeHtml(screenshot)}">` : '<p>No banner was shown.</p>'}
<h2>Pages</h2>
<table><thead><tr><th>page</th><th>time</th><th>problem</th></tr></thead><tbody>
${result.pages.map((p) => `<tr><td>${escapeHtml(p.url)}</td><td>${seconds(p.ms)}</td><td>${escapeHtml(p.error ?? '')}</td></tr>`).join('\n')}
</tbody></table>
${tables}
</body>
</html>
`;
}

/** `_ga_ABC123` → `_ga_*`: a name ending in an id becomes a pattern. */
export function namePattern(name) {
  const m = /^(.+?[_-])([A-Za-z0-9]*\d[A-Za-z0-9]*)$/.exec(name);
  return m && m[2].length >= 4 ? `${m[1]}*` : name;
}

/** Config entries for every undeclared cookie and host, one service per origin. */
export function suggestedServices(findings) {
  const services = new Map();
  const service = (key, label) => {
    if (!services.has(key)) {
      const id = label.replace(/^https?:\/\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase();
      services.set(key, { id: /^[a-z]/.test(id) ? id : `service-${id}`, name: label, provider: 'TODO', purpose: 'TODO', cookies: [], transmissions: [] });
    }
    return services.get(key);
  };
  for (const f of findings) {
    if (f.code === 'undeclared-cookie') {
      const from = /(https?:\/\/[^/\s]+)/.exec(f.source ?? '')?.[1];
      const s = service(from ?? 'first-party', from ?? 'first-party');
      const name = namePattern(f.name);
      if (!s.cookies.some((c) => c.name === name)) {
        s.cookies.push({ name, lifetime: f.lifetime, ...(f.party === 'third' ? { party: 'third' } : {}) });
      }
    }
    if (f.code === 'undeclared-host') {
      const s = service(f.host, f.host);
      if (s.transmissions.length === 0) s.transmissions.push({ data: 'TODO: what is sent to ' + f.host, purposeSite: 'TODO' });
    }
  }
  for (const s of services.values()) {
    if (s.cookies.length === 0) delete s.cookies;
    if (s.transmissions.length === 0) delete s.transmissions;
  }
  return [...services.values()];
}

/** `--suggest` for the terminal. */
export function suggestions(findings) {
  const services = suggestedServices(findings);
  if (services.length === 0) return '\n--suggest: nothing undeclared\n';
  const out = ['', '--suggest: services to add to a category of the config (fill in the TODOs, check the category):'];
  for (const s of services) out.push(JSON.stringify(s, null, 2));
  return out.join('\n') + '\n';
}
