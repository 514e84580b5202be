"""Describes the machine and turns bench/results/*.json into the "Compiling pipelines" section of BENCHMARKS.md.

    python3 bench/report.py env RESULTS_DIR        # before the run: machine and tool versions -> env.json
    python3 bench/report.py render RESULTS_DIR BENCHMARKS.md

Standard library only, so it runs with the system interpreter. The section sits between two markers and
is replaced whole on every run; the rest of BENCHMARKS.md belongs to other benchmarks and is left alone.
"""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

START = "<!-- compile-bench:start (bench/run.sh rewrites this part) -->"
END = "<!-- compile-bench:end -->"
LIMIT = 1024 * 1024
TOOLS = ("fermion", "hera", "kfp")
SHAPES = ("chain", "wide", "lattice")
TARGET_SPEEDUP = 20
TARGET_STEPS = 5000

INTRO = """# Benchmarks

How Fermion compares with the tools its users would otherwise reach for. Each section names the issue it
answers, the machine, the method and the command that reproduces it. Numbers come from one machine and
move with it: compare ratios, not absolute times, across machines.
"""

METHOD = """### Method

- **Pipelines.** N steps of one no-op step with one Integer input and one Integer output, in three shapes:
  *chain* (each step reads the previous step's output), *wide* (one root; the other N-1 steps read its
  output) and *lattice* (rows of round(sqrt N) steps; each step reads the output of the step above it and
  also waits for the step above-right, wrapping around). Every tool builds the same graph, step for step
  (`bench/src/main/java/dev/fermion/bench/Shape.java` and `parents()` in `bench/peers.py`).
- **Fermion** (`CompileBench.java`): a `Component` with `public static final Input<Integer>`/`Output<Integer>`
  ports, wired with `Pipeline.named(..).define(p -> ...)` (`with(X, prev.out(Y))`, `after(..)` for the lattice's
  second edge) and compiled by `ArgoCompiler` with `CompilerOptions.defaults()` to a `WORKFLOW`.
  *define+compile* times `define` and `compile` together; *compile only* times `compile` of an already
  defined plan. The JVM first compiles every shape at 1,000 steps for 5 s so that the JIT has settled.
- **Hera** (`hera.workflows`): one shared `Container` template with input `x` and output `y`, one DAG task
  per step with `arguments={"x": parent.get_parameter("y")}` and `>>` for dependencies; *define+compile*
  builds the `Workflow` and calls `to_yaml()`, *compile only* is `to_yaml()` of a built `Workflow`.
- **KFP v1** (`kfp.compiler.Compiler`): one component loaded with `load_component_from_text`, one call per
  step, `.after(..)` for the lattice's second edge; timed as `Compiler()._create_workflow(pipeline_func)` plus
  `Compiler._write_workflow(...)`, which is what `Compiler().compile(...)` does short of writing the file.
  KFP runs the pipeline function inside its compiler, so it has no separate compile-only figure. KFP v1
  writes one container template per step, which is why its YAML is the largest.
- **Timing.** Warm medians of wall time (`System.nanoTime`, `time.perf_counter`), with a garbage
  collection before each timed run. Fermion: 20/5/5 warm-up runs and up to 31/15/7 timed runs at
  100/1,000/10,000 steps. Hera and KFP: 5/0/0 warm-up runs (Python has no JIT; after the 100-step
  cases the process is warm) and up to 21/9/5 timed runs. A case stops repeating once its
  timed runs pass 20 s and it has three. A Python case whose single run is predicted (from the growth
  between the two largest sizes measured for that shape) to exceed 30 s is skipped and listed as such,
  so that the whole run stays near ten minutes on two cores.
- **Size.** The tables give bytes of the UTF-8 YAML each tool emits. Argo rejects a workflow object over
  1 MiB (1,048,576 bytes) as stored, that is as JSON, so the largest chain is the largest N whose YAML,
  parsed and written as compact JSON, is at most 1 MiB (and, for Fermion, which the compiler does not
  refuse: it checks the limit itself, and the tables mark what it refuses as *refused*). It is found by
  bisection on N per tool, bracketed around the size the measured chains predict.
- **Validity.** When `../shared/tools/argo-validate` is present, each tool's 100-step (smallest size)
  YAML of every shape is checked with Argo's schema and structural rules.
"""


