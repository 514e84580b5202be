"""Summarises bench/small-data/results/runs.jsonl as Markdown: per data set, the median over rounds of each
tool's mean time per split seed, Fermion ÷ MLPClassifier, and the test rows each got right over all seeds,
with issue 18's target (within 2× of MLPClassifier's time at equal or better test accuracy). Writes the
section to SECTION and puts it into BENCHMARKS.md between the small-data-bench markers (appending the
section the first time).

    python3 report.py RESULTS_DIR SECTION BENCHMARKS
"""
import contextlib
import io
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runner"))
import benchenv  # noqa: E402

TOOLS = {"fermion": "Fermion TrainMlp", "mlp": "MLPClassifier", "logistic-regression": "LogisticRegression"}
TARGET = 2.0
START = "<!-- small-data-bench:start (bench/small-data/run.sh rewrites this part) -->"
END = "<!-- small-data-bench:end -->"
HEADING = "## Training on small tabular data, TrainMlp against scikit-learn (issue 18)"
METHOD = """### Method

scikit-learn's bundled iris (150 rows), wine (178), breast cancer (569) and digits (1,797) sets, written as
CSVs by `bench/small-data/datasets.py`. For every split seed, PrepareCsv splits each set (stratified
70/15/15) once; both sides train on exactly its train rows and score on exactly its test rows. Fermion:
`SmallDataBench.java` runs TrainMlp with its defaults in one JVM, as the local runner runs a pipeline's
steps, and its time is the whole step (reading the splits, training with early stopping on the validation
split, writing the model bundle). scikit-learn: `MLPClassifier(random_state=0)` and
`LogisticRegression(max_iter=10000)` behind a `StandardScaler`, timed from scaling to fitted. Each round runs
both sides, one after the other, and which goes first alternates between rounds; start-up (engine load,
imports) and each data set's first training are timed apart and reported below the table. Test accuracy
must be the same in every round: the report refuses runs that are not deterministic."""


def main(results, section, benchmarks):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        summarise(results)
    text = (f"{START}\n\n### Machine\n\n{out.getvalue().rstrip()}\n\n### Reproduce\n\n```bash\n"
            "bench/small-data/run.sh          # ROUNDS=3 SEEDS=42,1,2,3,4,5,6,7; scikit-learn goes into"
            " bench/small-data/.venv\n```\n\n" + END)
    with open(section, "w") as f:
        f.write(f"{HEADING}\n\n{text}\n")
    doc = open(benchmarks).read()
    if START in doc:
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: text, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + f"\n\n{HEADING}\n\n{text}\n"
    with open(benchmarks, "w") as f:
        f.write(doc)
    print(f"{HEADING}\n\n{text}")


