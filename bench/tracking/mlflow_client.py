"""MLflow's own Python client logging the same 10,000 metric values from one run as TrackingBench.java,
three ways, each timed until every value is on the server:

  per_call   mlflow.log_metric(key, value, step=...) in a loop: one synchronous request each (fewer values,
             --per-call-metrics, since each is a request: its time is scaled to --metrics)
  log_batch  MlflowClient.log_batch in chunks of 1,000 metrics (the server's limit per request)
  async      mlflow.log_metric(..., synchronous=False) in a loop, then mlflow.flush_async_logging()

    python mlflow_client.py --uri URI --experiment NAME --out FILE [--metrics 10000] [--keys 10]
           [--repeats 5] [--warmups 1] [--per-call-repeats 3]
    python mlflow_client.py --uri URI --experiment NAME --verify FILE   counts every run's values on the server

Metric i is key m<i mod keys>, step i // keys, value 1 / (i + 1), timestamp the time of the call.
The fluent calls log to the active run (inside `with mlflow.start_run()`), as user code does: given an
explicit run_id, mlflow.log_metric fetches the run (GET runs/get) on every call, which would add a request.
"""
import argparse
import json
import sys
import time

import mlflow
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient


def now_ms():
    return int(time.time() * 1000)


def per_call(run_id, n, keys):
    t0 = time.perf_counter()
    for i in range(n):
        mlflow.log_metric(f"m{i % keys}", 1.0 / (i + 1), step=i // keys)
    t1 = time.perf_counter()
    return t1 - t0, t1 - t0


def log_batch(run_id, n, keys):
    client = MlflowClient()
    t0 = time.perf_counter()
    for start in range(0, n, 1000):
        client.log_batch(run_id, metrics=[Metric(f"m{i % keys}", 1.0 / (i + 1), now_ms(), i // keys)
                                          for i in range(start, min(n, start + 1000))])
    t1 = time.perf_counter()
    return t1 - t0, t1 - t0


def async_(run_id, n, keys):
    t0 = time.perf_counter()
    for i in range(n):
        mlflow.log_metric(f"m{i % keys}", 1.0 / (i + 1), step=i // keys, synchronous=False)
    called = time.perf_counter()
    mlflow.flush_async_logging()
    t1 = time.perf_counter()
    return called - t0, t1 - t0


CASES = {"per_call": per_call, "log_batch": log_batch, "async": async_}


def verify(args):
    """Every timed run in the experiment holds --metrics values (for Fermion: its step run)."""
    client = MlflowClient()
    exp = client.get_experiment_by_name(args.experiment)
    runs = client.search_runs([exp.experiment_id], max_results=1000)
    report = {"checked": 0, "ok": 0, "bad": []}
    for run in runs:
        keys = list(run.data.metrics.keys())
        name = (run.info.run_name or "") + " " + run.data.tags.get("fermion.run", "")
        if not keys or "timed" not in name:
            continue  # warm-ups, and Fermion's pipeline runs (their step runs hold the metrics)
        total = sum(len(client.get_metric_history(run.info.run_id, k)) for k in keys)
        report["checked"] += 1
        want = args.per_call_metrics if "per_call" in name else args.metrics
        if total == want:
            report["ok"] += 1
        else:
            report["bad"].append({"run": run.info.run_name, "values": total, "expected": want})
    with open(args.verify, "w") as f:
        json.dump(report, f, indent=1)
    print(f"verified {report['ok']} of {report['checked']} runs hold all the values they logged", file=sys.stderr)
    return 0 if not report["bad"] else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--experiment", required=True)
    ap.add_argument("--out")
    ap.add_argument("--verify")
    ap.add_argument("--metrics", type=int, default=10000)
    ap.add_argument("--keys", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--per-call-repeats", type=int, default=3)
    ap.add_argument("--async-repeats", type=int, default=3)
    ap.add_argument("--per-call-metrics", type=int, default=1000,
                    help="values per timed per-call run (one request each); reported per 10,000 by scaling")
    ap.add_argument("--warmups", type=int, default=1)
    ap.add_argument("--cases", default="per_call,log_batch,async")
    args = ap.parse_args()
    mlflow.set_tracking_uri(args.uri)
    if args.verify:
        return verify(args)
    exp = mlflow.set_experiment(args.experiment)
    out = {"tool": "mlflow", "mlflow": mlflow.__version__, "metrics": args.metrics, "keys": args.keys, "cases": {}}
    for case in args.cases.split(","):
        fn = CASES[case]
        repeats = {"per_call": args.per_call_repeats, "async": args.async_repeats}.get(case, args.repeats)
        rows = []
        for r in range(args.warmups + repeats):
            timed = r >= args.warmups
            with mlflow.start_run(experiment_id=exp.experiment_id,
                                  run_name=f"mlflow-{case}-{'timed' if timed else 'warmup'}-{r}") as run:
                mlflow.set_tag("bench.tool", f"mlflow {case}")
                # the per-call loop is one synchronous request per value, so it runs fewer values (its time
                # per value is what is compared); its warm-up, a tenth of that. Async logging sends many small
                # requests too: its warm-up logs a tenth of the values, its timed runs all of them.
                n = args.metrics if case != "per_call" else args.per_call_metrics
                if not timed and case in ("per_call", "async"):
                    n = max(1, n // 10)
                calls, total = fn(run.info.run_id, n, args.keys)
            print(f"mlflow {case:9s} {'timed  ' if timed else 'warm-up'} {n} metrics: calls returned "
                  f"{calls * 1000:8.1f} ms, on the server {total * 1000:8.1f} ms", file=sys.stderr, flush=True)
            if timed:
                rows.append({"run": run.info.run_id, "calls_ms": round(calls * 1000, 3),
                             "total_ms": round(total * 1000, 3)})
        out["cases"][case] = {"warmups": args.warmups, "metrics": args.per_call_metrics if case == "per_call" else args.metrics,
                              "runs": rows}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
