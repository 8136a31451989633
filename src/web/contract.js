// Generated from src/contract.rs by tests/contract.rs: do not edit.
// The codes of the banner module's exports (see src/web/banner.rs).
export const HTTPS = 1;
export const COOKIES = 2;
export const GPC = 4;
export const CHOICE = 1;
export const OVERRIDDEN = 2;
export const REOPEN = 4;
export const ADS_DATA_REDACTION = 8;
export const URL_PASSTHROUGH = 16;
export const REBUILD = 32;
export const REJECT_ALL = 0;
export const ACCEPT_ALL = 1;
export const SAVE_DRAFT = 2;
export const SET_ONE = 3;
export const KEEP = 4;
export const OFF = '0';
export const ON = '1';
export const MIXED = '2';
