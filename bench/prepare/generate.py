"""Writes the preparation benchmark's input: ROWS data rows of 8 numeric features, one categorical feature
and a 3-class label, with about 1% missing values and 0.1% invalid rows (a non-numeric value or a missing
field), deterministic for a given seed.

  python3 generate.py ROWS OUT.csv [SEED]
"""
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
colors = ["red", "green", "blue", "cyan", "black"]
with open(out, "w") as f:
    f.write(",".join([f"f{i}" for i in range(8)] + ["color", "label"]) + "\n")
    for _ in range(rows):
        label = rng.randrange(3)
        fields = [repr(round(rng.gauss(label * (i % 3), 1 + i / 4), 4)) for i in range(8)]
        fields.append(rng.choice(colors))
        fields.append(f"class{label}")
        if rng.random() < 0.01:
            fields[rng.randrange(9)] = "NA"
        bad = rng.random()
        if bad < 0.0005:
            fields[rng.randrange(8)] = "oops"
        elif bad < 0.001:
            fields.pop(rng.randrange(9))
        f.write(",".join(fields) + "\n")
