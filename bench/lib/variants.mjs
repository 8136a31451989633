// Builds the benchmark's site in a scratch folder: the same demo page three
// times (doui, vanilla-cookieconsent, klaro) plus a page without any consent
// manager, the policy-renderer page, and a stand-in third party.
//
// Every contender gets the same categories, services, cookies and banner texts.
// They are taken from doui's demo config (www/doui-config.json) and doui's
// built-in banner texts, and written out in each rival's own documented config
// format, so the three banners say the same thing about the same site.

import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The contenders, with what the probe watches in the page. */
export const contenders = {
  doui: {
    label: 'doui',
    // src/ui.rs: <div class="doui"> holds <section class="doui-banner">.
    banner: '.doui .doui-banner',
    reject: '.doui .doui-banner [data-doui-action="reject-all"]',
    cookie: 'doui_consent',
  },
  'doui-pre': {
    label: 'doui prerendered',
    // The same root, put into the HTML by `doui snippet` and taken over by doui.js.
    banner: '.doui .doui-banner',
    reject: '.doui .doui-banner [data-doui-action="reject-all"]',
    cookie: 'doui_consent',
  },
  vcc: {
    label: 'vanilla-cookieconsent',
    // The consent modal ("cm") inside #cc-main; "reject all" is the
    // accept-necessary button (data-role="necessary").
    banner: '#cc-main .cm',
    reject: '#cc-main .cm [data-role="necessary"]',
    cookie: 'cc_cookie',
  },
  klaro: {
    label: 'klaro',
    // The consent notice inside #klaro; .cn-decline is "decline".
    banner: '#klaro .cookie-notice:not(.cookie-notice-hidden)',
    reject: '#klaro .cookie-notice .cn-decline',
    cookie: 'klaro',
  },
};

// doui's built-in banner texts (src/i18n.rs), used for all three banners.
const texts = {
  ja: {
    bannerTitle: 'Cookieの利用について',
    bannerBody:
      'このサイトでは、利用状況の分析、広告の効果測定、動画などの埋め込み表示のためにCookieなどの技術を使い、情報を外部に送信することがあります。同意いただける範囲を選んでください。サイトの動作に欠かせないCookieは常に有効です。選択はいつでも「Cookie設定」から変更・撤回できます。',
    acceptAll: 'すべて同意する',
    rejectAll: 'すべて拒否する',
    customize: '設定を選ぶ',
    policyLink: 'プライバシーポリシー',
    prefsTitle: 'Cookie設定',
    prefsBody:
      '目的ごと、サービスごとに同意するかどうかを選べます。オフにした項目のCookieは削除され、情報は送信されません。',
    save: '選択を保存する',
    close: '閉じる（変更を保存しない）',
    colCookie: 'Cookie',
    colService: 'サービス',
    colLifetime: '保存期間',
    embedAsk: '{title} の外部コンテンツを表示しますか？',
    always: '常に表示',
    once: '今回だけ表示',
  },
  en: {
    bannerTitle: 'About cookies on this site',
    bannerBody:
      'This site uses cookies and similar technologies, and may send information to other companies, to analyse visits, measure advertising and show embedded videos. Choose what you agree to. Cookies the site cannot work without are always on. You can change or withdraw your choice at any time from “Cookie settings”.',
    acceptAll: 'Accept all',
    rejectAll: 'Reject all',
    customize: 'Customise',
    policyLink: 'Privacy policy',
    prefsTitle: 'Cookie settings',
    prefsBody:
      'Choose per purpose and per service. For anything switched off, its cookies are deleted and nothing is sent.',
    save: 'Save my choices',
    close: 'Close without saving',
    colCookie: 'Cookie',
    colService: 'Service',
    colLifetime: 'Lifetime',
    embedAsk: 'Show external content from {title}?',
    always: 'Always',
    once: 'Just this once',
  },
};

const langs = ['ja', 'en'];

/** A doui "text": a string for every language or { ja, en }. */
const tr = (text, lang) =>
  typeof text === 'string' ? text : (text?.[lang] ?? text?.ja ?? text?.en ?? '');

/** A cookie name with `*` wildcards as a RegExp source anchored at both ends. */
const cookieRegex = (name) => '^' + name.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$';

