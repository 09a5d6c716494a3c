#!/usr/bin/env bash
# Netlify's build: the site into public/ (what Netlify publishes), then the
# search index, which the build writes beside it in public.search/ so that
# it is never published, and the results page copied where the search
# function embeds them (Netlify ships Go functions as a single binary, so
# the function cannot read files from the repository).
#
#   scripts/netlify-build.sh production URL
#   scripts/netlify-build.sh preview URL     (runs handbook check first; shows drafts)
set -euo pipefail
mode="${1:-production}"
url="${2:-}"
cd "$(dirname "$0")/.."

# Netlify clones only recent history: page history, amendments and editions
# read from git need all of it, and the tags. Without it a production build
# would publish every page without its dates, history and change notes, so
# it stops; a preview goes on, saying what it lacks.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
  if ! git fetch --unshallow --tags --quiet; then
    if [ "$mode" != preview ]; then
      echo "netlify-build.sh: error: git fetch --unshallow failed, so this build has only part of the git history; a production site built from it would lose its page history, amendments and the editions read from git. Retry the deploy; if it fails again, check that Netlify can read the repository." >&2
      exit 1
    fi
    echo "netlify-build.sh: warning: git fetch --unshallow failed: this preview has only part of the page history." >&2
  fi
else
  git fetch --tags --quiet 2>/dev/null || true
fi
# An edition's ref: may name a branch; a fresh clone has only the one being
# built. Fetch every branch as origin/<name>, where the build looks for it.
git fetch --quiet origin '+refs/heads/*:refs/remotes/origin/*' 2>/dev/null || true

go build -o /tmp/handbook ./cmd/handbook
if [ "$mode" = preview ]; then
  /tmp/handbook check
  /tmp/handbook build --drafts --base-url "$url"
else
  /tmp/handbook build --base-url "$url"
fi

bundle=netlify/functions/search/bundle
rm -rf "$bundle/index.bleve"
cp -R public.search "$bundle/index.bleve"
cp public/search/index.html "$bundle/search.html"
