#!/usr/bin/env bash
# Copies the task console's browser libraries, exactly as the packages pinned in package-lock.json ship them, into
# src/TaskOrchestrator.Server/wwwroot/console/vendor. With --check it changes nothing and fails when the committed copies
# differ from the pinned packages' files (.ci/run runs it so).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../src/TaskOrchestrator.Server/wwwroot/console/vendor"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

modules="$work/node_modules"
fresh="$work/vendor"
mkdir -p "$fresh/preact" "$fresh/htm" "$fresh/uplot"
cp "$modules/preact/dist/preact.mjs" "$modules/preact/dist/preact.mjs.map" \
   "$modules/preact/hooks/dist/hooks.mjs" "$modules/preact/hooks/dist/hooks.mjs.map" \
   "$modules/preact/LICENSE" "$fresh/preact/"
cp "$modules/htm/dist/htm.mjs" "$modules/htm/LICENSE" "$fresh/htm/"
cp "$modules/uplot/dist/uPlot.esm.js" "$modules/uplot/dist/uPlot.min.css" "$modules/uplot/LICENSE" "$fresh/uplot/"

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -r "$fresh" "$vendor"; then
    echo "The console's vendored libraries differ from tools/console-vendor/package-lock.json: run tools/console-vendor/vendor.sh and commit." >&2
    exit 1
  fi
  echo "console vendor: current"
else
  rm -rf "$vendor"
  mkdir -p "$(dirname "$vendor")"
  cp -r "$fresh" "$vendor"
  echo "console vendor: copied to $vendor"
fi