/** Lifetime as written in the doui config ("2y", "session"), shown as is. */
const lifetime = (c) => c.lifetime;

/**
 * JSON-like source for a config object, where values made by `re()` become
 * RegExp literals (both rivals take RegExps for cookie names).
 */
const RE = '\u0000re:';
const re = (source) => RE + source;
const toSource = (value) =>
  JSON.stringify(value, null, 2).replace(/"\\u0000re:((?:[^"\\]|\\.)*)"/g, (_, s) => '/' + JSON.parse(`"${s}"`).replace(/\//g, '\\/') + '/');

// ---------------------------------------------------------------------------
// vanilla-cookieconsent v3: CookieConsent.run({ categories, language }), as in
// its "Getting started" guide (stylesheet in <head>, a module script that
// imports the UMD build and calls run()).

function vccConfig(config) {
  const categories = {};
  for (const c of config.categories) {
    const services = {};
    for (const s of c.services ?? []) services[s.id] = { label: tr(s.name, 'ja') };
    const ownCookies = (c.services ?? []).flatMap((s) => (s.cookies ?? []).filter((k) => k.party !== 'third'));
    categories[c.id] = c.required
      ? { enabled: true, readOnly: true, services }
      : { autoClear: { cookies: ownCookies.map((k) => ({ name: re(cookieRegex(k.name)) })) }, services };
  }
  const translations = {};
  for (const lang of langs) {
    const t = texts[lang];
    translations[lang] = {
      consentModal: {
        title: t.bannerTitle,
        description: t.bannerBody,
        acceptAllBtn: t.acceptAll,
        acceptNecessaryBtn: t.rejectAll,
        showPreferencesBtn: t.customize,
        footer: `<a href="${config.policyUrl ?? '/privacy.html'}">${t.policyLink}</a>`,
      },
      preferencesModal: {
        title: t.prefsTitle,
        acceptAllBtn: t.acceptAll,
        acceptNecessaryBtn: t.rejectAll,
        savePreferencesBtn: t.save,
        closeIconLabel: t.close,
        sections: [
          { description: t.prefsBody },
          ...config.categories.map((c) => ({
            title: tr(c.title, lang),
            description: tr(c.description, lang),
            linkedCategory: c.id,
            cookieTable: {
              headers: { name: t.colCookie, service: t.colService, lifetime: t.colLifetime },
              body: (c.services ?? []).flatMap((s) =>
                (s.cookies ?? []).map((k) => ({ name: k.name, service: tr(s.name, lang), lifetime: lifetime(k) })),
              ),
            },
          })),
        ],
      },
    };
  }
  const run = {
    revision: config.revision,
    cookie: { name: 'cc_cookie', expiresAfterDays: config.cookie?.days ?? 182 },
    categories,
    language: { default: 'ja', autoDetect: 'document', translations },
  };
  return `// vanilla-cookieconsent set-up, as in its getting-started guide.
import './cookieconsent.umd.js';

CookieConsent.run(${toSource(run)});
`;
}

// ---------------------------------------------------------------------------
// klaro: a global klaroConfig in config.js, loaded (defer) before klaro.js, as
// in its README and annotated dist/config.js. Klaro ships no Japanese, so the
// Japanese texts are given in `translations.ja`, the documented way to add one.