def run(*cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return None


def read_first(path, prefix):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip().strip('"')
    except OSError:
        return None
    return None


def environment():
    mem_kib = read_first("/proc/meminfo", "MemTotal")
    java = run("java", "-version")
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": run("nproc"),
        "cpu": read_first("/proc/cpuinfo", "model name"),
        "memory": f"{int(mem_kib.split()[0]) // (1024 * 1024)} GiB" if mem_kib else None,
        "os": read_first("/etc/os-release", "PRETTY_NAME=") or platform.platform(),
        "kernel": platform.release(),
        "java": java.splitlines() if java else None,
        "python": platform.python_version(),
        "loadAverageAtStart": os.getloadavg(),
        "commit": run("git", "rev-parse", "--short", "HEAD"),
        "workTreeDirty": bool(run("git", "status", "--porcelain", "--untracked-files=no")),
    }


def load(results):
    data = {}
    for tool in TOOLS + ("env",):
        path = os.path.join(results, tool + ".json")
        if os.path.exists(path):
            with open(path) as f:
                data[tool] = json.load(f)
    return data


def ms(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    if value >= 1:
        return f"{value:.2f} ms"
    return f"{value:.3f} ms"


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return "—"
    r = numerator / denominator
    return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


def number(value):
    return "—" if value is None else f"{value:,}"


def cases_by_key(data, tool):
    return {(c["shape"], c["steps"]): c for c in data.get(tool, {}).get("cases", [])}


def skipped_by_key(data, tool):
    return {(s["shape"], s["steps"]): s for s in data.get(tool, {}).get("skipped", [])}


def cell_time(cases, skipped, key, field):
    if key in cases:
        refused = " (refused)" if cases[key].get("refusedOver1MiB") else ""
        return ms(cases[key][field]) + refused
    if key in skipped:
        return f"skipped (~{skipped[key]['predictedSecondsPerRun']:,.0f} s/run predicted)"
    return "—"


def cell_bytes(cases, skipped, key):
    case = cases.get(key)
    if case is None:
        return "skipped" if key in skipped else "—"
    if case.get("refusedOver1MiB"):
        return f"refused at {number(case.get('refusedSizeBytes'))}"
    return number(case["bytes"])


def field(cases, key, name):
    case = cases.get(key)
    return None if case is None else case.get(name)


def one_more(limit):
    if limit.get("refusedAtMaxPlusOne"):
        return f"refused by the compiler at {number(limit.get('refusedSizeBytesAtMaxPlusOne'))}"
    after = limit.get("argoBytesAtMaxPlusOne")
    return "—" if after is None else number(after) + " (over)"


def render_section(data):
    env = data.get("env", {})
    fermion, hera, kfp = (cases_by_key(data, t) for t in TOOLS)
    skipped = {t: skipped_by_key(data, t) for t in TOOLS}
    keys = sorted(set(fermion) | set(hera) | set(kfp) | set(skipped["hera"]) | set(skipped["kfp"]),
                  key=lambda k: (k[1], SHAPES.index(k[0]) if k[0] in SHAPES else 99))
    lines = [START, ""]

    lines += ["### Machine", ""]
    java = env.get("java") or ["?"]
    lines += [
        f"- Run {env.get('date', '?')} at commit `{env.get('commit', '?')}`"
        + (" (with uncommitted changes)" if env.get("workTreeDirty") else ""),
        f"- `nproc`: {env.get('nproc', '?')}; CPU: {env.get('cpu', '?')}; memory: {env.get('memory', '?')}; "
        f"{env.get('os', '?')}, kernel {env.get('kernel', '?')}",
        f"- Load average (1, 5, 15 min) when the run started: "
        f"{', '.join(f'{x:.2f}' for x in env.get('loadAverageAtStart', []))}; when it ended: "
        f"{', '.join(f'{x:.2f}' for x in env.get('loadAverageAtEnd', []))}. Above the core count, other processes competed "
        "for the CPU and every absolute time is inflated; the tools ran one after another, so the ratios "
        "are less affected, but only roughly",
        "- `java -version`: " + " / ".join(f"`{line}`" for line in java),
        f"- Python {data.get('hera', data.get('kfp', {})).get('python', env.get('python', '?'))}; "
        f"Hera {data.get('hera', {}).get('version', '?')}; kfp {data.get('kfp', {}).get('version', '?')}; "
        f"Fermion {data.get('fermion', {}).get('version', '?')}",
        "- JVM flags: " + (" ".join(f"`{a}`" for a in data.get("fermion", {}).get("jvmArgs", [])) or "none"),
        "",
    ]

    lines += ["### Compile time (warm medians)", "",
              "| shape | steps | Fermion define+compile | Fermion compile only | Hera define+compile "
              "| Hera compile only | KFP define+compile | Hera ÷ Fermion | KFP ÷ Fermion |",
              "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for key in keys:
        f_full = field(fermion, key, "defineCompileMedianMs")
        lines.append("| " + " | ".join([
            key[0], number(key[1]),
            cell_time(fermion, skipped["fermion"], key, "defineCompileMedianMs"),
            cell_time(fermion, skipped["fermion"], key, "compileMedianMs"),
            cell_time(hera, skipped["hera"], key, "defineCompileMedianMs"),
            cell_time(hera, skipped["hera"], key, "compileMedianMs"),
            cell_time(kfp, skipped["kfp"], key, "defineCompileMedianMs"),
            ratio(field(hera, key, "defineCompileMedianMs"), f_full),
            ratio(field(kfp, key, "defineCompileMedianMs"), f_full),
        ]) + " |")
    lines += ["", "Ratios compare define+compile with define+compile. *(refused)*: the time until the compiler "
              "rejected the workflow as over 1 MiB, having built all of it. Repetitions per case (warm-up and "
              "timed) are in `bench/results/*.json`.", ""]

    lines += ["### YAML size", "",
              "| shape | steps | Fermion bytes | Hera bytes | KFP bytes | Hera ÷ Fermion | KFP ÷ Fermion |",
              "|---|--:|--:|--:|--:|--:|--:|"]
    for key in keys:
        f_bytes = None if field(fermion, key, "refusedOver1MiB") else field(fermion, key, "bytes")
        lines.append("| " + " | ".join([
            key[0], number(key[1]),
            cell_bytes(fermion, skipped["fermion"], key),
            cell_bytes(hera, skipped["hera"], key),
            cell_bytes(kfp, skipped["kfp"], key),
            ratio(field(hera, key, "bytes"), f_bytes),
            ratio(field(kfp, key, "bytes"), f_bytes),
        ]) + " |")
    lines += ["", "*refused at N*: Fermion's compiler rejected the workflow; N is the size it reported, that of "
              "the compact JSON Argo would store (its YAML is larger).", ""]

    lines += ["### Largest chain under Argo's 1 MiB limit", "",
              "| tool | steps | YAML bytes | Argo object bytes | one step more | YAML bytes per step |",
              "|---|--:|--:|--:|--:|--:|"]
    for tool, label in zip(TOOLS, ("Fermion", "Hera", "KFP v1")):
        limit = data.get(tool, {}).get("maxChainUnder1MiB")
        if not limit:
            lines.append(f"| {label} | not measured | | | | |")
            continue
        per_step = f"{limit['bytesAtMax'] / limit['steps']:,.0f}" if limit.get("steps") else "—"
        lines.append(f"| {label} | {number(limit['steps'])} | {number(limit.get('bytesAtMax'))} | "
                     f"{number(limit.get('argoBytesAtMax'))} | "
                     f"{one_more(limit)} | {per_step} |")
    lines += ["", "*Argo object bytes* is the workflow as compact JSON, which is what Argo stores and limits "
              "(and what `argo-validate` checks); the search is on that size. *One step more* is that size for "
              "one more step.", ""]

    lines += ["### Targets", ""]
    for n in (1000, 10000):
        medians, fastest = {}, {}
        for shape in SHAPES:
            h, f = hera.get((shape, n)), fermion.get((shape, n))
            if h and f:
                medians[shape] = h["defineCompileMedianMs"] / f["defineCompileMedianMs"]
                fastest[shape] = min(h["defineCompileMs"]) / min(f["defineCompileMs"])
        refused = " Fermion's times at this size are until it refused the workflow as over 1 MiB, having built " \
                  "and measured all of it." if any(fermion.get((s, n), {}).get("refusedOver1MiB") for s in SHAPES) else ""
        if medians:
            verdict = "**met**" if min(medians.values()) >= TARGET_SPEEDUP else "**missed**"
            lines.append(f"- At least {TARGET_SPEEDUP}× faster than Hera at {n:,} steps, warm: {verdict} on medians — "
                         + ", ".join(f"{s} {v:,.0f}×" for s, v in medians.items()) + " (define+compile). "
                         "Fastest run against fastest run, which other load on the machine disturbs least: "
                         + ", ".join(f"{s} {v:,.0f}×" for s, v in fastest.items()) + "." + refused)
        else:
            lines.append(f"- At least {TARGET_SPEEDUP}× faster than Hera at {n:,} steps: not measured.")
    steps = data.get("fermion", {}).get("maxChainUnder1MiB", {}).get("steps")
    if steps is not None:
        verdict = "**met**" if steps >= TARGET_STEPS else "**missed**"
        lines.append(f"- At least {TARGET_STEPS:,} steps under 1 MiB: {verdict} — {steps:,} chained steps.")
    else:
        lines.append(f"- At least {TARGET_STEPS:,} steps under 1 MiB: not measured.")
    lines.append("")

    validation = data.get("validation")
    if validation:
        lines += ["### Validity", "", validation, ""]

    lines += [METHOD, "### Reproduce", "",
              "```bash",
              "bench/run.sh            # builds dsl+compiler and the bench, makes bench/.venv/{hera,kfp}, runs all",
              "```", "",
              "Needs a JDK 17, Python 3.9+ with `venv`, and access to Maven Central and PyPI on first use. Hera 7.1 "
              "needs pydantic 2 and kfp 1.8 needs pydantic 1, so each gets its own virtual environment under "
              "`bench/.venv/`. Raw results land in `bench/results/` (`fermion.json`, `hera.json`, `kfp.json`, "
              "`env.json`) and this section is rewritten from them; the rest of this file is left as it is. "
              "`BENCH_QUICK=1 bench/run.sh` runs 100 and 1,000 steps only, for checking the scripts; "
              "`BENCH_SKIP_INSTALL=1` measures the fermion-dsl and fermion-compiler jars already in `~/.m2` "
              "instead of installing the working tree's.", "", END]
    return "\n".join(lines)


def render(results, target):
    env_path = os.path.join(results, "env.json")
    if os.path.exists(env_path):
        # Kept in env.json, so that rendering the same results again reports the run's load, not today's.
        with open(env_path) as f:
            env = json.load(f)
        if "loadAverageAtEnd" not in env:
            env["loadAverageAtEnd"] = os.getloadavg()
            with open(env_path, "w") as f:
                json.dump(env, f, indent=2)
    data = load(results)
    validation_path = os.path.join(results, "validation.txt")
    if os.path.exists(validation_path):
        with open(validation_path) as f:
            data["validation"] = f.read().strip()
    section = render_section(data)
    text = open(target).read() if os.path.exists(target) else INTRO
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        heading = "## Compiling pipelines (issue 2)"
        if heading not in text:
            text = text.rstrip("\n") + "\n\n" + heading + "\n\n"
        head, tail = text.split(heading, 1)
        text = head + heading + "\n\n" + section + "\n" + tail.lstrip("\n")
    with open(target, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write(section + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "env":
        os.makedirs(sys.argv[2], exist_ok=True)
        with open(os.path.join(sys.argv[2], "env.json"), "w") as f:
            json.dump(environment(), f, indent=2)
    elif len(sys.argv) == 4 and sys.argv[1] == "render":
        render(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
