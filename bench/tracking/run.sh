#!/usr/bin/env bash
# Issue 4's benchmark: one step logs 10,000 metrics. Fermion's MlflowTracker against MLflow's Python client
# (per-call loop, log_batch, async logging), all against the same fresh MLflow server on loopback, timed until
# every value is on the server. Writes bench/tracking/results/*.json and bench/sections/tracking.md.
#
#   bench/tracking/run.sh                        everything (about 15 minutes on 2 busy cores)
#   BENCH_SKIP_INSTALL=1 bench/tracking/run.sh   use the fermion-tracking jar already in ~/.m2
#   FERMION_MLFLOW_VENV=~/.fermion/mlflow-venv   reuse a venv with mlflow 3.17.2 (default: bench/tracking/.venv)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
results=$here/results
say() { printf '\n== %s\n' "$*" >&2; }

# The server and the Python client come from one venv, with the mlflow that scripts/mlflow-server.sh pins.
export FERMION_MLFLOW_VENV=${FERMION_MLFLOW_VENV:-$here/.venv}
export FERMION_MLFLOW_DATA=$(mktemp -d /tmp/fermion-tracking-bench-XXXXXX)
export FERMION_HOME=$FERMION_MLFLOW_DATA/home
scripts/mlflow-server.sh install
py=$FERMION_MLFLOW_VENV/bin/python

if [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then
  say "installing fermion-tracking from the working tree"
  ./mvnw -q -B -pl tracking -am install -Dmaven.test.skip=true
fi
say "building the Java harness"
./mvnw -q -B -o -f bench/tracking/pom.xml package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt

rm -rf "$results" && mkdir -p "$results"
say "starting MLflow (sqlite, one worker) with data in $FERMION_MLFLOW_DATA"
uri=$(scripts/mlflow-server.sh start)
trap 'scripts/mlflow-server.sh stop; rm -rf "$FERMION_MLFLOW_DATA"' EXIT
experiment=bench-tracking-$(date +%s)
python3 bench/runner/benchenv.py start "$results/env.json" --python "$py" --module mlflow

say "Fermion MlflowTracker"
java -Xms256m -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "bench/tracking/target/classes:$(cat bench/tracking/target/classpath.txt)" \
  dev.fermion.bench.tracking.TrackingBench --uri "$uri" --experiment "$experiment" --out "$results/fermion.json" \
  --metrics "${METRICS:-10000}" --repeats "${REPEATS:-5}" --warmups 2 --home "$FERMION_MLFLOW_DATA/tracker-home"

say "MLflow Python client"
"$py" -W ignore "$here/mlflow_client.py" --uri "$uri" --experiment "$experiment" --out "$results/mlflow.json" \
  --metrics "${METRICS:-10000}" --repeats "${REPEATS:-5}" --per-call-repeats "${PER_CALL_REPEATS:-3}" --async-repeats "${ASYNC_REPEATS:-3}" \
  --per-call-metrics "${PER_CALL_METRICS:-1000}" --warmups 1

python3 bench/runner/benchenv.py end "$results/env.json"
say "checking what reached the server"
"$py" -W ignore "$here/mlflow_client.py" --uri "$uri" --experiment "$experiment" --metrics "${METRICS:-10000}" \
  --per-call-metrics "${PER_CALL_METRICS:-1000}" --verify "$results/verify.json" || say "SOME RUNS LACK VALUES: see $results/verify.json"
python3 "$here/report.py" "$results" "$root/bench/sections/tracking.md"
cat "$root/bench/sections/tracking.md"
