// Every call of doui's JavaScript API, every event and every config field,
// as an app written in TypeScript uses them. Must type-check.
import {
  acceptAll,
  accepted,
  configJson,
  configure,
  consent,
  onChange,
  ready,
  rejectAll,
  renderPolicies,
  set,
  show,
  showPreferences,
  type Config,
  type ConsentDetail,
} from 'doui';
import initPolicy, { checkConfig, explainConfig, load, mountPolicy, renderPolicy, runCli, shownText, useStylesheet } from 'doui/policy';
import type { DouiProblem, RenderedPolicy } from 'doui/policy';

const config: Config = {
  $schema: './node_modules/doui/doui-config.schema.json',
  revision: 3,
  siteName: { ja: 'サンプル', en: 'Sample' },
  operator: { ja: 'サンプル株式会社', en: 'Sample K.K.' },
  lang: 'ja',
  policyUrl: { ja: '/privacy.html', en: '/en/privacy.html' },
  policyVersion: { ja: '50b5f8ce', en: '8298c3e8' },
  cookie: { name: 'doui_consent', days: 182, domain: 'example.jp' },
  reopenButton: true,
  honourGpc: true,
  reloadOnWithdraw: false,
  receipts: { url: 'https://receipts.example.jp/v1/receipts' },
  consentMode: { mode: 'advanced', adsDataRedaction: true, urlPassthrough: false },
  texts: { ja: { bannerTitle: 'Cookieについて' }, en: { bannerTitle: 'About cookies' } },
  categories: [
    {
      id: 'analytics',
      title: { ja: 'アクセス解析', en: 'Analytics' },
      description: 'Counts page views.',
      required: false,
      gpc: false,
      consentTypes: ['analytics_storage'],
      services: [
        {
          id: 'google-analytics',
          name: 'Google Analytics',
          provider: 'Google LLC',
          purpose: { ja: 'アクセス解析', en: 'Analytics' },
          country: 'USA',
          privacyUrl: 'https://policies.google.com/privacy',
          googleTag: true,
          cookies: [
            { name: '_ga', lifetime: '13mo', party: 'first', purpose: 'Tells visitors apart', note: 'Renewed on each visit', path: '/' },
          ],
          transmissions: [
            {
              data: { ja: '閲覧したページのURL', en: 'URLs of the pages viewed' },
              recipient: 'Google LLC',
              purposeSite: 'アクセス解析',
              purposeRecipient: '広告配信',
              recipientUrl: 'https://policies.google.com/privacy',
            },
          ],
        },
      ],
    },
  ],
};

configure(config);
configure(JSON.stringify(config));
const allowed: boolean = accepted('analytics');
const now: ConsentDetail | null = consent();
const analyticsOn: boolean | undefined = now?.categories.analytics;
const when: number | undefined = now?.time;
void [allowed, analyticsOn, when, now?.id, now?.revision, now?.policy, now?.services];
await show();
await showPreferences();
await acceptAll();
await rejectAll();
const known: boolean = await set('google-analytics', false);
const stop: () => void = onChange((detail) => console.log(detail.categories, detail.services));
stop();
await ready;
await renderPolicies();
await renderPolicies(document.body);
const text: string = await configJson();

document.addEventListener('doui:consent', (e) => console.log(e.detail.categories.analytics));
document.addEventListener('doui:change', (e) => console.log(e.detail.revision));
document.addEventListener('doui:policy', (e) => console.log(e.detail.version));
document.body.addEventListener('doui:policy', (e) => console.log(e.detail.version));
window.doui.accepted('analytics');
window.doui.onChange(() => {});

await initPolicy();
useStylesheet();
await load();
const refused: DouiProblem | null = checkConfig(text);
const problem: string = refused ? `${refused.line} ${refused.path} ${refused.problem}: ${refused.message}` : await explainConfig(text);
const policy: RenderedPolicy = renderPolicy('# Policy', text);
const parts: string[] = [policy.html, policy.title, policy.lang, policy.version, ...policy.headings.map((h) => `${h.level} ${h.id} ${h.text}`)];
try {
  renderPolicy('```doui-x\n```', null);
} catch (e) {
  const why = e as Error & DouiProblem;
  parts.push(why.message, String(why.line), why.path);
}
const version: string = mountPolicy(document.body, '# Policy', null);
const cli: { code: number; stdout: string; stderr: string } = runCli(['check', 'site.json'], (path) => path);
const shown: string = shownText(text, 'ja', false);
void [known, problem, parts, version, cli, shown];
