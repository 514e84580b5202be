"""Helper of real-data-check.sh: converts scikit-learn's bundled CSVs and scores LogisticRegression.

  real_data_check.py convert OUT_DIR             writes OUT_DIR/<name>.csv for iris, wine and breast-cancer
  real_data_check.py compare RUN_JSON            prints the run's test accuracy and LogisticRegression's on
                                                 the same split as JSON ('fermion runs show ID --json')
"""
import csv
import json
import os
import re
import sys

# name -> (file under sklearn/datasets/data, loader whose feature_names name the columns)
DATASETS = {
    "iris": ("iris.csv", "load_iris"),
    "wine": ("wine_data.csv", "load_wine"),
    "breast-cancer": ("breast_cancer.csv", "load_breast_cancer"),
}


def convert(out_dir):
    import sklearn.datasets
    data_dir = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data")
    os.makedirs(out_dir, exist_ok=True)
    for name, (file, loader) in DATASETS.items():
        features = [re.sub(r"[^a-z0-9]+", "_", f.lower()).strip("_")
                    for f in getattr(sklearn.datasets, loader)().feature_names]
        with open(os.path.join(data_dir, file), newline="") as source:
            rows = csv.reader(source)
            # The first line counts rows and features, then names the classes in target order.
            count_line = next(rows)
            expected_rows, width, classes = int(count_line[0]), int(count_line[1]), count_line[2:]
            if width != len(features):
                sys.exit(f"{file}: header says {width} features, {loader} names {len(features)}")
            body = list(rows)
        if len(body) != expected_rows:
            sys.exit(f"{file}: header says {expected_rows} rows, found {len(body)}")
        with open(os.path.join(out_dir, name + ".csv"), "w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(features + ["target"])
            for line, row in enumerate(body, start=2):
                if len(row) != width + 1:
                    sys.exit(f"{file}:{line}: {len(row)} fields, expected {width + 1}")
                writer.writerow(row[:width] + [classes[int(row[width])]])


def read_split(directory):
    with open(os.path.join(directory, "data.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(directory, "schema.json")) as f:
        schema = json.load(f)
    return rows, schema


def compare(run_json):
    """The run's test accuracy, and LogisticRegression's on standardised features fitted on the run's train
    rows and scored on its test rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    with open(run_json) as f:
        run = json.load(f)
    if run["status"] != "SUCCEEDED":
        sys.exit(f"run {run['runId']} is {run['status']}: {run['message']}")
    artifacts = run["steps"]["prepare"]["artifacts"]
    ours = float(run["steps"]["evaluate"]["outputs"]["accuracy"])
    train, schema = read_split(artifacts["train"])
    test, _ = read_split(artifacts["test"])
    label, row_id = schema["label"], schema["id"]
    features = [c["name"] for c in schema["columns"] if c["name"] not in (label, row_id)]

    def matrix(rows):
        return [[float(r[c]) for c in features] for r in rows], [r[label] for r in rows]

    x_train, y_train = matrix(train)
    x_test, y_test = matrix(test)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=10000))
    model.fit(x_train, y_train)
    print(json.dumps({"fermion": ours, "logistic_regression": model.score(x_test, y_test),
                      "train_rows": len(train), "test_rows": len(test)}))


if __name__ == "__main__":
    command, argument = sys.argv[1], sys.argv[2]
    if command == "convert":
        convert(argument)
    elif command == "compare":
        compare(argument)
    else:
        sys.exit(f"unknown command {command}")