def summarise(results):
    env = json.load(open(os.path.join(results, "env.json")))
    runs = [json.loads(line) for line in open(os.path.join(results, "runs.jsonl")) if line.strip()]
    fits = [r for r in runs if r["tool"] in TOOLS]
    names = list(dict.fromkeys(r["data"] for r in fits))
    seeds = list(dict.fromkeys(r["seed"] for r in fits))
    rounds = sorted({r["round"] for r in runs})
    engine = [r for r in runs if r["tool"] == "fermion-engine"]
    imports = [r for r in runs if r["tool"] == "sklearn-import"]
    first = {tool: [r for r in runs if r["tool"] == tool] for tool in ("fermion-first", "sklearn-first")}
    print(benchenv.machine_md(env, [
        f"- Fermion: {engine[0]['engine']} through DJL, TrainMlp's defaults, one libtorch thread (its default);"
        f" scikit-learn {env['versions'].get('scikit-learn', '?')}, numpy {env['versions'].get('numpy', '?')},"
        f" BLAS limited to {imports[0]['blas_threads']} thread(s) (its default here: {imports[0]['blas_default_threads']})",
        f"- Split seeds {', '.join(map(str, seeds))} (PrepareCsv, stratified 70/15/15); {len(rounds)} rounds,"
        " tools alternating; load (1 min) during the runs"
        f" {min(r['load'] for r in runs):.1f}–{max(r['load'] for r in runs):.1f}",
    ]))
    print()
    print(METHOD)
    print()
    print("### Results")
    print()
    print("Seconds: each round's mean over the split seeds, median over rounds (the rounds in brackets)."
          " Test rows right: summed over the seeds.")
    print()
    print("| data set | Fermion TrainMlp | MLPClassifier | LogisticRegression | Fermion ÷ MLP | test rows right:"
          " Fermion / MLP / LogReg (of) | target met | Fermion epochs (mean) |")
    print("|---|--:|--:|--:|--:|--:|:-:|--:|")
    all_met = True
    for name in names:
        median, right, rounds_text = {}, {}, {}
        for tool in TOOLS:
            per_round = []
            for rnd in rounds:
                rs = [r for r in fits if r["tool"] == tool and r["data"] == name and r["round"] == rnd]
                per_round.append(statistics.mean(r["seconds"] for r in rs))
                correct = sum(r["test_correct"] for r in rs)
                if right.setdefault(tool, correct) != correct:
                    raise SystemExit(f"{tool} on {name}: round {rnd} got {correct} test rows right, another round"
                                     f" {right[tool]}: the runs are not deterministic")
            median[tool] = statistics.median(per_round)
            rounds_text[tool] = ", ".join(f"{x:.3f}" for x in per_round)
        total = sum(r["test_rows"] for r in fits if r["tool"] == "fermion" and r["data"] == name
                    and r["round"] == rounds[0])
        ratio = median["fermion"] / median["mlp"]
        met = ratio <= TARGET and right["fermion"] >= right["mlp"]
        all_met &= met
        epochs = statistics.mean(r["epochs"] for r in fits if r["tool"] == "fermion" and r["data"] == name)
        print(f"| {name} | {median['fermion']:.3f} s ({rounds_text['fermion']}) | {median['mlp']:.3f} s"
              f" ({rounds_text['mlp']}) | {median['logistic-regression']:.3f} s | {ratio:.2f}× |"
              f" {right['fermion']} / {right['mlp']} / {right['logistic-regression']} ({total}) |"
              f" {'yes' if met else '**no**'} | {epochs:.0f} |")
    print()
    print(f"**Target (within {TARGET:.0f}× of MLPClassifier's time at equal or better test accuracy on every data"
          f" set): {'met' if all_met else 'not met'}.**")
    print()
    fermion = [r for r in fits if r["tool"] == "fermion"]
    def first_of(tool, name):
        return statistics.median(r["seconds"] for r in first[tool] if r["data"] == name)

    print("Once per process, not in the times above (medians over the rounds): loading the PyTorch engine (DJL's"
          f" first NDManager) {statistics.median(r['seconds'] for r in engine):.2f} s; importing scikit-learn"
          f" {statistics.median(r['seconds'] for r in imports):.2f} s. Each process first trains every data set"
          " once (split seed " + str(seeds[0]) + "), untimed above, since the JVM compiles TrainMlp's code during"
          " its first few hundred epochs. Those first trainings took, Fermion / scikit-learn's two fits: "
          + "; ".join(f"{name} {first_of('fermion-first', name):.2f} / {first_of('sklearn-first', name):.2f} s"
                      for name in names)
          + " (the first Fermion one also loads TrainMlp's classes). Fermion's time splits into reading the splits"
          f" {statistics.mean(r['read_seconds'] for r in fermion) * 1000:.0f} ms, building and training the"
          f" network {statistics.mean(r['train_seconds'] for r in fermion) * 1000:.0f} ms and writing the bundle"
          f" {statistics.mean(r['write_seconds'] for r in fermion) * 1000:.0f} ms (means over all its runs).")
    print()
    print("Test rows right per split seed (Fermion / MLPClassifier / LogisticRegression, of the test rows):")
    print()
    print("| data set | " + " | ".join(f"seed {s}" for s in seeds) + " |")
    print("|---|" + "--:|" * len(seeds))
    for name in names:
        cells = []
        for seed in seeds:
            got = {t: next(r for r in fits if r["tool"] == t and r["data"] == name and r["seed"] == seed
                           and r["round"] == rounds[0]) for t in TOOLS}
            cells.append(f"{got['fermion']['test_correct']} / {got['mlp']['test_correct']} /"
                         f" {got['logistic-regression']['test_correct']} ({got['fermion']['test_rows']})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(*sys.argv[1:])
