"""Compile-time benchmark of Fermion's peers: Hera (hera.workflows) and the KFP v1 compiler.

Builds the same synthetic shapes as bench/src/main/java/dev/fermion/bench/Shape.java, so the YAML
sizes and times line up row for row. Hera and kfp 1.8 need different pydantic majors, so each tool runs in
its own virtual environment: this script is run once per tool, by that tool's interpreter.

    python peers.py --tool hera --out results/hera.json
"""

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time

ARGO_LIMIT_BYTES = 1024 * 1024
IMAGE = "busybox:1.36"
# The step adds one to its input, so every edge carries a real Integer as in the Fermion pipeline.
SCRIPT = 'echo $(( {x} + 1 )) > {y}'


def parents(shape, n):
    """For each step, the steps it waits for; the first one also feeds its Integer input."""
    if shape == "chain":
        return [[]] + [[i - 1] for i in range(1, n)]
    if shape == "wide":
        return [[]] + [[0] for _ in range(1, n)]
    if shape == "lattice":
        # Half rounds up, as Math.round does on the Java side.
        width = max(1, math.floor(math.sqrt(n) + 0.5))
        result = []
        for i in range(n):
            row, col = divmod(i, width)
            if row == 0:
                result.append([])
                continue
            above = (row - 1) * width
            deps = [above + col]
            if width > 1:
                deps.append(above + (col + 1) % width)
            result.append(deps)
        return result
    raise ValueError("unknown shape " + shape)


class Hera:
    name = "hera"
    separate_compile = True

    def __init__(self):
        import hera
        from hera.workflows import DAG, Container, Parameter, Workflow
        from hera.workflows.models import ValueFrom

        self.version = hera.__version__
        self.DAG, self.Container, self.Parameter, self.Workflow = DAG, Container, Parameter, Workflow
        self.ValueFrom = ValueFrom

    def define(self, shape, n):
        deps = parents(shape, n)
        P = self.Parameter
        with self.Workflow(name=f"bench-{shape}-{n}", entrypoint="main") as workflow:
            noop = self.Container(
                name="noop",
                image=IMAGE,
                command=["sh", "-c"],
                args=[SCRIPT.format(x="{{inputs.parameters.x}}", y="/tmp/y")],
                inputs=[P(name="x")],
                outputs=[P(name="y", value_from=self.ValueFrom(path="/tmp/y"))],
            )
            with self.DAG(name="main"):
                tasks = []
                for i in range(n):
                    if deps[i]:
                        task = noop(name=f"s{i}", arguments={"x": tasks[deps[i][0]].get_parameter("y")})
                        [tasks[d] for d in deps[i]] >> task
                    else:
                        task = noop(name=f"s{i}", arguments={"x": "0"})
                    tasks.append(task)
        return workflow

    def compile(self, defined):
        return defined.to_yaml()

    def define_and_compile(self, shape, n):
        return self.compile(self.define(shape, n))


class Kfp:
    name = "kfp"
    # KFP runs the pipeline function inside its compiler, so there is no compile step to time on its own.
    separate_compile = False

    COMPONENT = f"""
name: Noop
inputs:
- {{name: x, type: Integer}}
outputs:
- {{name: y, type: Integer}}
implementation:
  container:
    image: {IMAGE}
    command: [sh, -c, 'mkdir -p "$(dirname "$1")" && echo $(( $0 + 1 )) > "$1"', {{inputValue: x}}, {{outputPath: y}}]
"""

    def __init__(self):
        import kfp
        import kfp.components
        import kfp.dsl
        from kfp.compiler import Compiler

        self.version = kfp.__version__
        self.dsl = kfp.dsl
        self.Compiler = Compiler
        self.noop = kfp.components.load_component_from_text(self.COMPONENT)

    def define(self, shape, n):
        deps = parents(shape, n)
        noop = self.noop

        @self.dsl.pipeline(name=f"bench-{shape}-{n}")
        def pipeline():
            ops = []
            for i in range(n):
                if deps[i]:
                    op = noop(x=ops[deps[i][0]].outputs["y"])
                    for d in deps[i][1:]:
                        op.after(ops[d])
                else:
                    op = noop(x=0)
                ops.append(op)

        return pipeline

    def compile(self, defined):
        compiler = self.Compiler()
        workflow = compiler._create_workflow(defined)
        return compiler._write_workflow(workflow)

    def define_and_compile(self, shape, n):
        return self.compile(self.define(shape, n))


def argo_bytes(text):
    """Size of the object Argo stores and limits: the document as compact JSON, as argo-validate counts it."""
    import yaml

    document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def plan(n):
    """Warm-up and timed runs. Python has no JIT to settle: once the 100-step cases have run, imports and
    caches are warm, and a warm-up of a bigger case would only add runs of seconds each."""
    if n <= 100:
        return 5, 21
    if n <= 1000:
        return 0, 9
    return 0, 5


def predicted_seconds(done, shape, n):
    """One define+compile of `n` steps, extrapolated from the two largest measured sizes of `shape`."""
    points = sorted((c["steps"], c["defineCompileMedianMs"] / 1000) for c in done if c["shape"] == shape)
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = points[-2:]
    growth = max(1.0, math.log(t2 / t1) / math.log(n2 / n1))
    return t2 * (n / n2) ** growth


