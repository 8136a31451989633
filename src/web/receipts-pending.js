// The localStorage key under which receipts wait to be sent (doui-receipts.js),
// and which banner.js checks at start: one definition for both bundles.
export const PENDING = 'doui:receipts';
