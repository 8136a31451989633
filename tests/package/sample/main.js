// A bundled app that uses doui from the npm package.
import 'doui/consent-default.js';
import 'doui/doui.css';
import { accepted, configure, onChange, ready } from 'doui';
import config from './doui-config.json';

configure(config);
const changes = [];
onChange((detail) => changes.push(detail.categories.analytics));
window.sample = { accepted, ready, changes };
