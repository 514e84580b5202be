#!/usr/bin/env bash
# Issue 18's small-data training benchmark: the wall time TrainMlp takes on scikit-learn's iris, wine,
# breast-cancer and digits sets against scikit-learn's MLPClassifier and LogisticRegression, and the test
# accuracy each reaches, on the same splits of the same rows (PrepareCsv's stratified splits, one per seed).
# Fermion's time is the whole TrainMlp step with its defaults in one JVM (reading the splits, training with
# early stopping, writing the model bundle); scikit-learn's is scaling and fitting. Tools alternate within
# each round, and which goes first alternates between rounds. Prints every result's JSON and a summary; writes
# bench/small-data/results/{env.json,runs.jsonl}, bench/sections/small-data.md and the small-data section of
# BENCHMARKS.md.
#
#   bench/small-data/run.sh             ROUNDS=3 SEEDS=42,1,2,3,4,5,6,7 PEER_THREADS=1
#
# Needs python3 and Maven's offline repository (MAVEN_ARGS picks another one); the components module and the
# modules it needs are compiled from the working tree, nothing is installed. scikit-learn goes into
# bench/small-data/.venv. Its bundled data sets are the data: nothing is downloaded.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
rounds=${ROUNDS:-3}
seeds=${SEEDS:-42,1,2,3,4,5,6,7}
export PEER_THREADS=${PEER_THREADS:-1}
names=(iris wine breast-cancer digits)
sklearn_version=1.9.1
results=$here/results
target=$here/target
say() { printf '\n== %s\n' "$*" >&2; }

venv=$here/.venv
if ! "$venv/bin/python" -c "import sklearn, threadpoolctl; assert sklearn.__version__ == '$sklearn_version'" \
    >/dev/null 2>&1; then
  say "creating $venv with scikit-learn $sklearn_version"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "scikit-learn==$sklearn_version"
fi
say "compiling the components module and the modules it needs"
mkdir -p "$target"
# In one reactor build the classpath names the sibling modules' target/classes, so the step runs the code of
# this working tree; every module writes the file and components, built last, writes it last.
# test-compile, not compile: the dependency goal resolves test-scoped artifacts too (the model module's
# test jar), which a reactor build offers only once their tests are compiled; on a fresh machine nothing is installed.
./mvnw -q -B -o -pl components -am test-compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$target/classpath.txt"
cp="$root/components/target/classes:$(cat "$target/classpath.txt")"
# DJL: the PyTorch native library from the Maven artifact, nothing downloaded.
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai} ENGINE_CACHE_DIR=${ENGINE_CACHE_DIR:-$HOME/.djl.ai}
java=(java -Xmx2g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp")

"$venv/bin/python" "$here/datasets.py" "$target/data"
work=$target/work
rm -rf "$work"
mkdir -p "$results"
runs=$results/runs.jsonl
: >"$runs"
: >"$target/fermion.log"
python3 bench/runner/benchenv.py start "$results/env.json" --python "$venv/bin/python" --module scikit-learn \
  --module numpy
for round in $(seq "$rounds"); do
  tools=(fermion sklearn)
  # The first round starts with Fermion, whose PrepareCsv writes the splits both sides train on.
  (( round % 2 == 0 )) && tools=(sklearn fermion)
  for tool in "${tools[@]}"; do
    say "round $round: $tool, seeds $seeds, load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [[ $tool == fermion ]]; then
      "${java[@]}" "$here/SmallDataBench.java" "$target/data" "$work" "$seeds" "${names[@]}" 2>>"$target/fermion.log"
    else
      "$venv/bin/python" "$here/peers.py" "$work" "$seeds" "${names[@]}"
    fi | sed "s/^{/{\"round\": $round, /" | tee -a "$runs"
  done
done
python3 bench/runner/benchenv.py end "$results/env.json"
python3 "$here/report.py" "$results" "$root/bench/sections/small-data.md" "$root/BENCHMARKS.md"
