#!/usr/bin/env bash
# Schemathesis, pinned, from PyPI into a cached virtualenv (.tools/venv): made on the first run, reused afterwards.
# Arguments go to `st`, e.g. `test/fuzz/schemathesis.sh run http://127.0.0.1:3000/api/openapi.json -H 'Cookie: ...'`.
# test/fuzz/schemathesis.test.ts runs it against the real app as a signed-in user of each role.
set -euo pipefail
VERSION=4.32.5
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.tools/venv"
if ! "$VENV/bin/st" --version 2>/dev/null | grep -qx "st, version $VERSION"; then
  echo "installing schemathesis $VERSION into $VENV" >&2
  command -v python3 >/dev/null || { echo "Python 3 is needed for API fuzzing (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian splits venv (ensurepip) out of python3.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$VENV"
    else
      echo "python3 -m venv failed: install python3-venv (Debian: sudo apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
exec "$VENV/bin/st" "$@"