function klaroConfig(config) {
  const services = [];
  const translations = { zz: { privacyPolicyUrl: config.policyUrl ?? '/privacy.html' } };
  for (const lang of langs) {
    const t = texts[lang];
    translations[lang] = {
      consentNotice: { title: t.bannerTitle, description: t.bannerBody, learnMore: t.customize },
      consentModal: { title: t.prefsTitle, description: t.prefsBody },
      ok: t.acceptAll,
      acceptAll: t.acceptAll,
      acceptSelected: t.save,
      decline: t.rejectAll,
      save: t.save,
      close: t.close,
      privacyPolicy: { name: t.policyLink, text: '{privacyPolicy}' },
      contextualConsent: { description: t.embedAsk, acceptAlways: t.always, acceptOnce: t.once },
      purposes: {},
    };
  }
  for (const c of config.categories) {
    // Klaro's own name for strictly necessary services is the "functional" purpose.
    const purpose = c.required ? 'functional' : c.id;
    for (const lang of langs) {
      translations[lang].purposes[purpose] = { title: tr(c.title, lang), description: tr(c.description, lang) };
    }
    for (const s of c.services ?? []) {
      services.push({
        name: s.id,
        purposes: [purpose],
        required: !!c.required,
        default: false,
        cookies: (s.cookies ?? []).filter((k) => k.party !== 'third').map((k) => re(cookieRegex(k.name))),
      });
      for (const lang of langs) {
        translations[lang][s.id] = { title: tr(s.name, lang), description: tr(s.purpose, lang) };
      }
    }
  }
  const klaro = {
    version: 1,
    elementID: 'klaro',
    storageMethod: 'cookie',
    cookieName: 'klaro',
    cookieExpiresAfterDays: config.cookie?.days ?? 182,
    default: false,
    mustConsent: false,
    acceptAll: true,
    hideDeclineAll: false,
    hideLearnMore: false,
    groupByPurpose: true,
    translations,
    services,
  };
  return `// klaro set-up, as in its README and annotated config.js.
var klaroConfig = ${toSource(klaro)};
`;
}

// ---------------------------------------------------------------------------
// The pages. Each contender blocks the same analytics tag and the same video
// embed with its own documented markup.

function pageFor(name, template, third, snippets) {
  const analytics = `${third}/third/analytics.js`;
  const video = `${third}/third/embed.html`;
  const size = 'width="560" height="315"';
  const parts = {
    doui: {
      head: `<link rel="stylesheet" href="/doui/dist/doui.css">
<link rel="preload" href="/doui/dist/doui_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="preload" href="/doui/doui-config.json" as="fetch" crossorigin>
<script type="module" src="/doui/dist/doui.js" data-doui-config="/doui/doui-config.json"></script>`,
      blocked: `<script type="text/plain" data-consent="analytics" data-src="${analytics}"></script>`,
      embed: `<iframe ${size} title="動画" data-consent="embeds" data-src="${video}"></iframe>`,
      end: '',
    },
    // doui with its banner in the HTML: the head script's tag and the banner
    // root as `doui snippet` prints them (see buildSite), and the same files.
    'doui-pre': {
      head: `<link rel="stylesheet" href="/doui-pre/dist/doui.css">
<link rel="preload" href="/doui-pre/dist/doui_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="preload" href="/doui-pre/doui-config.json" as="fetch" crossorigin>
${snippets.head}
<script type="module" src="/doui-pre/dist/doui.js" data-doui-config="/doui-pre/doui-config.json"></script>`,
      start: snippets.body,
      blocked: `<script type="text/plain" data-consent="analytics" data-src="${analytics}"></script>`,
      embed: `<iframe ${size} title="動画" data-consent="embeds" data-src="${video}"></iframe>`,
      end: '',
    },
    vcc: {
      head: `<link rel="stylesheet" href="/vcc/cookieconsent.css">`,
      blocked: `<script type="text/plain" data-category="analytics" data-service="google-analytics" data-src="${analytics}"></script>`,
      // vanilla-cookieconsent gates scripts only (iframes need its separate
      // iframemanager library): a gated inline script puts the player in.
      embed: `<div id="video" style="width:560px;height:315px"></div>
<script type="text/plain" data-category="embeds" data-service="youtube">
  document.getElementById('video').innerHTML = '<iframe ${size} title="動画" src="${video}"></iframe>';
</script>`,
      end: `<script type="module" src="/vcc/cookieconsent-config.js"></script>`,
    },
    klaro: {
      head: `<script defer src="/klaro/config.js"></script>
<script defer src="/klaro/klaro.js"></script>`,
      blocked: `<script type="text/plain" data-type="text/javascript" data-name="google-analytics" data-src="${analytics}"></script>`,
      embed: `<iframe ${size} title="動画" data-name="youtube" data-src="${video}"></iframe>`,
      end: '',
    },
    bare: { head: '', blocked: '', embed: `<div style="width:560px;height:315px"></div>`, end: '' },
  }[name];
  return template
    .replace('<!--HEAD-->', parts.head)
    .replace('<!--BODY-START-->', parts.start ?? '')
    .replace('<!--BLOCKED-->', parts.blocked)
    .replace('<!--EMBED-->', parts.embed)
    .replace('<!--BODY-END-->', parts.end);
}

