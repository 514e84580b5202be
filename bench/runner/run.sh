#!/usr/bin/env bash
# Issue 3's benchmark: the local runner's overhead per step on no-op pipelines (chain and fan-out), in-process
# and with process isolation, side by side with Kubeflow's kfp.local SubprocessRunner on the same shapes.
# Writes bench/runner/results/*.json and bench/sections/runner.md.
#
#   bench/runner/run.sh                        everything (about 8 minutes on 2 busy cores)
#   BENCH_SKIP_INSTALL=1 bench/runner/run.sh   use the fermion-runtime jar already in ~/.m2
#   N=1000 PROC_N=20 KFP_N=20 REPEATS=5 PROC_REPEATS=3 KFP_REPEATS=3 ALSO_SIZES=100,10000 bench/runner/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
results=$here/results
say() { printf '\n== %s\n' "$*" >&2; }

venv=$here/.venv
if ! "$venv/bin/python" -c "import kfp.local" >/dev/null 2>&1; then
  say "creating $venv (kfp 2.x)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'kfp>=2.8,<3'
fi
if [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then
  say "installing fermion-runtime from the working tree"
  ./mvnw -q -B -pl runner -am install -Dmaven.test.skip=true
fi
say "building the Java harness"
./mvnw -q -B -o -f bench/runner/pom.xml package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt

rm -rf "$results" && mkdir -p "$results"
python3 "$here/benchenv.py" start "$results/env.json" --python "$venv/bin/python" --module kfp

# The harness's own classes (the no-op component) after the jars, as a user's classes come after Fermion's: process
# isolation's launchers then map a class-data archive of the jars (LauncherArchive), made after the first run.
say "Fermion LocalRunner"
java -Xms512m -Xmx2g -cp "$(cat bench/runner/target/classpath.txt):bench/runner/target/classes" \
  dev.fermion.bench.runner.RunnerBench --out "$results/fermion.json" \
  --n "${N:-1000}" --proc-n "${PROC_N:-20}" --repeats "${REPEATS:-5}" --warmups 2 --proc-repeats "${PROC_REPEATS:-3}" \
  --also-sizes "${ALSO_SIZES:-100,10000}"

say "Fermion LocalRunner, process isolation without the archive (a directory first on the class path)"
java -Xms512m -Xmx2g -cp "bench/runner/target/classes:$(cat bench/runner/target/classpath.txt)" \
  dev.fermion.bench.runner.RunnerBench --out "$results/fermion-no-archive.json" --process-only true \
  --n "${N:-1000}" --proc-n "${PROC_N:-20}" --warmups 2 --proc-repeats "${PROC_REPEATS:-3}"

say "kfp.local SubprocessRunner"
"$venv/bin/python" -W ignore "$here/kfp_local.py" --out "$results/kfp.json" \
  --n "${KFP_N:-20}" --repeats "${KFP_REPEATS:-3}" --warmups 1 --log "$results/kfp-local.log"

python3 "$here/benchenv.py" end "$results/env.json"
python3 "$here/report.py" "$results" "$root/bench/sections/runner.md"
cat "$root/bench/sections/runner.md"