def measure(tool, shape, n, budget_s):
    warmups, reps = plan(n)
    for _ in range(warmups):
        tool.define_and_compile(shape, n)
    full, alone, text, spent = [], [], None, 0.0
    for i in range(reps):
        # One slow case must not eat the time of the rest: after three runs, stop once past the budget.
        if i >= 3 and spent > budget_s:
            break
        seconds, text = timed(lambda: tool.define_and_compile(shape, n))
        full.append(seconds)
        spent += seconds
        if tool.separate_compile:
            defined = tool.define(shape, n)
            seconds_alone, _ = timed(lambda: tool.compile(defined))
            alone.append(seconds_alone)
            spent += seconds_alone
    return {
        "shape": shape,
        "steps": n,
        "bytes": len(text.encode("utf-8")),
        "argoBytes": argo_bytes(text),
        "warmups": warmups,
        "reps": len(full),
        "defineCompileMedianMs": statistics.median(full) * 1000,
        "compileMedianMs": statistics.median(alone) * 1000 if alone else None,
        "defineCompileMs": [s * 1000 for s in full],
        "compileMs": [s * 1000 for s in alone],
    }


CEILING = 1 << 20


def largest(fits, guess):
    """Mirror of Bisect.largest in the Java bench: the largest n with fits(n), bracketed around guess."""
    lo = max(1, guess - guess // 50)
    hi = guess + guess // 50 + 1
    while not fits(lo):
        if lo == 1:
            return 0
        hi, lo = lo, max(1, lo // 2)
    while fits(hi):
        if hi >= CEILING:
            raise RuntimeError(f"a chain of {hi} steps still fits in 1 MiB; giving up the search")
        lo, hi = hi, min(CEILING, hi * 2)
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def predict_chain_limit(cases):
    """Where 1 MiB falls on the line through the two largest measured chains, as the Java bench does."""
    points = sorted((c["steps"], c["argoBytes"]) for c in cases if c["shape"] == "chain")
    if len(points) < 2:
        return 1000
    (n1, b1), (n2, b2) = points[-2:]
    per_step = (b2 - b1) / (n2 - n1)
    return max(1, int((ARGO_LIMIT_BYTES - (b1 - per_step * n1)) / per_step))


def max_chain_under_limit(tool, cases):
    steps = largest(lambda n: argo_bytes(tool.define_and_compile("chain", n)) <= ARGO_LIMIT_BYTES,
                    predict_chain_limit(cases))
    at_max, after = (tool.define_and_compile("chain", n) for n in (steps, steps + 1))
    return {
        "steps": steps,
        "bytesAtMax": len(at_max.encode("utf-8")),
        "argoBytesAtMax": argo_bytes(at_max),
        "bytesAtMaxPlusOne": len(after.encode("utf-8")),
        "argoBytesAtMaxPlusOne": argo_bytes(after),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", choices=["hera", "kfp"], required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--shapes", default="chain,wide,lattice")
    parser.add_argument("--case-budget-s", type=float, default=20.0,
                        help="after three runs, stop repeating a case once its runs took this long")
    parser.add_argument("--max-run-s", type=float, default=30.0,
                        help="skip a case whose single run is predicted to take longer than this")
    parser.add_argument("--samples", help="folder to write each shape's YAML at the smallest size into")
    args = parser.parse_args()

    tool = Hera() if args.tool == "hera" else Kfp()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.samples:
        os.makedirs(args.samples, exist_ok=True)
        for shape in args.shapes.split(","):
            with open(os.path.join(args.samples, f"{tool.name}-{shape}-{sizes[0]}.yaml"), "w") as sample:
                sample.write(tool.define_and_compile(shape, sizes[0]))
    cases, skipped = [], []
    for n in sizes:
        for shape in args.shapes.split(","):
            predicted = predicted_seconds(cases, shape, n)
            if predicted is not None and predicted > args.max_run_s:
                print(f"{tool.name} {shape:8s} {n:6d} steps: skipped, one run predicted to take {predicted:.0f} s",
                      file=sys.stderr)
                skipped.append({"shape": shape, "steps": n, "predictedSecondsPerRun": predicted,
                                "maxRunSeconds": args.max_run_s})
                continue
            case = measure(tool, shape, n, args.case_budget_s)
            print(f"{tool.name} {shape:8s} {n:6d} steps: define+compile {case['defineCompileMedianMs']:10.1f} ms, "
                  f"compile {case['compileMedianMs'] or 0:10.1f} ms, {case['bytes']:10d} bytes ({case['reps']} reps)",
                  file=sys.stderr)
            cases.append(case)
    limit = max_chain_under_limit(tool, cases)
    print(f"{tool.name} largest chain under 1 MiB: {limit['steps']} steps", file=sys.stderr)
    with open(args.out, "w") as out:
        json.dump({
            "tool": tool.name,
            "version": tool.version,
            "python": platform.python_version(),
            "cases": cases,
            "skipped": skipped,
            "maxChainUnder1MiB": limit,
        }, out, indent=2)


if __name__ == "__main__":
    main()
