"""What the pods of a workflow recorded in MLflow, checked through MLflow's REST API (e2e/run.sh's tracking checks).

  mlflow_runs.py cache-hits URL FIRST_UID SECOND_UID   iris twice: the second workflow's steps are cached runs
                                                       linked to the first workflow's runs of them
  mlflow_runs.py loop-iterations URL UID               a tracked sweep: one child run per loop iteration
Exits non-zero, with what was found, when MLflow holds something else.
"""
import json
import sys
import urllib.request


def call(url, path, body=None):
    request = urllib.request.Request(url + "/api/2.0/mlflow/" + path, method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=30))


def step_runs(url, experiment_name, uid):
    """The child runs of the workflow's parent run (which must be one, FINISHED), by run name."""
    experiment = call(url, f"experiments/get-by-name?experiment_name={experiment_name}")["experiment"]["experiment_id"]

    def search(flt):
        return call(url, "runs/search",
                    {"experiment_ids": [experiment], "filter": flt, "max_results": 100}).get("runs", [])

    parents = [r for r in search(f"tags.`fermion.key` = 'argo:{uid}'")
               if not any(t["key"] == "fermion.duplicateOf" for t in r["data"].get("tags", []))]
    print(uid, "parent runs:", [(r["info"]["run_name"], r["info"]["status"]) for r in parents])
    assert len(parents) == 1 and parents[0]["info"]["status"] == "FINISHED"
    runs = {r["info"]["run_name"]: r for r in search(f"tags.mlflow.parentRunId = '{parents[0]['info']['run_id']}'")}
    print(uid, "step runs:", {name: r["info"]["status"] for name, r in runs.items()})
    return runs


def finished(runs, *steps):
    assert all(runs.get(step, {}).get("info", {}).get("status") == "FINISHED" for step in steps), runs.keys()


def cache_hits(url, first, second):
    ran = step_runs(url, "iris", first)
    finished(ran, "prepare", "train", "evaluate")
    hits = step_runs(url, "iris", second)
    finished(hits, "prepare", "train", "evaluate")
    for step in ("prepare", "train", "evaluate"):
        tags = {t["key"]: t["value"] for t in hits[step]["data"].get("tags", [])}
        print(step, {k: v for k, v in tags.items() if k.startswith("fermion.cached")})
        assert tags.get("fermion.cached") == "true", (step, tags)
        assert tags.get("fermion.cached.sourceRun") == f"argo:{first}", (step, tags)
        assert tags.get("fermion.cached.sourceMlflowRun") == ran[step]["info"]["run_id"], (step, tags)


def loop_iterations(url, uid):
    runs = step_runs(url, "iris-sweep", uid)
    trials = {name: r for name, r in runs.items() if name.startswith("grid/") and name.endswith("/trial")}
    assert len(trials) == 2, trials.keys()
    for name, run in trials.items():
        rate = {p["key"]: p["value"] for p in run["data"].get("params", [])}.get("learning-rate")
        print(name, "learning-rate", rate)
        assert run["info"]["status"] == "FINISHED" and rate is not None and float(rate) == float(name.split("/")[1]), name
    # prepare is a memoize hit from an earlier untracked sweep, and train-best one from the trial of the same rate
    # in this workflow (the same component and inputs share one cache entry): neither is recorded (docs/mlflow.md)
    finished(runs, "pick-best", "evaluate")


if __name__ == "__main__":
    checks = {"cache-hits": cache_hits, "loop-iterations": loop_iterations}
    if len(sys.argv) < 2 or sys.argv[1] not in checks:
        sys.exit(__doc__)
    checks[sys.argv[1]](*sys.argv[2:])
