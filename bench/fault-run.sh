#!/usr/bin/env bash
# Runs checkouts through Recur while the embedded Stripe sandbox injects API and webhook faults, then prints the
# table: faults injected, retries, duplicate deliveries, events applied, duplicates created (0), mismatches (0).
# Runs FaultRunTests (in-process Recur + the embedded sandbox, no network) with its output shown; the test also
# asserts 0 duplicates and 0 mismatches.
# Usage: bench/fault-run.sh [extra dotnet test options, e.g. --artifacts-path /tmp/art]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test --project tests/Recur.Tests/Recur.Tests.csproj --output Detailed "$@" \
  -- --filter-class "*FaultRunTests" \
  | grep -E "Fault run|disagrees|^(passed|failed|skipped) |Test run summary|total:|failed:|succeeded:"
