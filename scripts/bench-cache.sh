#!/usr/bin/env bash
# Times `awaf scan --cache` as a user runs it, for docs/benchmarks.md: the binary end
# to end on the generated corpora of internal/scan/linear_test.go (AWAF_CORPUS_SET=ai),
# four ways, interleaved in one run so that ratios compare on a noisy machine:
#   none     no cache
#   cold     an empty cache directory (the scan fills it)
#   warm     the cache of the same files
#   changed  the cache, with one file changed since (its group is read again)
# Each row is the median of AWAF_BENCH_RUNS runs (default 5): wall seconds, user CPU
# seconds, peak RSS MB (/usr/bin/time). Every report is compared with cmp to the
# report of the scan without a cache.
# Each cold run gets a directory never used before, and no cache is removed before
# the end (the temporary directory goes on exit): on ext4, creating a file soon after
# many were deleted costs about 30 times as much (the inode allocator passes over
# recently freed inodes: ext4's recently_deleted, seen with perf), so removing the
# last cold cache just before the next cold run timed the file system's clean-up.
# Usage: scripts/bench-cache.sh [n resources, default 10000] [corpora, default "ai aibicep aitf"]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
corpora=${2:-ai aibicep aitf}
runs=${AWAF_BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/awaf" ./cmd/awaf
AWAF_CORPUS_SET=ai AWAF_CORPUS_DIR="$tmp/c" AWAF_CORPUS_N=$n go test ./internal/scan -run '^TestWriteCorpus$' -count=1 >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version | cut -d' ' -f3) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $n resources, median of $runs"
echo "| corpus | way | wall s | user s | MB | cache MB |"
echo "|---|---|--:|--:|--:|--:|"
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for c in $corpora; do
	dir="$tmp/c/$c"
	# The file changed: the first one of the corpus; its first "S0" becomes "S1", so a
	# rule outcome changes too.
	first=$(find "$dir" -type f \( -name '*.json' -o -name '*.bicep' -o -name '*.tf' \) | sort | sed -n 1p)
	cp "$first" "$tmp/orig"
	sed '0,/S0/s//S1/' "$tmp/orig" >"$tmp/alt"
	"$tmp/awaf" scan "$dir" --fail-on none --format json -o "$tmp/want.json" 2>/dev/null
	cp "$tmp/alt" "$first"
	"$tmp/awaf" scan "$dir" --fail-on none --format json -o "$tmp/want-alt.json" 2>/dev/null
	cp "$tmp/orig" "$first"
	"$tmp/awaf" scan "$dir" --fail-on none --format json -o /dev/null --cache "$tmp/warm-$c" 2>/dev/null
	declare -A wall=() user=() mem=()
	for i in $(seq "$runs"); do
		for way in none cold warm changed; do
			args=()
			want="$tmp/want.json"
			case $way in
			cold) args=(--cache "$tmp/cold-$c-$i") ;;
			warm) args=(--cache "$tmp/warm-$c") ;;
			changed)
				# Alternate between the two versions: the entry on disk is always the
				# other one's, so the group is read every time.
				if [ $((i % 2)) = 1 ]; then cp "$tmp/alt" "$first"; want="$tmp/want-alt.json"; else cp "$tmp/orig" "$first"; fi
				args=(--cache "$tmp/warm-$c") ;;
			esac
			sync # the run before's report goes to disk before this one starts
			/usr/bin/time -f '%e %U %M' -o "$tmp/t" "$tmp/awaf" scan "$dir" --fail-on none --format json -o "$tmp/out.json" "${args[@]}" 2>/dev/null
			cmp -s "$tmp/out.json" "$want" || { echo "report differs: $c $way run $i" >&2; exit 1; }
			read -r w u m <"$tmp/t"
			wall[$way]+="$w "
			user[$way]+="$u "
			mem[$way]+="$m "
			if [ $way = changed ]; then cp "$tmp/orig" "$first"; fi
		done
	done
	for way in none cold warm changed; do
		w=$(tr ' ' '\n' <<<"${wall[$way]}" | grep . | med)
		u=$(tr ' ' '\n' <<<"${user[$way]}" | grep . | med)
		m=$(tr ' ' '\n' <<<"${mem[$way]}" | grep . | med)
		size=""
		case $way in
		cold) size=$(du -sm "$tmp/cold-$c-1" | cut -f1) ;;
		warm | changed) size=$(du -sm "$tmp/warm-$c" | cut -f1) ;;
		esac
		echo "| $c | $way | $w | $u | $((m / 1024)) | $size |"
	done
	unset wall user mem
done
