"""The training benchmark's data: ROWS rows of FEATURES standard-normal float32 features and a label among CLASSES
drawn from a fixed random linear teacher plus noise, so the network has something to learn. Writes
features.f32 (row-major) and labels.f32 (class index as float32, DJL's label type), both little-endian, that
TrainBench.java and train_torch.py read.

    python3 generate.py ROWS FEATURES CLASSES OUT_DIR
"""
import os
import sys

import numpy as np


def main(rows, features, classes, out):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((rows, features), dtype=np.float32)
    teacher = rng.standard_normal((features, classes)).astype(np.float32)
    scores = x @ teacher + rng.standard_normal((rows, classes), dtype=np.float32)
    y = scores.argmax(axis=1).astype(np.float32)
    os.makedirs(out, exist_ok=True)
    x.astype("<f4").tofile(os.path.join(out, "features.f32"))
    y.astype("<f4").tofile(os.path.join(out, "labels.f32"))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
