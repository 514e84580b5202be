#!/usr/bin/env bash
# Issue 5's training benchmark: samples per second of TrainMlp's training loop (DJL 0.36.0 on its bundled
# PyTorch 2.7.1 CPU library) against PyTorch 2.7.1 in Python training the same MLP on the same rows: softmax
# cross-entropy, Adam (learning rate 0.001, weight decay 0.01), shuffled every epoch, float32, on the CPU.
# Configurations: hidden [16] (TrainMlp's default) and [64, 64], batch 32 (TrainMlp's default) and 256.
# Each run is a fresh process: warm-up epochs (enough for 3,000 steps, at least one), then EPOCHS timed
# epochs. Tools alternate within each round, and which goes first alternates between rounds. Prints every
# run's JSON and the medians; writes bench/train/results/threads-N/{env.json,runs.jsonl,summary.md}.
#
#   bench/train/run.sh                    ROUNDS=3 EPOCHS=5 THREADS=1 ROWS=100000
#   THREADS=2 bench/train/run.sh          intra-op threads of both tools (libtorch's default is nproc)
#
# Needs python3 and Maven's offline repository; torch goes into bench/train/.venv (PyPI's Linux wheel is the
# ~5.7 GB CUDA build; only its CPU side is used).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
rounds=${ROUNDS:-3}
epochs=${EPOCHS:-5}
threads=${THREADS:-1}
rows=${ROWS:-100000}
features=16
classes=3
results=$here/results/threads-$threads
target=$here/target
say() { printf '\n== %s\n' "$*" >&2; }

venv=$here/.venv
if ! "$venv/bin/python" -c "import numpy, torch" >/dev/null 2>&1; then
  say "creating $venv with torch 2.7.1, the libtorch version DJL 0.36.0 bundles"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "torch==2.7.1" "numpy==2.4.6"
fi
say "compiling the components module"
./mvnw -q -B -o -pl components compile
./mvnw -q -B -o dependency:build-classpath -pl components -DincludeScope=runtime \
  -Dmdep.outputFile="$target/classpath.txt"
cp="$root/components/target/classes:$(cat "$target/classpath.txt")"
# DJL: the PyTorch native library from the Maven artifact, nothing downloaded.
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai} ENGINE_CACHE_DIR=${ENGINE_CACHE_DIR:-$HOME/.djl.ai}
java=(java -Xmx2g -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch -Dai.djl.pytorch.num_threads="$threads"
  -Dai.djl.pytorch.num_interop_threads="$threads" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp")

data=$target/data-$rows
[[ -f $data/labels.f32 ]] || "$venv/bin/python" "$here/generate.py" "$rows" "$features" "$classes" "$data"

mkdir -p "$results"
: >"$target/djl.log"
runs=$results/runs.jsonl
: >"$runs"
python3 bench/runner/benchenv.py start "$results/env.json" --python "$venv/bin/python" --module torch
for round in $(seq "$rounds"); do
  tools=(djl torch)
  (( round % 2 == 0 )) && tools=(torch djl)
  for config in "16 32" "64,64 32" "16 256" "64,64 256"; do
    read -r hidden batch <<<"$config"
    steps=$(( (rows + batch - 1) / batch ))
    warmup=$(( (3000 + steps - 1) / steps ))
    for tool in "${tools[@]}"; do
      say "round $round: $tool, hidden [$hidden], batch $batch, $warmup warm-up + $epochs timed epochs," \
        "load $(cut -d' ' -f1-3 /proc/loadavg)"
      if [[ $tool == djl ]]; then
        "${java[@]}" "$here/TrainBench.java" "$data" "$features" "$classes" "$hidden" "$batch" "$warmup" "$epochs" \
          2>>"$target/djl.log"
      else
        "$venv/bin/python" "$here/train_torch.py" "$data" "$features" "$classes" "$hidden" "$batch" "$warmup" \
          "$epochs" "$threads"
      fi | tee -a "$runs"
    done
  done
done
python3 bench/runner/benchenv.py end "$results/env.json"
python3 "$here/report.py" "$results" | tee "$results/summary.md"
