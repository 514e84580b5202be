"""The preparation benchmark's pandas side: the same cleaning and split as PrepareCsv and the plain loop
(rows with a non-numeric value or the wrong number of fields rejected with their line, 70/15/15 split,
mean imputation and standard scaling fitted on train, one-hot colours), written as data.csv and
features.csv per split plus rejects.csv. Prints one line of JSON like PrepareBench.java.

  python3 prepare_pandas.py SOURCE.csv OUT_DIR
"""
import csv
import io
import json
import os
import sys
import time

import numpy as np
import pandas as pd

MISSING = ["", "NA", "N/A", "NaN", "null", "?"]

source, out = sys.argv[1], sys.argv[2]
start = time.perf_counter()
os.makedirs(out, exist_ok=True)
with open(source) as f:
    header = f.readline().rstrip("\n").split(",")
    width = len(header)
    # pandas cannot reject a row with the wrong field count and keep its line, so split lines by count.
    good, bad = [], []
    for line_number, line in enumerate(f, start=2):
        (good if line.count(",") == width - 1 else bad).append((line_number, line))
frame = pd.read_csv(io.StringIO("".join(line for _, line in good)), names=header, dtype=str,
                    keep_default_na=False)
frame.insert(0, "row_id", [n for n, _ in good])
numeric = header[:-2]
values = frame[numeric].replace(MISSING, np.nan)
parsed = values.apply(pd.to_numeric, errors="coerce")
invalid = (parsed.isna() & values.notna()).any(axis=1) | frame["label"].isin(MISSING)
rejects = pd.concat([
    pd.DataFrame({"line": [n for n, _ in bad], "reason": "wrong number of fields"}),
    pd.DataFrame({"line": frame.loc[invalid, "row_id"], "reason": "invalid value"}),
])
rejects.to_csv(os.path.join(out, "rejects.csv"), index=False)
frame, parsed = frame[~invalid], parsed[~invalid]
split = np.random.default_rng(42).random(len(frame))
part = np.where(split < 0.7, 0, np.where(split < 0.85, 1, 2))
train = parsed[part == 0]
mean, std = train.mean(), train.std(ddof=0).replace(0, 1)
scaled = ((parsed.fillna(mean) - mean) / std).astype(np.float32)
colors = sorted(frame.loc[part == 0, "color"].replace(MISSING, np.nan).dropna().unique())
hot = pd.get_dummies(pd.Categorical(frame["color"].replace(MISSING, np.nan), categories=colors),
                     prefix="color", prefix_sep="=",
                     dtype=np.float32)
hot.index = frame.index
features = pd.concat([frame[["row_id"]], scaled, hot, frame[["label"]]], axis=1)
for index, name in enumerate(["train", "validation", "test"]):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    frame[part == index].to_csv(os.path.join(out, name, "data.csv"), index=False)
    features[part == index].to_csv(os.path.join(out, name, "features.csv"), index=False)
print(json.dumps({"tool": "pandas", "seconds": round(time.perf_counter() - start, 3),
                  "valid": int(len(frame)), "rejected": int(len(rejects))}))
