#!/usr/bin/env bash
# Preparation benchmark: PrepareCsv on Beam's DirectRunner against a plain single-threaded Java loop (the
# floor) and pandas, doing the same cleaning, split, scaling and writing on the same generated CSV. Runs
# the tools one after another, REPS times each, and prints every run's JSON and the medians.
#
#   bench/prepare/run.sh [ROWS]     default 1,000,000 rows; REPS (default 3) repetitions
#
# Needs the components module built (./mvnw -q -o -pl components install -DskipTests) and python3;
# pandas goes into bench/prepare/.venv.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/prepare"
rows=${1:-1000000}
reps=${REPS:-3}
work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/fermion-bench-prepare.XXXXXX")}
venv="$here/.venv"

if ! "$venv/bin/python" -c "import pandas" >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pandas==3.1.1"
fi
(cd "$root" && ./mvnw -q -B -o dependency:build-classpath -pl components -DincludeScope=runtime \
  -Dmdep.outputFile="$work/classpath.txt")
classpath="$root/components/target/classes:$(cat "$work/classpath.txt")"

source_csv="$work/source-$rows.csv"
[[ -f $source_csv ]] || python3 "$here/generate.py" "$rows" "$source_csv"

results="$work/results.jsonl"
: >"$results"
for rep in $(seq "$reps"); do
  for tool in beam loop pandas; do
    rm -rf "$work/out-$tool"
    if [[ $tool == pandas ]]; then
      "$venv/bin/python" "$here/prepare_pandas.py" "$source_csv" "$work/out-$tool" | tee -a "$results"
    else
      java -Xmx6g -cp "$classpath" "$here/PrepareBench.java" "$tool" "$source_csv" "$work/out-$tool" \
        2>"$work/$tool.log" | tee -a "$results"
    fi
  done
done
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
median = {t: statistics.median(r["seconds"] for r in runs if r["tool"] == t) for t in ("beam", "loop", "pandas")}
print(f"medians: beam {median['beam']:.2f} s, loop {median['loop']:.2f} s, pandas {median['pandas']:.2f} s; "
      f"beam / loop {median['beam'] / median['loop']:.2f}x, beam / pandas {median['beam'] / median['pandas']:.2f}x")
PY
echo "inputs and outputs in $work" >&2
