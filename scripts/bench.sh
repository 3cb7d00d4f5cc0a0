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
# parameters without defaults and links (internal/scan/linear_test.go). From
# /usr/bin/time: wall seconds (from the clock around it, to the millisecond), CPU
# seconds (user + system) and peak resident MB. With
# AWAF_BENCH_ROUNDS=R (default 1) every cell is run R times, the rounds interleaved,
# and the least wall and CPU time and the greatest peak are kept: on a shared machine
# the least time is the one least disturbed. Skip with AWAF_BENCH_WHOLE=0; sizes in
# AWAF_BENCH_SIZES (default "1000 10000 40000").
[ "${AWAF_BENCH_WHOLE:-1}" = 0 ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/awaf" ./cmd/awaf
go build -o "$tmp/parseonly" ./scripts/parseonly
rounds=${AWAF_BENCH_ROUNDS:-1}
# t KEY CMD...: runs CMD and folds "wall cpu KB" into the cell KEY.
t() {
	local key=$1
	shift
	local t0 t1
	# What the run before wrote goes to disk first, so that writing it out is not
	# counted in this run (a report is not flushed: internal/fileout WriteReport).
	sync
	t0=$(date +%s%N)
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
	t1=$(date +%s%N)
	read -r w u s k <"$tmp/t"
	# The wall time in milliseconds from the clock around it (time's own is in
	# hundredths, too coarse at 1k), /usr/bin/time's start-up included.
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
	echo "$key $w $(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') $k" >>"$tmp/cells"
}
echo "# whole process, least of $rounds round(s): corpus n | parse | json | sarif | text (wall s / CPU s / peak MB) | json, sarif, text wall / parse wall | json/sarif/text bytes | load"
for n in ${AWAF_BENCH_SIZES:-1000 10000 40000}; do
	AWAF_CORPUS_SET=ai AWAF_CORPUS_DIR="$tmp/c$n" AWAF_CORPUS_N=$n go test ./internal/scan -run '^TestWriteCorpus$' -count=1 >/dev/null
	for c in ai aibicep aitf; do
		: >"$tmp/cells"
		for r in $(seq "$rounds"); do
			t parse "$tmp/parseonly" "$tmp/c$n/$c"
			for f in json sarif text; do
				t $f "$tmp/awaf" scan "$tmp/c$n/$c" --fail-on none --format $f -o "$tmp/out.$f"
			done
		done
		sizes=$(for f in json sarif text; do stat -c %s "$tmp/out.$f"; done | paste -sd/)
		awk -v name="$c $n" -v sizes="$sizes" -v la="$(cut -d' ' -f1 /proc/loadavg)" '
			!($1 in w) || $2 < w[$1] { w[$1] = $2 }
			!($1 in u) || $3 < u[$1] { u[$1] = $3 }
			$4 > k[$1] { k[$1] = $4 }
			END {
				row = name
				split("parse json sarif text", cell, " ")
				for (i = 1; i <= 4; i++) { x = cell[i]; row = row sprintf(" | %.3f / %.2f / %.0f", w[x], u[x], k[x] / 1024) }
				row = row " |"
				for (i = 2; i <= 4; i++) row = row sprintf(" %.1fx", w[cell[i]] / w["parse"])
				print row " | " sizes " | " la
			}' "$tmp/cells"
	done
	rm -rf "$tmp/c$n"
done
