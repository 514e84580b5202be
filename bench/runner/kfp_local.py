"""Kubeflow Pipelines' local runner (kfp 2.x, kfp.local.SubprocessRunner(use_venv=False)) on the same no-op
shapes as RunnerBench.java: chain (step i reads step i-1) and fanout (one root, every other step reads it).

    python kfp_local.py --out FILE [--n 20] [--repeats 3] [--warmups 1]

kfp.local logs every task at length; that output goes to a log file (--log), not to the terminal, so the
terminal is not what is measured. Writes one JSON object like RunnerBench's.
"""
import argparse
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time

import kfp
from kfp import dsl, local


@dsl.component
def noop(x: int) -> int:
    return x + 1


def make(shape, n):
    @dsl.pipeline(name=f"bench-{shape}-{n}")
    def pipeline():
        root = noop(x=0)
        previous = root
        for _ in range(1, n):
            source = previous if shape == "chain" else root
            previous = noop(x=source.output)

    return pipeline


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmups", type=int, default=1)
    ap.add_argument("--log", default=os.devnull)
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="kfp-local-bench-")
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=root, raise_on_error=True)
    cases = []
    with open(args.log, "a") as log:
        for shape in ("chain", "fanout"):
            pipeline = make(shape, args.n)
            times = []
            for r in range(args.warmups + args.repeats):
                start = time.perf_counter()
                # kfp.local prints through logging and print; both go to the log file
                handler = logging.StreamHandler(log)
                logging.getLogger().addHandler(handler)
                with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                    pipeline()
                logging.getLogger().removeHandler(handler)
                ms = (time.perf_counter() - start) * 1000
                print(f"{shape:7s} kfp.local  n={args.n:<5d} {'warm-up' if r < args.warmups else 'timed  '} "
                      f"{ms:9.1f} ms  {ms / args.n:8.3f} ms/step", file=sys.__stderr__, flush=True)
                if r >= args.warmups:
                    times.append(round(ms, 3))
            cases.append({"shape": shape, "isolation": "subprocess", "steps": args.n, "warmups": args.warmups,
                          "ms": times})
    shutil.rmtree(root, ignore_errors=True)  # the pipeline root: every task's outputs
    with open(args.out, "w") as f:
        json.dump({"tool": "kfp.local", "kfp": kfp.__version__, "runner": "SubprocessRunner(use_venv=False)",
                   "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
