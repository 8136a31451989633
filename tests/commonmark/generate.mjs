#!/usr/bin/env node
// Writes tests/commonmark/spec.json, the CommonMark spec's examples as the npm
// package commonmark-spec (pinned in package-lock.json) extracts them, with `→`
// turned into the tab it stands for. tests/commonmark.rs renders every example and
// checks, when node_modules is installed, that this copy is current.
//
//   node tests/commonmark/generate.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const spec = require('commonmark-spec');
const { version, license } = require('commonmark-spec/package.json');
const tab = (s) => s.replace(/→/g, '\t');
const examples = spec.tests.map((t) => ({
  number: t.number,
  section: t.section,
  markdown: tab(t.markdown),
  html: tab(t.html),
}));
// One example per line, so that a new spec version reads as a diff of examples.
const out =
  `{"package": "commonmark-spec", "version": ${JSON.stringify(version)}, "license": ${JSON.stringify(license)},\n` +
  ` "examples": [\n${examples.map((e) => '  ' + JSON.stringify(e)).join(',\n')}\n]}\n`;
writeFileSync(new URL('./spec.json', import.meta.url), out);
console.log(`tests/commonmark/spec.json: ${examples.length} examples of commonmark-spec ${version}`);
