#!/usr/bin/env bash
# Real-data check: the iris classifier pipeline, run on scikit-learn's bundled iris, wine and breast-cancer
# CSVs, must reach a test accuracy within MARGIN points of scikit-learn's LogisticRegression (standardised
# features) fitted on the same train rows and scored on the same test rows as PrepareCsv split them.
# Prints a table; exits 1 when a data set misses the bar.
#
# Environment:
#   FERMION_HOME            default ~/.fermion; the scikit-learn venv lives in $FERMION_HOME/sklearn-venv
#   FERMION_SKLEARN_VENV    the venv, overriding the default
#   FERMION_CLI             the command line to run, default the repository's ./fermion
#   REAL_DATA_MARGIN        allowed shortfall in accuracy points, default 2
set -euo pipefail

SKLEARN_VERSION="1.9.1"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home="${FERMION_HOME:-$HOME/.fermion}"
venv="${FERMION_SKLEARN_VENV:-$home/sklearn-venv}"
fermion="${FERMION_CLI:-$root/fermion}"
margin="${REAL_DATA_MARGIN:-2}"
helper="$root/scripts/real_data_check.py"

marker="$venv/.fermion-sklearn-$SKLEARN_VERSION"
if [[ ! -f $marker ]]; then
  mkdir -p "$(dirname "$venv")"
  # A lock keeps two checks started at once from installing into the same venv together.
  exec 9>"$venv.lock"
  flock 9
  if [[ ! -f $marker ]]; then
    echo "real-data-check: installing scikit-learn==$SKLEARN_VERSION into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "scikit-learn==$SKLEARN_VERSION" >&2
    touch "$marker"
  fi
  flock -u 9
fi
python="$venv/bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/fermion-real-data.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$python" "$helper" convert "$work/data"

rows=()
failed=0
for name in iris wine breast-cancer; do
  # Runs and the model the pipeline publishes stay in a scratch home, out of the user's.
  # epochs=500 is TrainMlp's own default; the iris pipeline's 200 stops some small sets early.
  if ! FERMION_HOME="$work/home" "$fermion" run iris -p source="$work/data/$name.csv" -p label=target \
      -p epochs=500 >"$work/$name.out" 2>&1; then
    cat "$work/$name.out" >&2
    echo "real-data-check: the pipeline failed on $name" >&2
    exit 1
  fi
  run_id=$(sed -n 's/^Run \([^ ]*\) of pipeline .*/\1/p' "$work/$name.out" | head -n 1)
  FERMION_HOME="$work/home" "$fermion" runs show "$run_id" --json >"$work/$name.json"
  result=$("$python" "$helper" compare "$work/$name.json")
  rows+=("$name $run_id $result")
done

printf '%-14s %7s %6s %10s %10s %8s  %s\n' "data set" "train" "test" "Fermion" "LogReg" "diff" "verdict"
for row in "${rows[@]}"; do
  read -r name run_id result <<<"$row"
  line=$("$python" - "$name" "$result" "$margin" <<'PY'
import json, sys
name, r, margin = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
diff = 100 * (r["fermion"] - r["logistic_regression"])
ok = diff >= -margin
print(f'{name:<14} {r["train_rows"]:>7} {r["test_rows"]:>6} {100 * r["fermion"]:>9.1f}% '
      f'{100 * r["logistic_regression"]:>9.1f}% {diff:>+8.1f}  {"ok" if ok else "MISSED"}')
PY
)
  echo "$line"
  [[ $line == *MISSED ]] && failed=1
done
if [[ $failed -ne 0 ]]; then
  echo "real-data-check: a data set is more than $margin points below LogisticRegression" >&2
  exit 1
fi
echo "real-data-check: every data set within $margin points of LogisticRegression"
