"""The training benchmark's PyTorch side: the MLP TrainMlp builds (Linear layers with ReLU between, DJL's Xavier
initialisation of the weights, zero biases), trained with softmax cross-entropy and Adam (L2 weight decay, as DJL's
Adam applies it) on the rows of generate.py, shuffled each epoch and cut into batches by slicing, the way a PyTorch
user trains on a table already in memory (a DataLoader over single rows is far slower). Prints one line of JSON.

    python train_torch.py DATA_DIR FEATURES CLASSES HIDDEN BATCH WARMUP EPOCHS THREADS
    HIDDEN: units per hidden layer, comma-separated ("16" or "64,64")
    WARMUP epochs run untimed before EPOCHS timed ones
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def model(features, hidden, classes):
    layers, width = [], features
    for units in hidden:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        width = units
    layers.append(torch.nn.Linear(width, classes))
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for layer in net:
            if isinstance(layer, torch.nn.Linear):
                # DJL's XavierInitializer(): uniform, average fan, magnitude 6
                bound = math.sqrt(6 / ((layer.in_features + layer.out_features) / 2))
                layer.weight.uniform_(-bound, bound)
                layer.bias.zero_()
    return net


def main(data, features, classes, hidden, batch, warmup, epochs, threads):
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    torch.manual_seed(42)
    x = torch.from_numpy(np.fromfile(os.path.join(data, "features.f32"), dtype="<f4").reshape(-1, features))
    y = torch.from_numpy(np.fromfile(os.path.join(data, "labels.f32"), dtype="<f4").astype(np.int64))
    rows = len(y)
    net = model(features, hidden, classes)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001, weight_decay=0.01)
    seconds, losses = [], []
    for _ in range(warmup + epochs):
        start = time.perf_counter()
        order = torch.randperm(rows)
        xs, ys = x[order], y[order]
        loss_sum = 0.0
        for begin in range(0, rows, batch):
            xb, yb = xs[begin:begin + batch], ys[begin:begin + batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(net(xb), yb)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(yb)
        seconds.append(time.perf_counter() - start)
        losses.append(loss_sum / rows)
    timed = seconds[warmup:]
    print(json.dumps({
        "tool": "torch", "hidden": hidden, "batch": batch, "rows": rows, "warmup_epochs": warmup,
        "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
        "version": torch.__version__, "epoch_seconds": [round(s, 4) for s in timed],
        "samples_per_s": [round(rows / s, 1) for s in timed], "first_loss": round(losses[0], 5),
        "last_loss": round(losses[-1], 5), "load": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), [int(h) for h in a[3].split(",")], int(a[4]), int(a[5]), int(a[6]), int(a[7]))
