"""The small-data training benchmark's scikit-learn side. For each data set and split seed, fits
MLPClassifier (its defaults, random_state=0) and LogisticRegression (max_iter=10000) on standardised
features of exactly the train rows PrepareCsv wrote for Fermion, and scores them on exactly its test rows.
'seconds' is the wall time of scaling and fitting in this already started process; the imports, and each
data set's first fits (both models), are timed on their own lines. BLAS runs with PEER_THREADS threads (default 1, as TrainMlp computes with one):
on a busy 2-core machine, OpenBLAS's default of one thread per core made MLPClassifier's digits fit take 23 s
instead of 0.5 s, which says nothing about either tool. Prints one line of JSON per fit.

  python peers.py OUT_DIR SEED,SEED,... NAME...
"""
import time

start = time.perf_counter()
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - start
TOOLS = {
    "mlp": lambda: MLPClassifier(random_state=0),
    "logistic-regression": lambda: LogisticRegression(max_iter=10000),
}


def split(directory):
    with open(os.path.join(directory, "schema.json")) as f:
        schema = json.load(f)
    with open(os.path.join(directory, "data.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    label, row_id = schema["label"], schema["id"]
    features = [c["name"] for c in schema["columns"] if c["name"] not in (label, row_id)]
    return np.array([[float(r[c]) for c in features] for r in rows]), np.array([r[label] for r in rows])


def main(out_dir, seeds, names):
    threads = int(os.environ.get("PEER_THREADS", "1"))
    default_threads = max((pool["num_threads"] for pool in threadpool_info()), default=1)
    print(json.dumps({"tool": "sklearn-import", "seconds": round(IMPORT_SECONDS, 3),
                      "blas_threads": threads, "blas_default_threads": default_threads,
                      "load": round(os.getloadavg()[0], 2)}), flush=True)
    with threadpool_limits(threads):
        # Each data set's first fits, timed on their own lines and then repeated, as Fermion's side does.
        for name in names:
            start = time.perf_counter()
            fit_all(out_dir, name, seeds[0], report=False)
            print(json.dumps({"tool": "sklearn-first", "data": name, "seed": seeds[0],
                              "seconds": round(time.perf_counter() - start, 3),
                              "load": round(os.getloadavg()[0], 2)}), flush=True)
        for name in names:
            for seed in seeds:
                fit_all(out_dir, name, seed, report=True)


def fit_all(out_dir, name, seed, report):
    prepared = os.path.join(out_dir, f"{name}-{seed}", "prepare")
    x_train, y_train = split(os.path.join(prepared, "train"))
    x_test, y_test = split(os.path.join(prepared, "test"))
    for tool, make in TOOLS.items():
        model = make_pipeline(StandardScaler(), make())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(x_train, y_train)
            seconds = time.perf_counter() - start
        correct = int(np.sum(model.predict(x_test) == y_test))
        if report:
            print(json.dumps({"tool": tool, "data": name, "seed": seed, "seconds": round(seconds, 4),
                              "iterations": int(np.max(model[-1].n_iter_)),
                              "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught),
                              "test_rows": len(y_test), "test_correct": correct,
                              "test_accuracy": round(correct / len(y_test), 4),
                              "load": round(os.getloadavg()[0], 2)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], [int(s) for s in sys.argv[2].split(",")], sys.argv[3:])
