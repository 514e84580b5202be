"""Renders bench/sections/startup.md from bench/startup/results/{env,times}.json and puts it into
BENCHMARKS.md between the startup-bench markers (appending the section the first time).

    python3 report.py RESULTS SECTION BENCHMARKS [BASELINE]
"""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runner"))
import benchenv  # noqa: E402
from benchenv import fmt  # noqa: E402

START = "<!-- startup-bench:start (bench/startup/run.sh rewrites this part) -->"
END = "<!-- startup-bench:end -->"
HEADING = "## Start-up of the command line (issue 17)"
TARGET_MS = 1000

WHAT = {
    "fermion --help": "`./fermion --help`: the top-level usage",
    "fermion list": "`./fermion list`: finds and defines the 4 example pipelines",
    "fermion compile iris": "`./fermion compile iris -o /dev/null`: defines, compiles and writes the iris Workflow",
    "fermion --help, plain java": "the same `--help` on the same classpath with plain `java` (no archive, default JIT)",
    "fermion list, plain java": "the same `list` with plain `java`",
    "hera: import hera": "`python -c \"import hera\"` (hera[yaml] {hera})",
    "hera: import hera.workflows": "`python -c \"import hera.workflows\"`: what a Hera script imports to define a workflow",
    "kfp --help": "`kfp --help`, the kfp CLI (kfp {kfp})",
    "floor: java -version": "`java -version`: a JVM that starts and stops",
    "floor: python3 -c pass": "`python3 -c pass`: an interpreter that starts and stops",
    "baseline fermion --help": "`./fermion --help` of {baseline}",
    "baseline fermion list": "`./fermion list` of {baseline}",
}


def main(results, section, benchmarks, baseline=""):
    env = json.load(open(os.path.join(results, "env.json")))
    data = json.load(open(os.path.join(results, "times.json")))
    versions = env["versions"]
    rows = []
    for name, t in data["times"].items():
        wall, cpu = t["wall_ms"], t["cpu_ms"]
        what = WHAT.get(name, name).format(hera=versions.get("hera", "?"), kfp=versions.get("kfp", "?"),
                                           baseline=baseline or "the baseline")
        rows.append(f"| {what} | **{fmt(statistics.median(wall))}** | {fmt(min(wall))}–{fmt(max(wall))} "
                    f"| {fmt(statistics.median(cpu))} |")
    loads = [x for t in data["times"].values() for x in t["load"]]
    times = data["times"]
    verdicts = []
    for name in ("fermion --help", "fermion list"):
        median = statistics.median(times[name]["wall_ms"])
        verdicts.append(f"`./{name}` {fmt(median)}")
    met = all(statistics.median(times[n]["wall_ms"]) < TARGET_MS for n in ("fermion --help", "fermion list"))
    text = f"""{START}

### Machine

{benchenv.machine_md(env, [f"- Load average (1 min) while timing: median {statistics.median(loads):.2f}, "
                           f"from {min(loads):.2f} to {max(loads):.2f}"])}

### Method

`bench/startup/run.sh` builds Fermion first if a source changed (so no timed call builds), then runs every
command below once untimed and {data['rounds']} times timed, the commands interleaved round by round so that
a change of load hits them all alike. Wall time is from starting the command to its exit, as a user waits
for it; CPU time is user plus system time of the process and its children. Each command must exit 0.

### Results (medians over {data['rounds']} rounds)

| command | wall, median | wall, min–max | CPU, median |
|---|---|---|---|
{chr(10).join(rows)}

### Target

`./fermion --help` and `./fermion list` start within 1 s on this machine: {verdicts[0]}, {verdicts[1]}:
{"**met**" if met else "**missed**"}.

### Reproduce

```bash
bench/startup/run.sh                                  # ROUNDS=25 for more rounds
BASELINE=/path/to/other/checkout bench/startup/run.sh # also time another checkout's ./fermion
```

{END}"""
    with open(section, "w") as f:
        f.write(f"{HEADING}\n\n{text}\n")
    doc = open(benchmarks).read()
    if START in doc:
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: text, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + f"\n\n{HEADING}\n\n{text}\n"
    with open(benchmarks, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main(*sys.argv[1:])
