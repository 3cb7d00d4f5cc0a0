#!/usr/bin/env bash
# Times awaf against two peer IaC scanners, KICS and Trivy, on the same generated
# corpus, for docs/benchmarks.md (issue 18). Builds the peers from the Go module proxy
# outside the repository (once: later runs reuse the binaries), writes the corpus
# (internal/scan/linear_test.go, AWAF_CORPUS_SET=ai: many OpenAI accounts per file from
# copy loops, parameters without defaults, resourceGroup().location-style unresolved
# values, private endpoints and diagnostic settings linking resources), then runs every
# tool once per round, interleaved, and prints wall seconds, resources per second and
# peak resident memory (/usr/bin/time -f '%e %M'), each the median of the rounds.
#
#   scripts/bench-peers.sh                 # ARM, 10,000 resources, 3 rounds
#   AWAF_PEERS_N=1000 AWAF_PEERS_ROUNDS=1 AWAF_PEERS_CORPORA="ai aibicep aitf" scripts/bench-peers.sh
#
# Environment:
#   AWAF_PEERS_DIR      where the peers are built and cached (default /tmp/awaf-peers)
#   AWAF_PEERS_N        resources in the corpus (default 10000)
#   AWAF_PEERS_ROUNDS   rounds (default 3)
#   AWAF_PEERS_CORPORA  corpora: ai (ARM), aibicep (Bicep), aitf (Terraform); default ai
#   AWAF_PEERS          which peers to build and run (default "kics trivy")
#   KICS_VERSION, TRIVY_VERSION  module versions (default v2.2.0, v0.74.0)
#
# Notes on the peers, as run here: KICS needs its assets/queries and assets/libraries,
# taken from the module zip in the module cache (go mod download); secrets scanning is
# turned off (--disable-secrets: awaf does not look for secrets, and it only makes KICS
# slower). Trivy needs GOEXPERIMENT=jsonv2 to build; it is run as `trivy config` with
# its built-in checks (--skip-check-update: no download during the timing). Trivy reads
# no .bicep files, so it is not run on the Bicep corpus. Building both takes 10 to 30
# minutes on 2 cores; it runs under nice.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${AWAF_PEERS_DIR:-/tmp/awaf-peers}
n=${AWAF_PEERS_N:-10000}
rounds=${AWAF_PEERS_ROUNDS:-3}
corpora=${AWAF_PEERS_CORPORA:-ai}
kics_version=${KICS_VERSION:-v2.2.0}
trivy_version=${TRIVY_VERSION:-v0.74.0}
mkdir -p "$peers/bin"
bin=$(cd "$peers/bin" && pwd)

# Peers, built once. A failed build is reported with its error and the peer skipped.
build() { # name module env...
	local name=$1 module=$2
	shift 2
	[ -x "$bin/$name" ] && return 0
	echo "# building $module (log: $peers/$name.log)" >&2
	if ! env GOBIN="$bin" GOFLAGS=-mod=mod "$@" nice go install "$module" >"$peers/$name.log" 2>&1; then
		echo "# $name could not be built: $(tail -3 "$peers/$name.log" | tr '\n' ' ')" >&2
		return 1
	fi
}
have_kics=0 have_trivy=0
want=" ${AWAF_PEERS:-kics trivy} "
if [[ $want == *" kics "* ]] && build console "github.com/Checkmarx/kics/v2/cmd/console@$kics_version"; then
	kics_assets=$(cd "$peers" && GOFLAGS=-mod=mod go mod download -json "github.com/Checkmarx/kics/v2@$kics_version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')/assets
	[ -d "$kics_assets/queries" ] && have_kics=1 || echo "# KICS: no assets/queries under $kics_assets" >&2
fi
if [[ $want == *" trivy "* ]] && build trivy "github.com/aquasecurity/trivy/cmd/trivy@$trivy_version" GOEXPERIMENT=jsonv2; then
	have_trivy=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/awaf" ./cmd/awaf
go build -o "$tmp/parseonly" ./scripts/parseonly
AWAF_CORPUS_SET=ai AWAF_CORPUS_DIR="$tmp/c" AWAF_CORPUS_N=$n go test ./internal/scan -run '^TestWriteCorpus$' -count=1 >/dev/null

# t LABEL CMD...: runs CMD, appends "LABEL wall peakKB" to the samples. Peers exit
# non-zero when they find something; only a missing report counts as a failure.
t() {
	local label=$1
	shift
	sync # the run before's output goes to disk before this one starts
	/usr/bin/time -f "$label %e %M" -a -o "$tmp/samples" "$@" >/dev/null 2>"$tmp/err" || true
}
check() { # file label
	[ -s "$1" ] || { echo "# $2 wrote no report: $(tail -3 "$tmp/err" | tr '\n' ' ')" >&2; exit 1; }
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $n resources, $rounds rounds"
for c in $corpora; do
	dir="$tmp/c/$c"
	for r in $(seq "$rounds"); do
		t "$c parse" "$tmp/parseonly" "$dir"
		rm -f "$tmp/out.json"
		t "$c awaf-json" "$tmp/awaf" scan "$dir" --fail-on none --format json -o "$tmp/out.json"
		check "$tmp/out.json" awaf
		rm -f "$tmp/out.sarif"
		t "$c awaf-sarif" "$tmp/awaf" scan "$dir" --fail-on none --format sarif -o "$tmp/out.sarif"
		check "$tmp/out.sarif" awaf
		if [ $have_kics = 1 ]; then
			rm -rf "$tmp/kics"
			t "$c kics" "$bin/console" scan -p "$dir" -q "$kics_assets/queries" -b "$kics_assets/libraries" \
				-o "$tmp/kics" --report-formats json --no-progress --disable-secrets -s --ignore-on-exit all
			check "$tmp/kics/results.json" KICS
		fi
		if [ $have_trivy = 1 ] && [ "$c" != aibicep ]; then
			rm -f "$tmp/trivy.json"
			t "$c trivy" "$bin/trivy" config --quiet --skip-check-update --format json -o "$tmp/trivy.json" "$dir"
			check "$tmp/trivy.json" Trivy
		fi
	done
done

# Medians per corpus and tool: wall, resources/s, peak MB; and each against bare parse.
echo "# corpus tool | wall s | resources/s | peak MB | wall / parse"
awk -v n="$n" '
	{ k = $1 " " $2; w[k] = w[k] " " $3; m[k] = m[k] " " $4; if (!(k in seen)) { seen[k] = 1; order[++o] = k } }
	function median(s,   a, c, i, j, x) {
		c = split(s, a, " ")
		for (i = 2; i <= c; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		for (i = 1; i <= o; i++) {
			k = order[i]; split(k, p, " ")
			wall = median(w[k]); parse = median(w[p[1] " parse"])
			printf "%s | %.2f | %.0f | %.0f | %.1fx\n", k, wall, n / wall, median(m[k]) / 1024, wall / parse
		}
	}' "$tmp/samples"
