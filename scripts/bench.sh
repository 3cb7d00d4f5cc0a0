#!/usr/bin/env bash
# Runs every benchmark of the project once and prints the results, for
# docs/benchmarks.md. On a noisy machine compare ratios within one run, not absolute
# times across runs. Usage: scripts/bench.sh [extra go test flags, e.g. -count 5]
# AWAF_BENCH_GO=0 skips the go benchmarks (only the whole-process part runs).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${AWAF_BENCH_GO:-1}" != 0 ]; then
	go test -run '^$' -bench . -benchmem "$@" ./... 2>&1 | grep -E '^(Benchmark|pkg:|ok|FAIL)' | grep -v '^ok'
fi

# Whole process: the awaf binary end to end (start-up, rules, the report written to a
# file, once per format: json, sarif, text) beside a bare read-and-parse of the same
# files (scripts/parseonly), on generated corpora with four AI accounts per loop,
# parameters without defaults and links (internal/scan/linear_test.go). Seconds and peak
# resident KB from /usr/bin/time. Skip with AWAF_BENCH_WHOLE=0; sizes in
# AWAF_BENCH_SIZES (default "1000 10000 40000").
[ "${AWAF_BENCH_WHOLE:-1}" = 0 ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/awaf" ./cmd/awaf
go build -o "$tmp/parseonly" ./scripts/parseonly
t() { /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; cat "$tmp/t"; }
echo "# whole process: corpus n | parse s KB | json s KB | sarif s KB | text s KB | json, sarif, text / parse  (json/sarif/text bytes) load"
for n in ${AWAF_BENCH_SIZES:-1000 10000 40000}; do
	AWAF_CORPUS_SET=ai AWAF_CORPUS_DIR="$tmp/c$n" AWAF_CORPUS_N=$n go test ./internal/scan -run '^TestWriteCorpus$' -count=1 >/dev/null
	for c in ai aibicep aitf; do
		p=$(t "$tmp/parseonly" "$tmp/c$n/$c")
		row="$c $n | $p"
		sizes="" ratios=""
		for f in json sarif text; do
			w=$(t "$tmp/awaf" scan "$tmp/c$n/$c" --fail-on none --format $f -o "$tmp/out.$f")
			row="$row | $w"
			ratios="$ratios $(awk -v a="${w%% *}" -v b="${p%% *}" 'BEGIN{printf "%.1fx", a/b}')"
			sizes="$sizes $(stat -c %s "$tmp/out.$f")"
		done
		echo "$row |$ratios ($sizes) $(cut -d' ' -f1 /proc/loadavg)"
	done
	rm -rf "$tmp/c$n"
done
