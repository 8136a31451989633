#!/usr/bin/env bash
# The WordPress plugin's checks: syntax of every PHP file, the PHP consent
# reader against the Rust codec's vectors, the default config and translations,
# then end-to-end tests on a real WordPress (tests/wordpress/*.test.mjs).
# Needs dist/doui-wordpress.zip (./dev build) and Debian's wordpress, php-cli,
# php-mysql, mariadb-server and gettext.
set -euo pipefail
cd "$(dirname "$0")/../.."

while IFS= read -r -d '' file; do
  php -l "$file" >/dev/null || { echo "php -l failed: $file" >&2; exit 1; }
done < <(find cms/wordpress tests/wordpress -name '*.php' -print0)
echo "php -l: every PHP file parses"

php tests/wordpress/consent-vectors.php
php tests/wordpress/unit.php

# The Japanese translations: the .mo is the compiled .po, and every string the
# plugin's PHP translates is in the .po.
po=cms/wordpress/doui/languages/doui-ja.po
msgfmt --check -o - "$po" 2>/dev/null | cmp -s - cms/wordpress/doui/languages/doui-ja.mo \
  || { echo "$po and doui-ja.mo differ: run msgfmt --check -o cms/wordpress/doui/languages/doui-ja.mo $po" >&2; exit 1; }
untranslated=$(xgettext --language=PHP --from-code=UTF-8 --keyword=__ --keyword=esc_html__ --keyword=esc_html_e \
  --keyword=esc_attr_e --keyword=esc_attr__ --no-location --omit-header -o - \
  cms/wordpress/doui/doui.php cms/wordpress/doui/includes/*.php \
  | msgmerge -q --no-fuzzy-matching "$po" - 2>/dev/null | msgattrib --untranslated --no-obsolete 2>/dev/null | grep -c '^msgid' || true)
[ "$untranslated" = 0 ] || { echo "$po lacks $untranslated strings the plugin translates" >&2; exit 1; }
echo "translations: doui-ja.mo matches doui-ja.po, nothing untranslated"

node --test --test-concurrency=1 tests/wordpress/
