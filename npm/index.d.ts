// Types of the `doui` package's main module (doui.js): the JavaScript API, the
// events doui dispatches, and the site config (generated from its JSON Schema
// into config.d.ts).
import type { DouiSiteConfig } from './config';

/** The site config (doui-config.json), as its JSON Schema describes it. */
export type Config = DouiSiteConfig;
export type * from './config';

/** A visitor's decision: what `consent()` returns and every event's `detail`. */
export interface ConsentDetail {
  /** Category id → allowed. Every category of the config is present. */
  categories: Record<string, boolean>;
  /** Service id → allowed. Every service of the config is present. */
  services: Record<string, boolean>;
  /** The consent record's random id (22 base64url characters). */
  id: string;
  /** When the choice was made, in Unix seconds. */
  time: number;
  /** The config `revision` the choice was made under. */
  revision: number;
  /** The policy version the visitor could read (`policyVersion`), or `-` when the config has none. */
  policy: string;
}

/** The `detail` of `doui:policy`, dispatched on the element a policy was rendered into. */
export interface PolicyDetail {
  /** The rendered policy's version hash (`doui version policy.md`). */
  version: string;
}

/** Whether a category or service id is allowed now: false before a choice, for an unknown id and on any failure. */
export function accepted(id: string): boolean;
/** The current decision, or null before a choice or when doui has not started. */
export function consent(): ConsentDetail | null;
/** Shows the banner again. */
export function show(): void | Promise<void | false>;
/** Opens the preferences dialog. */
export function showPreferences(): void | Promise<void | false>;
/** Accepts everything. */
export function acceptAll(): void | Promise<void | false>;
/** Refuses everything that is not necessary. */
export function rejectAll(): void | Promise<void | false>;
/** Allows or refuses one category or service; false (or a promise of false) for an unknown id. */
export function set(id: string, allowed: boolean): boolean | Promise<boolean>;
/** Calls `listener` on every change of the decision; returns a function that unsubscribes. */
export function onChange(listener: (detail: ConsentDetail) => void): () => void;
/** Settles once doui has started (or failed to start: then nothing non-essential runs). */
export const ready: Promise<void>;
/** Renders every `[data-doui-policy="policy.md"]` element under `root` (default: the document). */
export function renderPolicies(root?: ParentNode): Promise<void>;
/**
 * Gives doui the site config from script, for pages without an inline
 * `<script type="application/json" id="doui-config">` or a `data-doui-config`
 * attribute. Only the first call counts.
 */
export function configure(config: Config | string): void;
/** The site config as JSON text, once it is known. */
export function configJson(): Promise<string>;

/** The API on `window.doui`, the same functions as the module's exports. */
export interface DouiApi {
  accepted: typeof accepted;
  consent: typeof consent;
  show: typeof show;
  showPreferences: typeof showPreferences;
  acceptAll: typeof acceptAll;
  rejectAll: typeof rejectAll;
  set: typeof set;
  onChange: typeof onChange;
  ready: typeof ready;
  renderPolicies: typeof renderPolicies;
  configure: typeof configure;
}

/** The events doui dispatches: on `document`, and `doui:policy` on the policy's element (it bubbles). */
export interface DouiEventMap {
  /** The first choice, and every page load with a stored choice. */
  'doui:consent': CustomEvent<ConsentDetail>;
  /** Every change of the decision. */
  'doui:change': CustomEvent<ConsentDetail>;
  /** A policy was rendered. */
  'doui:policy': CustomEvent<PolicyDetail>;
}

declare global {
  interface Window {
    doui: DouiApi;
  }
  interface DocumentEventMap extends DouiEventMap {}
  interface HTMLElementEventMap extends Pick<DouiEventMap, 'doui:policy'> {}
}
