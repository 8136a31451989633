// Byte budgets of the built bundle: deterministic, so they are tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dist = new URL('../../dist/', import.meta.url);
const size = (name) => {
  const raw = readFileSync(new URL(name, dist));
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

// The goal from the banner issue: below vanilla-cookieconsent's 15.5 KB gzip.
const GOAL_GZIP = 15 * 1024;
// Not met yet (see docs/sizes.md): this ceiling keeps the critical path from
// growing while it is brought down; lower it with every reduction. 26,430 B
// measured after the budget work of issue 13 (which asked for at most
// 27,273 B), then 27,182 B with one config model in every build (+752 B,
// docs/sizes.md).
const CEILING_GZIP = 27_182;

test('banner critical path (loader + banner wasm + stylesheet)', () => {
  const parts = Object.fromEntries(['doui.js', 'doui_bg.wasm', 'doui.css'].map((f) => [f, size(f)]));
  const total = Object.values(parts).reduce(
    (a, p) => ({ raw: a.raw + p.raw, gzip: a.gzip + p.gzip, brotli: a.brotli + p.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  console.log(JSON.stringify({ parts, total, goalGzip: GOAL_GZIP, ratioToGoal: +(total.gzip / GOAL_GZIP).toFixed(2) }));
  assert.ok(total.gzip <= CEILING_GZIP, `critical path ${total.gzip} B gzip exceeds the ceiling ${CEILING_GZIP} B (goal ${GOAL_GZIP} B)`);
});

test('the banner module carries no Markdown engine', () => {
  const banner = readFileSync(new URL('doui_bg.wasm', dist));
  const policy = readFileSync(new URL('doui_policy_bg.wasm', dist));
  const marker = Buffer.from('doui-toc-title');
  assert.ok(policy.includes(marker), 'marker present in the policy module');
  assert.ok(!banner.includes(marker), 'policy renderer code found in the banner module');
  assert.ok(banner.length * 2 < policy.length);
});
