#!/usr/bin/env bash
# Preparation benchmark: PrepareCsv on Beam's DirectRunner against a plain single-threaded Java loop (the
# floor) and pandas, doing the same cleaning, split, scaling and writing on the same generated CSV. Runs
# the tools one after another, REPS times each, checks after every repetition that Beam and the loop wrote
# the same bytes (each split's data.csv and features.csv, and the rejects), and prints every run's JSON (with
# the 1-minute load average as it ended) and the medians.
#
#   bench/prepare/run.sh [ROWS]     default 1,000,000 rows; REPS (default 3) repetitions
#
# Each tool runs as its users run it. PrepareCsv runs from jars with a class-data sharing archive of the
# classes it loads, made by one training run on 20,000 other rows: `./fermion run` runs a pipeline's steps in
# a JVM that maps such an archive of the pipeline's classes from the second run on. The loop is a plain `java`
# program (given an archive of its own classes it ran twice as slowly; see BENCHMARKS.md). BEAM_ARCHIVE=0
# runs PrepareCsv without one.
#
# Needs python3 and Maven's offline repository (MAVEN_ARGS picks another one); the components module and the
# modules it needs are compiled from the working tree, nothing is installed. pandas goes into
# bench/prepare/.venv.
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
# In one reactor build the classpath names the sibling modules' target/classes, so the benchmark runs the
# code of this working tree; every module writes the file and components, built last, writes it last.
# test-compile, not compile: the dependency goal resolves test-scoped artifacts too (the model module's
# test jar), which a reactor build offers only once their tests are compiled; on a fresh machine nothing is installed.
(cd "$root" && ./mvnw -q -B -o -pl components -am test-compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$work/classpath.txt")
# The JVM maps an archive only of classes that come from jars, so the working tree's modules and the
# benchmark's own class are jarred first.
jars="$work/jars"
rm -rf "$jars" && mkdir -p "$jars/bench"
classpath=""
for entry in "$root/components/target/classes" $(tr ':' ' ' <"$work/classpath.txt"); do
  if [[ -d $entry ]]; then
    jar="$jars/$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry").jar"
    jar cf "$jar" -C "$entry" .
    entry=$jar
  fi
  classpath+="${classpath:+:}$entry"
done
javac -nowarn -d "$jars/bench" -cp "$classpath" "$here/PrepareBench.java"
jar cf "$jars/prepare-bench.jar" -C "$jars/bench" .
classpath+=":$jars/prepare-bench.jar"

source_csv="$work/source-$rows.csv"
[[ -f $source_csv ]] || python3 "$here/generate.py" "$rows" "$source_csv"

beam_jvm=()
if [[ ${BEAM_ARCHIVE:-1} != 0 ]]; then
  python3 "$here/generate.py" 20000 "$work/training.csv" 11
  rm -rf "$work/out-training" "$work/beam.jsa"
  java -XX:ArchiveClassesAtExit="$work/beam.jsa" -cp "$classpath" PrepareBench beam "$work/training.csv" \
    "$work/out-training" >/dev/null 2>"$work/beam-archive.log"
  beam_jvm=(-XX:SharedArchiveFile="$work/beam.jsa")
fi

results="$work/results.jsonl"
: >"$results"
for rep in $(seq "$reps"); do
  for tool in beam loop pandas; do
    rm -rf "$work/out-$tool"
    if [[ $tool == pandas ]]; then
      run=$("$venv/bin/python" "$here/prepare_pandas.py" "$source_csv" "$work/out-$tool")
    else
      jvm=()
      [[ $tool != beam ]] || jvm=("${beam_jvm[@]}")
      run=$(java -Xmx6g "${jvm[@]}" -cp "$classpath" PrepareBench "$tool" "$source_csv" "$work/out-$tool" \
        2>"$work/$tool.log")
    fi
    archive=false
    [[ $tool != beam || ${#beam_jvm[@]} == 0 ]] || archive=true
    echo "${run%\}}, \"class_archive\": $archive, \"load\": $(cut -d' ' -f1 /proc/loadavg)}" | tee -a "$results"
  done
  for file in {train,validation,test}/{data,features}.csv rejects/rejects.csv; do
    if ! cmp "$work/out-beam/$file" "$work/out-loop/$file"; then
      echo "Beam and the plain loop wrote different $file (in $work)" >&2
      exit 1
    fi
  done
  echo "repetition $rep: Beam and the plain loop wrote the same bytes" >&2
done
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
median = {t: statistics.median(r["seconds"] for r in runs if r["tool"] == t) for t in ("beam", "loop", "pandas")}
loads = [r["load"] for r in runs if "load" in r]
print(f"load (1 min) after each run: {min(loads):.2f}-{max(loads):.2f}")
print(f"medians: beam {median['beam']:.2f} s, loop {median['loop']:.2f} s, pandas {median['pandas']:.2f} s; "
      f"beam / loop {median['beam'] / median['loop']:.2f}x, beam / pandas {median['beam'] / median['pandas']:.2f}x")
PY
echo "inputs and outputs in $work" >&2
