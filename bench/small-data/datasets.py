"""Writes scikit-learn's bundled iris, wine, breast-cancer and digits data sets as CSV files with a header
and a 'target' column, the form Fermion's PrepareCsv reads. The data ship inside the scikit-learn package;
nothing is downloaded.

  python datasets.py OUT_DIR
"""
import csv
import os
import re
import sys

import sklearn.datasets

LOADERS = {"iris": "load_iris", "wine": "load_wine", "breast-cancer": "load_breast_cancer", "digits": "load_digits"}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, loader in LOADERS.items():
        data = getattr(sklearn.datasets, loader)()
        columns = [re.sub(r"[^a-z0-9]+", "_", f.lower()).strip("_") for f in data.feature_names]
        names = [str(t) for t in data.target_names]
        with open(os.path.join(out_dir, name + ".csv"), "w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns + ["target"])
            for row, target in zip(data.data, data.target):
                writer.writerow([repr(float(x)) for x in row] + ["class_" + names[target]])


if __name__ == "__main__":
    main(sys.argv[1])
