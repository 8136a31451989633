// The class names and data-doui-* attributes that the banner's markup
// (src/ui.rs), its scripts (src/web/*.js) and its stylesheet (src/web/doui.css)
// share are listed once, in tests/vectors/markup-names.json (with the ids the
// markup refers to itself, and the attributes a site's page carries). Each file
// is read for the names it uses; a name missing from the list, or a shared one
// that fewer than two files use, fails: a rename in one place breaks this test
// instead of silently breaking styling or behaviour. Reads sources only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const list = JSON.parse(read('tests/vectors/markup-names.json'));
const SCRIPTS = ['banner.js', 'gate.js', 'loader.js', 'consent-default.js'];

const dropComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const kebab = (camel) => camel.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const all = (text, re) => [...text.matchAll(re)].map((m) => m[1]);

/** Names (`doui-x` classes and ids, `data-doui-x` attributes) each source uses. */
function uses() {
  const used = {};
  const rust = dropComments(read('src/ui.rs').split('#[cfg(test)]')[0]);
  used['src/ui.rs'] = {
    classes: all(rust, /(?<![\w-])(doui(?:-[a-z]+)*)/g),
    data: all(rust, /(data-doui-[a-z-]+)/g),
  };
  for (const file of SCRIPTS) {
    const js = dropComments(read(`src/web/${file}`));
    used[file] = {
      classes: [
        ...all(js, /(?<![\w/])\.(doui(?:-[a-z]+)*)/g), // in selectors
        ...all(js, /(?:className = |classList\.\w+\()'(doui(?:-[a-z]+)*)'/g),
      ],
      data: [
        ...all(js, /(data-doui-[a-z-]+)/g),
        ...all(js, /\b(?:dataset|data)\.(doui\w+)/g).map((n) => 'data-' + kebab(n)),
      ],
    };
  }
  const css = dropComments(read('src/web/doui.css'));
  used['src/web/doui.css'] = {
    classes: all(css, /\.(doui(?:-[a-z]+)*)/g),
    data: all(css, /\[(data-doui-[a-z-]+)/g),
  };
  return used;
}

test('every class name, id and data attribute is in the one list', () => {
  const known = { classes: [...list.classes, ...list.ids], data: [...list.data, ...list.page] };
  for (const [file, used] of Object.entries(uses())) {
    for (const kind of ['classes', 'data']) {
      const unknown = [...new Set(used[kind])].filter((n) => !known[kind].includes(n));
      assert.deepEqual(unknown, [], `${file} uses ${kind} missing from tests/vectors/markup-names.json`);
    }
  }
});

test('every shared name is used by at least two files', () => {
  const found = Object.values(uses());
  for (const kind of ['classes', 'data']) {
    for (const name of list[kind]) {
      const users = found.filter((u) => u[kind].includes(name)).length;
      assert.ok(users >= 2, `${name} is used in ${users} file(s): renamed in one place, or no longer shared`);
    }
  }
});

test("the attributes a site's page carries are read by the scripts and documented", () => {
  const found = Object.values(uses());
  const docs = read('docs/embedding.md');
  for (const name of list.page) {
    assert.ok(found.some((u) => u.data.includes(name)), `${name} is read by no script`);
    assert.ok(docs.includes(name), `${name} is not in docs/embedding.md`);
  }
});
