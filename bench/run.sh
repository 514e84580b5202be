#!/usr/bin/env bash
# Issue 2's benchmark: compile time and YAML size of Fermion, Hera and KFP v1 on the same synthetic
# pipelines, plus the longest chain each fits under Argo's 1 MiB limit. Writes bench/results/*.json and
# rewrites the "Compiling pipelines" section of BENCHMARKS.md.
#
#   bench/run.sh                          everything (about 5-10 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh            100 and 1,000 steps only, to check the scripts
#   BENCH_SKIP_INSTALL=1 bench/run.sh     use the fermion-dsl/-compiler jars already in ~/.m2
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
results=bench/results
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  sizes=100,1000
else
  sizes=${BENCH_SIZES:-100,1000,10000}
fi

say() { printf '\n== %s\n' "$*" >&2; }

# Hera 7.1 needs pydantic 2 and kfp 1.8 needs pydantic 1, so they cannot share an environment.
venv() {
  local name=$1 module=$2 requirement=$3 dir=bench/.venv/$1
  if ! "$dir/bin/python" -c "import $module" >/dev/null 2>&1; then
    say "creating $dir ($requirement)"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q "$requirement"
  fi
}
venv hera hera 'hera[yaml]==7.1.*'
venv kfp kfp.compiler 'kfp==1.8.24'

if [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then
  say "installing fermion-dsl and fermion-compiler from the working tree"
  ./mvnw -q -B -pl compiler -am install -Dmaven.test.skip=true
fi
say "building the Java bench"
./mvnw -q -B -o -f bench/pom.xml package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt

# The smallest pipeline of each shape and tool, kept out of results/ (and out of git) for the validator.
samples=bench/target/samples
rm -rf "$results" "$samples" && mkdir -p "$results" "$samples"
python3 bench/report.py env "$results"

say "Fermion (sizes $sizes)"
java -Xms1g -Xmx4g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.fermion.bench.CompileBench \
  --out "$results/fermion.json" --sizes "$sizes" --samples "$samples"

say "Hera (sizes $sizes)"
bench/.venv/hera/bin/python bench/peers.py --tool hera --out "$results/hera.json" --sizes "$sizes" \
  --samples "$samples"

say "KFP v1 (sizes $sizes)"
# kfp 1.8 warns on import about its own deprecations; they say nothing about the measurement.
bench/.venv/kfp/bin/python -W ignore bench/peers.py --tool kfp --out "$results/kfp.json" --sizes "$sizes" \
  --samples "$samples"

validator=$root/../shared/tools/argo-validate/argo-validate
if [[ -x $validator ]]; then
  say "validating the smallest pipelines with argo-validate"
  if report=$("$validator" "$samples"/*.yaml 2>&1); then verdict="every file valid"; else verdict="**not all valid**"; fi
  {
    echo "\`argo-validate\` on each tool's YAML of every shape at the smallest size: $verdict."
    echo
    echo '```'
    echo "${report//$samples\//}"
    echo '```'
  } >"$results/validation.txt"
  cat "$results/validation.txt" >&2
fi

python3 bench/report.py render "$results" BENCHMARKS.md
say "BENCHMARKS.md updated; the tables:"
cat "$results/summary.md"
