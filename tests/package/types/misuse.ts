// Wrong uses that the declarations must refuse, one per line marked @error.
import { accepted, configure, onChange, type Config } from 'doui';
import { checkConfig } from 'doui/policy';

accepted(42); // @error: an id is a string
onChange((detail) => detail.categories.analytics.toFixed()); // @error: decisions are booleans
document.addEventListener('doui:change', (e) => e.detail.version); // @error: a change has no version
const typo: Config = { revision: 1, categories: [], cookies: {} }; // @error: no such field, and categories cannot be empty
configure({ revision: '1', categories: [] }); // @error: the revision is a number
const mode: Config = { revision: 1, categories: [{ id: 'a', title: 'A', description: 'A' }], consentMode: { mode: 'sometimes' } }; // @error: not a Consent Mode mode
const life: NonNullable<NonNullable<Config['categories'][0]['services']>[0]['cookies']>[0] = { name: '_ga', lifetime: 13 }; // @error: a lifetime is text
const said: string = checkConfig('{}'); // @error: a refusal is a problem object or null, not text
void [typo, mode, life, said];
