#!/usr/bin/env bash
# Issue 17's benchmark: how long `./fermion --help` and `./fermion list` take, side by side with the peers'
# start-up (`python -c "import hera"` and `import hera.workflows` with hera[yaml] 7.1, `kfp --help` with kfp
# 1.8.24) in one run, commands interleaved round by round. Writes bench/startup/results/*.json, bench/sections/startup.md and the
# start-up section of BENCHMARKS.md. Not part of CI.
#
#   bench/startup/run.sh                          15 rounds (about 3 minutes on 2 busy cores)
#   ROUNDS=25 bench/startup/run.sh
#   BASELINE=/path/to/checkout bench/startup/run.sh   also times that checkout's ./fermion (e.g. the commit before;
#                                                    BASELINE_LABEL names it in the table, else its path)
#
# The peers' venvs live under ~/.cache/fermion/bench-venvs (hera 7.1 needs pydantic 2 and kfp 1.8 pydantic 1,
# so they cannot share one) and are made on the first run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
results=$here/results
venvs=${XDG_CACHE_HOME:-$HOME/.cache}/fermion/bench-venvs
say() { printf '\n== %s\n' "$*" >&2; }

venv() {
  local dir=$venvs/$1 module=$2 requirement=$3
  if ! "$dir/bin/python" -c "import $module" >/dev/null 2>&1; then
    say "creating $dir ($requirement)"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q "$requirement"
  fi
}
venv hera hera 'hera[yaml]==7.1.*'
venv kfp kfp 'kfp==1.8.24'

say "building Fermion if a source changed (the timed calls must not build)"
./fermion --version >/dev/null
if [[ -n ${BASELINE:-} ]]; then
  "$BASELINE/fermion" --version >/dev/null
fi

rm -rf "$results" && mkdir -p "$results"
python3 bench/runner/benchenv.py start "$results/env.json" \
  --python "$venvs/hera/bin/python" --module hera --python "$venvs/kfp/bin/python" --module kfp

plain="java -Dai.djl.offline=true -cp $(cat target/fermion-cli/classpath.txt) dev.fermion.cli.FermionCli"
commands=(
  "fermion --help=./fermion --help"
  "fermion list=./fermion list"
  "fermion compile iris=./fermion compile iris -o /dev/null"
  "fermion --help, plain java=$plain --help"
  "fermion list, plain java=$plain list"
  "hera: import hera=$venvs/hera/bin/python -c 'import hera'"
  "hera: import hera.workflows=$venvs/hera/bin/python -c 'import hera.workflows'"
  "kfp --help=$venvs/kfp/bin/kfp --help"
  "floor: java -version=java -version"
  "floor: python3 -c pass=python3 -c pass"
)
if [[ -n ${BASELINE:-} ]]; then
  commands+=("baseline fermion --help=$BASELINE/fermion --help" "baseline fermion list=$BASELINE/fermion list")
fi
say "timing ${ROUNDS:-15} rounds of: ${commands[*]%%=*}"
python3 "$here/startup.py" --rounds "${ROUNDS:-15}" --out "$results/times.json" "${commands[@]}"

python3 bench/runner/benchenv.py end "$results/env.json"
python3 "$here/report.py" "$results" bench/sections/startup.md BENCHMARKS.md "${BASELINE_LABEL:-${BASELINE:-}}"
cat bench/sections/startup.md
