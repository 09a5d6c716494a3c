#!/usr/bin/env bash
# Builds the default theme's front-end assets into ../static/.
#
#   bash themes/default/assets/build.sh
#
# Needs node and npm (installs the pinned devDependencies with `npm ci`).
# Idempotent and deterministic: the same package-lock.json and sources give
# byte-identical output. The output is committed; node_modules is not.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ASSETS="$(pwd)"
STATIC="$(cd .. && pwd)/static"
GOVUK="$ASSETS/node_modules/govuk-frontend/dist/govuk"

# Install exactly what package-lock.json says. No install scripts are needed
# (sass is pure JavaScript; its optional file watcher is not used).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

mkdir -p "$STATIC/css" "$STATIC/js"

# CSS: GOV.UK Frontend (configured, unbranded) + handbook styles, minified.
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  scss/handbook.scss "$STATIC/css/handbook.css"

# JS: GOV.UK Frontend's ES module bundle, without its source map reference
# (the map is not shipped).
sed -e 's|//# sourceMappingURL=.*$||' "$GOVUK/govuk-frontend.min.js" > "$STATIC/js/govuk-frontend.min.js"
cp js/init.js js/handbook.js "$STATIC/js/"
# The search scripts, minified (each its own ES module: search.js imports
# ./search-engine.js, which the tests also run in Node).
npx --no-install esbuild js/search-engine.js js/search.js \
  --minify --format=esm --target=es2020 --charset=utf8 --legal-comments=none \
  --log-level=warning --outdir="$STATIC/js"

# Icon.
cp favicon.svg "$STATIC/favicon.svg"

# Sanity checks: no third-party or asset URLs, no font files, no GDS Transport.
css="$STATIC/css/handbook.css"
if grep -q 'url(' "$css"; then
  echo "build.sh: handbook.css must not reference any url()" >&2
  exit 1
fi
if grep -qi 'GDS Transport\|@font-face' "$css"; then
  echo "build.sh: handbook.css must not use the GDS Transport font" >&2
  exit 1
fi

gz() { gzip -9 -n -c "$1" | wc -c | tr -d ' '; }
for f in "$css" "$STATIC/js/govuk-frontend.min.js" "$STATIC/js/init.js" "$STATIC/js/handbook.js" "$STATIC/js/search.js" "$STATIC/js/search-engine.js"; do
  printf '%-40s %7d bytes (%d gzipped)\n' "${f#"$STATIC"/}" "$(wc -c < "$f" | tr -d ' ')" "$(gz "$f")"
done
