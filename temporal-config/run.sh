#!/usr/bin/env bash
# `npm start`: install what is missing, then start Temporal, PostgreSQL, the SMTP sink, the worker and the web app.
source "$(dirname "$0")/lib.sh"
ensure_all
cd "$ROOT"
exec node_modules/.bin/tsx temporal-config/start.ts "$@"
