#!/usr/bin/env bash
# Issue 6's benchmark: fermion-serve under a closed-loop loopback load (concurrency 1 and 16): requests/s, p50
# and p99 latency, side by side with `mlflow models serve` serving the same MLP (same weights, same
# preprocessing) as a numpy pyfunc model; then issue 13's bursts of 1,000 clients at once against
# fermion-serve with its default limits: answers, 503s, and the server's threads and memory.
# Writes bench/serving/results/*.json and bench/sections/serving.md.
#
#   bench/serving/run.sh                          everything (about 6 minutes on 2 busy cores)
#   BENCH_INSTALL=1 bench/serving/run.sh          first install the Fermion jars into ~/.m2 (a fresh machine:
#                                                 the harness builds against them); the servers always run this
#                                                 working tree's classes
#   MLFLOW_VENV=~/.fermion/mlflow-venv            reuse a venv with mlflow (default: bench/serving/.venv)
#   REQUESTS=2000 TRIALS=3 WORKERS=2 CLIENTS=1000 BURSTS=5 bench/serving/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
results=$here/results
say() { printf '\n== %s\n' "$*" >&2; }
workers=${WORKERS:-$(nproc)}

venv=${MLFLOW_VENV:-$here/.venv}
if ! "$venv/bin/python" -c "import mlflow, numpy, pandas" >/dev/null 2>&1; then
  say "creating $venv (mlflow 3.17.2, the version scripts/mlflow-server.sh pins)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "mlflow==3.17.2"
fi
if [[ ${BENCH_INSTALL:-0} == 1 ]]; then
  say "installing fermion-serving from the working tree"
  ./mvnw -q -B -pl serving -am install -Dmaven.test.skip=true
fi
say "compiling fermion-serving in the working tree"
./mvnw -q -B -pl serving -am compile
say "building the Java harness"
./mvnw -q -B -f bench/serving/pom.xml package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt
# This tree's classes ahead of the jars in ~/.m2, so the servers measured are the code checked out here.
cp="bench/serving/target/classes:serving/target/classes:components/target/classes:dsl/target/classes"
cp="$cp:$(cat bench/serving/target/classpath.txt)"
# DJL: the PyTorch native library from the Maven artifact, nothing downloaded.
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai} ENGINE_CACHE_DIR=${ENGINE_CACHE_DIR:-$HOME/.djl.ai}
djl=(-Dai.djl.offline=true -Dai.djl.default_engine=PyTorch)

work=$(mktemp -d /tmp/fermion-serving-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$results" && mkdir -p "$results"
logs=$here/target/logs  # the servers' logs: kept out of results/ (the access log is large)
mkdir -p "$logs"

say "writing the model: the Fermion bundle and its numpy twin as an MLflow pyfunc model"
java "${djl[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" dev.fermion.bench.serving.MakeBundle "$work" 8
"$venv/bin/python" -W ignore "$here/numpy_mlp.py" make "$work" "$work/pyfunc"
cp "$work/twin-check.json" "$results/"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # URL PID LOG
  for _ in $(seq 1 240); do
    curl -fsS --max-time 2 "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -20 "$3" >&2; echo "server exited" >&2; return 1; }
    sleep 0.5
  done
  tail -20 "$3" >&2; echo "server did not answer $1" >&2; return 1
}

fport=$(free_port)
say "starting fermion-serve on 127.0.0.1:$fport ($workers workers)"
setsid java "${djl[@]}" -Xms256m -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
  dev.fermion.serving.ServeMain --model "iris=$work/bundle" --host 127.0.0.1 --port "$fport" --workers "$workers" \
  >"$logs/fermion-serve.log" 2>&1 </dev/null &
pids+=($!)
wait_for "http://127.0.0.1:$fport/v2/health/ready" "$!" "$logs/fermion-serve.log"

mport=$(free_port)
say "starting mlflow models serve on 127.0.0.1:$mport ($workers workers)"
# mlflow starts `uvicorn` by name, so the venv's bin goes first on PATH
PATH="$venv/bin:$PATH" setsid "$venv/bin/mlflow" models serve -m "$work/pyfunc" --env-manager local -h 127.0.0.1 -p "$mport" -w "$workers" \
  >"$logs/mlflow-serve.log" 2>&1 </dev/null &
pids+=($!)
wait_for "http://127.0.0.1:$mport/ping" "$!" "$logs/mlflow-serve.log"

# One row of iris (the first), in each server's own request format.
cat >"$work/oip.json" <<'JSON'
{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 4], "data": [5.1, 3.5, 1.4, 0.2]}]}
JSON
cat >"$work/mlflow.json" <<'JSON'
{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2]]}}
JSON
cp "$work/oip.json" "$results/request-fermion.json"; cp "$work/mlflow.json" "$results/request-mlflow.json"
curl -fsS -H 'Content-Type: application/json' -d @"$work/oip.json" \
  "http://127.0.0.1:$fport/v2/models/iris/infer" >"$results/response-fermion.json"
curl -fsS -H 'Content-Type: application/json' -d @"$work/mlflow.json" \
  "http://127.0.0.1:$mport/invocations" >"$results/response-mlflow.json"
say "one answer from each"; cat "$results/response-fermion.json"; echo; cat "$results/response-mlflow.json"; echo

python3 bench/runner/benchenv.py start "$results/env.json" --python "$venv/bin/python" --module mlflow
say "load"
java -Xms128m -Xmx512m -cp "$cp" dev.fermion.bench.serving.LoadGen --out "$results/load.json" \
  --target fermion "http://127.0.0.1:$fport/v2/models/iris/infer" "$work/oip.json" \
  --target mlflow "http://127.0.0.1:$mport/invocations" "$work/mlflow.json" \
  --concurrency 1,16 --requests "${REQUESTS:-2000}" --warmup 200 --trials "${TRIALS:-3}" --max-seconds 60 \
  --expect label
say "bursts of ${CLIENTS:-1000} clients at once"
java -Xms128m -Xmx512m -cp "$cp" dev.fermion.bench.serving.Burst --out "$results/burst.json" \
  --url "http://127.0.0.1:$fport/v2/models/iris/infer" --body "$work/oip.json" --pid "${pids[0]}" \
  --clients "${CLIENTS:-1000}" --trials "${BURSTS:-5}"
python3 bench/runner/benchenv.py end "$results/env.json"
python3 "$here/report.py" "$results" "$root/bench/sections/serving.md" "$workers"
cat "$root/bench/sections/serving.md"