/**
 * Writes the whole site into `site` (a scratch folder). `repo` is the project
 * root, `dist` the snapshot of the built bundle, `third` the third-party origin.
 */
export async function buildSite({ repo, dist, site, third }) {
  const bench = join(repo, 'bench');
  const mods = join(bench, 'node_modules');
  const configText = await readFile(join(repo, 'www/doui-config.json'), 'utf8');
  const config = JSON.parse(configText);
  const template = await readFile(join(bench, 'pages/demo.html'), 'utf8');

  for (const d of ['doui', 'doui-pre', 'vcc', 'klaro', 'bare', 'third', 'policy', 'md']) await mkdir(join(site, d), { recursive: true });
  await cp(join(repo, 'www/site.css'), join(site, 'site.css'));
  await cp(join(repo, 'www/favicon.svg'), join(site, 'favicon.svg'));
  await cp(join(bench, 'pages/third'), join(site, 'third'), { recursive: true });
  await cp(join(bench, 'pages/policy'), join(site, 'policy'), { recursive: true });
  await cp(join(repo, 'policies'), join(site, 'policies'), { recursive: true });

  // doui: the built bundle and the demo config, as the README says to embed it.
  await cp(dist, join(site, 'doui/dist'), { recursive: true });
  await writeFile(join(site, 'doui/doui-config.json'), configText);
  // vanilla-cookieconsent: stylesheet, UMD build, and the config module.
  await cp(join(mods, 'vanilla-cookieconsent/dist/cookieconsent.css'), join(site, 'vcc/cookieconsent.css'));
  await cp(join(mods, 'vanilla-cookieconsent/dist/cookieconsent.umd.js'), join(site, 'vcc/cookieconsent.umd.js'));
  await writeFile(join(site, 'vcc/cookieconsent-config.js'), vccConfig(config));
  // klaro: the default build (styles included in the script) and config.js.
  await cp(join(mods, 'klaro/dist/klaro.js'), join(site, 'klaro/klaro.js'));
  await writeFile(join(site, 'klaro/config.js'), klaroConfig(config));
  // markdown-it's browser build, for the renderer comparison.
  await cp(join(mods, 'markdown-it/dist/browser/markdown-it.esm.min.mjs'), join(site, 'md/markdown-it.esm.min.mjs'));
  // Bare pulldown-cmark as a wasm module (bench/pulldown-cmark, built by ./dev bench;
  // run.mjs checks it is there when the policy figures are wanted).
  await cp(join(repo, 'target/bench'), join(site, 'pulldown-cmark'), { recursive: true, force: true }).catch(() => {});

  await cp(dist, join(site, 'doui-pre/dist'), { recursive: true });
  await writeFile(join(site, 'doui-pre/doui-config.json'), configText);
  // The prerendered banner and its head tag, printed by the npm package's
  // `doui` command (the same bytes as the native one) for the demo config.
  const doui = (...args) =>
    execFileSync('node', [join(repo, 'target/npm/bin/doui.mjs'), 'snippet', join(repo, 'www/doui-config.json'), ...args], { encoding: 'utf8' }).trimEnd();
  const snippets = { head: doui('--head', '/doui-pre/dist/doui-consent-default.js'), body: doui('--lang', 'ja') };

  for (const name of ['doui', 'doui-pre', 'vcc', 'klaro', 'bare']) {
    await writeFile(join(site, name, 'index.html'), pageFor(name, template, third, snippets));
  }
  return { config, configText };
}

/**
 * What kind of consent-manager file a URL path is, or null when it is not one
 * of `name`'s files (the page itself and the site's own files are not counted).
 */
export function classify(name, pathname) {
  if (!pathname.startsWith(`/${name}/`) || pathname.endsWith('/') || pathname.endsWith('.html')) return null;
  if (/config\.(js|json)$/.test(pathname)) return 'config';
  if (pathname.endsWith('.wasm')) return 'wasm';
  if (pathname.endsWith('.css')) return 'css';
  if (/\.m?js$/.test(pathname)) return 'js';
  return 'other';
}
