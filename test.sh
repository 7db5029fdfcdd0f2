#!/usr/bin/env bash
# Runs every test of Recur. On a fresh machine it first installs what the tests need (Debian's chromium).
# Ends with one line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 STRIPE_SUPPRESS_NOTICES=true
log=$(mktemp)
dotnet test Recur.slnx "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

total=$(grep -E '^\s+total: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
# The failing tests again, by name, next to the summary (their output above may be long).
grep -E '^failed [A-Za-z]' "$log" | sed 's/^/  /' || true
rm -f "$log"
if [ -z "$total" ]; then
  echo "tests: 0 passed, 1 failed"
  exit $(( rc == 0 ? 1 : rc ))
fi
[ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ] && failed=1
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$rc"
