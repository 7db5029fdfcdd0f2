#!/usr/bin/env bash
# Counts the Stripe API requests Recur makes per checkout and prints the figures.
# Runs CheckoutRequestCountTests (in-process Recur + the embedded Stripe sandbox, no network) with its output shown.
# Usage: bench/checkout-requests.sh [extra dotnet test options, e.g. --artifacts-path /tmp/art]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test --project tests/Recur.Tests/Recur.Tests.csproj --output Detailed "$@" \
  -- --filter-class "*CheckoutRequestCountTests" \
  | grep -E "Stripe requests per checkout|^(passed|failed|skipped) |Test run summary|total:|failed:|succeeded:"
