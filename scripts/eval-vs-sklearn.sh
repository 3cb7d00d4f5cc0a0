#!/usr/bin/env bash
# Times `awaf eval` against scikit-learn on the same prediction file, and checks that
# the two agree on every metric both compute.
#
#   scripts/eval-vs-sklearn.sh [rows]        # default 1,000,000 rows
#
# scikit-learn comes from Debian (apt-get install python3-sklearn); without it the
# script times awaf alone. It writes a binary classification CSV (label, prediction,
# score, region) with awk from a fixed seed, runs the awaf binary end to end (config
# read, file read, metrics, JSON report written, no bootstrap), then a Python script
# that loads the same file with numpy and computes the same metrics with
# scikit-learn. The ratio is sklearn time / awaf time, both wall clock, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go build -o "$work/awaf" ./cmd/awaf
awk -v n="$rows" 'BEGIN {
  srand(1); print "label,prediction,score,region"
  split("eu us apac", regions, " ")
  for (i = 0; i < n; i++) {
    s = rand(); y = (rand() < s) ? 1 : 0; p = (s >= 0.5) ? 1 : 0
    printf "%d,%d,%.6f,%s\n", y, p, s, regions[1 + int(rand() * 3)]
  }
}' > "$work/p.csv"
cat > "$work/awaf-eval.yaml" <<'YAML'
task: classification
current: p.csv
bootstrap: {resamples: 0}
metrics: [accuracy, {name: f1, average: binary}, {name: precision, average: macro}, roc_auc, pr_auc, log_loss, brier]
YAML

now() { date +%s.%N; }
t0=$(now)
"$work/awaf" eval --config "$work/awaf-eval.yaml" --format json -o "$work/awaf.json"
t1=$(now)
awaf_s=$(echo "$t1 - $t0" | bc -l)
printf 'rows %d\nawaf eval (whole process): %.3f s\n' "$rows" "$awaf_s"

py=/usr/bin/python3
if ! "$py" -c 'import sklearn, numpy' 2>/dev/null; then
  echo "scikit-learn not installed (apt-get install python3-sklearn): awaf timed alone"
  exit 0
fi
cat > "$work/sk.py" <<'PY'
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from sklearn import metrics as m
d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=(0, 1, 2))
y, p, s = d[:, 0].astype(int), d[:, 1].astype(int), d[:, 2]
out = {
  "accuracy": m.accuracy_score(y, p),
  "f1_binary": m.f1_score(y, p),
  "precision_macro": m.precision_score(y, p, average="macro"),
  "roc_auc": m.roc_auc_score(y, s),
  "pr_auc": m.average_precision_score(y, s),
  "log_loss": m.log_loss(y, np.clip(s, 1e-15, 1 - 1e-15)),
  "brier": m.brier_score_loss(y, s),
}
out["_seconds"] = time.perf_counter() - t0
print(json.dumps(out))
PY
t2=$(now)
sk_json=$("$py" "$work/sk.py" "$work/p.csv")
t3=$(now)
sk_s=$(echo "$t3 - $t2" | bc -l)
printf 'scikit-learn (whole process, numpy loadtxt): %.3f s\n' "$sk_s"
printf 'ratio sklearn/awaf: %.1fx\n' "$(echo "$sk_s / $awaf_s" | bc -l)"
"$py" - "$work/awaf.json" "$sk_json" <<'PY'
import json, sys
awaf = {m["id"]: m["value"] for m in json.load(open(sys.argv[1]))["metrics"]}
sk = json.loads(sys.argv[2])
worst = 0.0
for k, v in sk.items():
    if k.startswith("_"):
        continue
    d = abs(awaf[k] - v)
    worst = max(worst, d)
    print(f"  {k:16s} awaf {awaf[k]:.9f}  sklearn {v:.9f}  |diff| {d:.1e}")
print(f"largest difference {worst:.1e}")
sys.exit(0 if worst < 1e-6 else 1)
PY
