/// <reference lib="esnext.disposable" />
// Types of `doui/policy` (doui-policy.js): the policy renderer. The renderer's
// own functions are declared by wasm-bindgen from the Rust exports; their
// objects are disposable (`Symbol.dispose`), hence the library reference.
export * from './doui-policy-wasm';
export { default } from './doui-policy-wasm';

/** Compiles the renderer's wasm module once; every other call needs it first. */
export function load(): Promise<unknown>;
/** Links the policy stylesheet (`doui-policy.css`, beside the module) once per page. */
export function useStylesheet(): void;
/** What is wrong with a site config (`config line N: field: problem`), or ''. */
export function explainConfig(configJson: string): Promise<string>;
/**
 * Renders every `[data-doui-policy="policy.md"]` element under `root`;
 * `configJson()` resolves to the site config text, whose tables it fills.
 */
export function renderPolicies(root: ParentNode, configJson: () => Promise<string>): Promise<void>;
