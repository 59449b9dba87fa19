#!/usr/bin/env bash
# `npm test`: install what is missing, type-check, lint, then jest (which starts its own throw-away services).
# Extra arguments go to jest: `npm test -- test/unit/calendar.test.ts`.
source "$(dirname "$0")/lib.sh"
ensure_all
cd "$ROOT"
say "type-checking (tsc --noEmit, strict)"
node_modules/.bin/tsc --noEmit -p tsconfig.json
say "linting (eslint)"
node_modules/.bin/eslint --max-warnings=0 .
# unpdf (reading PDFs back in tests) loads pdf.js with a dynamic import, which jest allows only with this flag.
export NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}"
say "running jest"
exec node_modules/.bin/jest "$@"
