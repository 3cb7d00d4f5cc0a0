#!/usr/bin/env bash
# Runs every benchmark of the project once and prints the results, for
# docs/benchmarks.md. On a noisy machine compare ratios within one run, not absolute
# times across runs. Usage: scripts/bench.sh [extra go test flags, e.g. -count 5]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version) $(nproc) cores"
go test -run '^$' -bench . -benchmem "$@" ./... 2>&1 | grep -E '^(Benchmark|pkg:|ok|FAIL)' | grep -v '^ok'
