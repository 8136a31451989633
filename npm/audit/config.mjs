// The site config as the audit reads it: validated by the project's own reader
// (the policy module's `runCli check`, the same code as `doui check`), then
// indexed for the questions the audit asks of it.
import { readFileSync } from 'node:fs';
import { initSync, runCli } from '../doui-policy.js';

/** Seconds per lifetime unit, as the config reader counts them (a month is 30 days, a year 365). */
export const units = { s: 1, min: 60, h: 3600, d: 86400, w: 604800, mo: 2592000, y: 31536000 };

/** `session` → null, `2y` → seconds. */
export function lifetimeSeconds(text) {
  if (text === 'session') return null;
  const m = /^(\d+)(s|min|h|d|w|mo|y)$/.exec(text);
  return m ? Number(m[1]) * units[m[2]] : undefined;
}

/** Seconds in the config's largest unit that states them within 2 % (`63072000` → `2y`). */
export function lifetimeText(seconds) {
  if (seconds === null) return 'session';
  for (const u of ['y', 'mo', 'w', 'd', 'h', 'min', 's']) {
    if (seconds > 0 && seconds % units[u] === 0) return `${seconds / units[u]}${u}`;
  }
  for (const u of ['y', 'mo', 'w', 'd', 'h', 'min']) {
    const n = Math.round(seconds / units[u]);
    if (n >= 1 && Math.abs(n * units[u] - seconds) <= seconds * 0.02) return `${n}${u}`;
  }
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** A cookie-name pattern of the config (`_ga_*`) as a regular expression. */
export function patternRegExp(pattern) {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

let initialised = false;
/** Validates `text` with the project's reader; returns null or the reader's message. */
export function validate(text, label = 'doui-config.json') {
  if (!initialised) {
    initSync({ module: readFileSync(new URL('../doui_policy_bg.wasm', import.meta.url)) });
    initialised = true;
  }
  const { code, stderr } = runCli(['check', label], (path) => {
    if (path !== label) throw new Error('No such file or directory (os error 2)');
    return text;
  });
  return code === 0 ? null : stderr.trim();
}

/** Reads and validates a config; throws with the reader's message when it is invalid. */
export function loadConfig(text, label) {
  const problem = validate(text, label);
  if (problem) throw new Error(problem);
  return indexConfig(JSON.parse(text));
}

/** The config with lookups: services by id, ids to services, declared cookies. */
export function indexConfig(config) {
  const services = new Map();
  const byId = new Map();
  const cookies = [];
  for (const category of config.categories ?? []) {
    const members = [];
    for (const s of category.services ?? []) {
      const service = { id: s.id, category: category.id, required: !!category.required, transmissions: (s.transmissions ?? []).length, cookies: s.cookies ?? [] };
      services.set(s.id, service);
      byId.set(s.id, [service]);
      members.push(service);
      for (const c of s.cookies ?? []) {
        cookies.push({ ...c, service: s.id, required: !!category.required, seconds: lifetimeSeconds(c.lifetime), re: patternRegExp(c.name), exact: !c.name.includes('*') });
      }
    }
    byId.set(category.id, members);
  }
  const consentCookie = config.cookie?.name ?? 'doui_consent';
  return {
    raw: config,
    services,
    consentCookie,
    /** The services a `data-consent` value names (a category names all of its own). */
    resolve: (id) => byId.get(String(id).replace(/^!/, '')) ?? [],
    /** The declaration a cookie name matches: an exact name first, then the longest pattern. */
    cookie(name) {
      const matches = cookies.filter((c) => c.re.test(name));
      matches.sort((a, b) => Number(b.exact) - Number(a.exact) || b.name.length - a.name.length);
      return matches[0] ?? null;
    },
    cookies,
  };
}
