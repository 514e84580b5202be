"""Summarises bench/train/results/runs.jsonl: per configuration, the median samples per second of every timed
epoch of every run of each tool, the ratio DJL ÷ PyTorch and whether it meets issue 5's 0.9× target, as Markdown.

    python3 report.py RESULTS_DIR
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runner"))
import benchenv  # noqa: E402

TARGET = 0.9


def main(results):
    env = json.load(open(os.path.join(results, "env.json")))
    runs = [json.loads(line) for line in open(os.path.join(results, "runs.jsonl")) if line.strip()]
    configs = sorted({(tuple(r["hidden"]), r["batch"]) for r in runs}, key=lambda c: (c[1], len(c[0]), c[0]))
    djl, torch = (next(r for r in runs if r["tool"] == t) for t in ("djl", "torch"))
    print(benchenv.machine_md(env, [
        f"- DJL {djl['version'].split()[0]}, PyTorch engine {djl['version'].split()[1]} (bundled CPU library);"
        f" PyTorch {torch['version']} from PyPI, CPU only",
        f"- Intra-op threads: DJL {djl['threads']}, PyTorch {torch['threads']};"
        f" inter-op: DJL {djl['interop_threads']}, PyTorch {torch['interop_threads']}",
        f"- {djl['rows']:,} rows; each run: warm-up epochs for at least 3,000 steps ("
        + ", ".join(f"{w} at batch {b}" for b, w in sorted({(r['batch'], r['warmup_epochs']) for r in runs}))
        + f"), then {len(djl['samples_per_s'])} timed epochs; {len(runs) // (2 * len(configs))} runs per tool and"
        " configuration",
    ]))
    print()
    print("| hidden | batch | DJL (TrainMlp's loop) samples/s | PyTorch samples/s | DJL ÷ PyTorch | ≥ 0.9× |"
          " DJL run medians | PyTorch run medians | load (1 min) during runs |")
    print("|---|--:|--:|--:|--:|:-:|---|---|---|")
    for hidden, batch in configs:
        mine = [r for r in runs if tuple(r["hidden"]) == hidden and r["batch"] == batch]
        med, per_run = {}, {}
        for tool in ("djl", "torch"):
            rs = [r for r in mine if r["tool"] == tool]
            med[tool] = statistics.median(x for r in rs for x in r["samples_per_s"])
            per_run[tool] = ", ".join(f"{statistics.median(r['samples_per_s']):,.0f}" for r in rs)
        ratio = med["djl"] / med["torch"]
        loads = [r["load"] for r in mine]
        print(f"| {list(hidden)} | {batch} | {med['djl']:,.0f} | {med['torch']:,.0f} | {ratio:.2f}× |"
              f" {'yes' if ratio >= TARGET else '**no**'} | {per_run['djl']} | {per_run['torch']} |"
              f" {min(loads):.1f}–{max(loads):.1f} |")
    print()
    losses = []
    for hidden, batch in configs:
        last = {t: statistics.median(r["last_loss"] for r in runs if r["tool"] == t and tuple(r["hidden"]) == hidden
                                     and r["batch"] == batch) for t in ("djl", "torch")}
        losses.append(f"{list(hidden)} batch {batch}: {last['djl']:.4f} / {last['torch']:.4f}")
    print("Training loss of the last timed epoch (median over runs), DJL / PyTorch: " + "; ".join(losses) + ".")

if __name__ == "__main__":
    main(sys.argv[1])
