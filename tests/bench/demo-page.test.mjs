// The benchmark's page (bench/pages/demo.html) is the demo's home page
// (www/index.html) with the consent manager taken out: every line of it,
// other than the markers where bench/lib/variants.mjs puts each contender's
// own tags and the few lines listed below, must be a line of the demo page, in
// the same order. So a change to the demo that the benchmark does not follow
// fails here, and the two cannot drift apart unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8').split('\n');
const MARKERS = ['<!--HEAD-->', '<!--BODY-START-->', '<!--EMBED-->', '<!--BLOCKED-->', '<!--BODY-END-->'];
/** The benchmark's own lines, and why. */
const OWN = new Map([
  // The demo names its stand-in third party on <html>, for its own scripts.
  ['<html lang="ja">', 'without the demo-only data-third-party attribute'],
  // Every contender blocks the same embed, under a heading of its own.
  ['  <h2>埋め込み動画</h2>', "the embed's heading; the demo's gated section is doui markup"],
]);

test('the benchmark page is the demo home page without the consent manager', () => {
  const demo = read('www/index.html');
  const bench = read('bench/pages/demo.html');
  for (const marker of MARKERS) assert.ok(bench.some((l) => l.trim() === marker), `bench page lost ${marker}`);
  let at = 0;
  const missing = [];
  for (const line of bench) {
    if (MARKERS.includes(line.trim()) || OWN.has(line)) continue;
    const found = demo.indexOf(line, at);
    if (found < 0) missing.push(line);
    else at = found + 1;
  }
  assert.deepEqual(missing, [], 'lines of bench/pages/demo.html that www/index.html no longer has (in this order): update the benchmark page');
  // And the other way round: the demo's text a visitor reads is all on the bench page,
  // except its section of things that wait for consent (doui markup, the <!--EMBED--> there).
  const start = demo.findIndex((l) => l.includes('class="demo-gated"'));
  const end = demo.indexOf('  </section>', start);
  assert.ok(start > 0 && end > start, 'the demo keeps its gated section');
  const outside = [...demo.slice(0, start), ...demo.slice(end + 1)];
  const text = (lines) => lines.filter((l) => /^\s*<(p|li|h1|h2)>/.test(l) && !l.includes('data-doui'));
  const benchLines = new Set(bench);
  assert.deepEqual(text(outside).filter((l) => !benchLines.has(l)), [], 'text of www/index.html missing from the benchmark page');
});
