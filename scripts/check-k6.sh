#!/usr/bin/env bash
# Checks the k6 load-test suite without running k6 (which needs the whole app): the scripts parse at the language
# level of the oldest k6 supported (0.48: ES2017, so no `?.` or `??`), they type-check against the k6 API, the report
# generator turns the sample summaries into a report, and that report renders in headless Chromium with every chart
# drawn and no network. Installs Chromium (Debian's package) when missing and allowed.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '[check-k6] %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: node and npm are needed (Node 18 or later); install Debian's nodejs and npm packages." >&2
  exit 1
fi

# Debian's Chromium unless CHROMIUM_PATH names another; Playwright's own browser downloads are not used.
if [ -z "${CHROMIUM_PATH:-}" ]; then
  CHROMIUM_PATH=/usr/bin/chromium
  if [ ! -x "$CHROMIUM_PATH" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "installing chromium (apt-get)"
    apt-get update -qq -o DPkg::Lock::Timeout=300
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 chromium >/dev/null
  fi
fi
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "error: no Chromium at $CHROMIUM_PATH; install it as root (apt-get install -y chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
export CHROMIUM_PATH

step "npm ci in k6 and k6/report-generator"
npm ci --prefix k6 --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null
npm ci --prefix k6/report-generator --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null

step "parsing the k6 scripts as k6 0.48 would (acorn, ES2017 modules; a known-bad snippet must fail first)"
node k6/tools/check-syntax.mjs

step "type-checking the k6 scripts (tsc -p k6)"
k6/node_modules/.bin/tsc -p k6

step "generating k6/results/report.html from k6/samples (the e2e sample fails two thresholds on purpose)"
mkdir -p k6/results
node k6/report-generator/generate.js --out k6/results/report.html k6/samples/*.sample.json

step "rendering the report in headless Chromium"
node k6/report-generator/test/render.mjs k6/results/report.html
