# Shared provisioning for `npm start` and `npm test`: everything a new machine lacks, installed or explained.
# Sourced, not run. Every step is a no-op when its tool is already there, so a second run is instant.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools"
TEMPORAL_CLI_VERSION="v1.5.1"

say() { printf '[results-office] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

ensure_node_modules() {
  # Reinstall when the lockfile changed since the last install (npm writes node_modules/.package-lock.json).
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    # Not `npm ci`: npm 11 refuses this lockfile because it lists only the optional platform bindings of
    # unrs-resolver (a jest dependency) that the registry serves here. `npm install --no-save` installs exactly
    # the locked versions and never rewrites package.json or the lockfile.
    say "installing npm dependencies from the lockfile"
    (cd "$ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
}

ensure_temporal_cli() {
  # Order: $TEMPORAL_CLI, `temporal` on PATH, our cached build, a fresh `go install`.
  if [ -n "${TEMPORAL_CLI:-}" ]; then
    [ -x "$TEMPORAL_CLI" ] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"
    return
  fi
  if command -v temporal >/dev/null 2>&1; then TEMPORAL_CLI="$(command -v temporal)"; export TEMPORAL_CLI; return; fi
  local cached="$TOOLS_DIR/temporal-$TEMPORAL_CLI_VERSION/temporal"
  if [ ! -x "$cached" ]; then
    local go_bin
    go_bin="$(command -v go || true)"
    [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
    [ -n "$go_bin" ] || die "no Temporal CLI found. Install Go (https://go.dev/dl) so that it can be built, or install the CLI (brew install temporal / https://temporal.io/setup/install-temporal-cli) and set TEMPORAL_CLI=/path/to/temporal"
    say "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (a few minutes the first time; Go's caches make later builds quick)"
    mkdir -p "$(dirname "$cached")"
    GOBIN="$(dirname "$cached")" GOFLAGS=-mod=mod "$go_bin" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
      || die "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION failed (see above). Install the Temporal CLI by hand and set TEMPORAL_CLI."
  fi
  TEMPORAL_CLI="$cached"; export TEMPORAL_CLI
}

ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
    return
  fi
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's chromium (letters are printed to PDF with it)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      die "Chromium is needed to print letters. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary."
    fi
  fi
  CHROMIUM_PATH=/usr/bin/chromium; export CHROMIUM_PATH
}

ensure_all() {
  ensure_node_modules
  ensure_temporal_cli
  ensure_chromium
}
