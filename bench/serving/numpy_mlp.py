"""The MLflow side of the serving benchmark: the Fermion bundle's MLP as an MLflow pyfunc model computing the
same forward pass with numpy (float32), because MLflow has no flavour that serves a DJL model and a CPU-only
torch wheel is not on PyPI (the default torch wheel pulls in ~2 GB of CUDA libraries).

    python numpy_mlp.py make OUT_DIR MODEL_DIR   saves the pyfunc model to MODEL_DIR and checks that it
                                                 reproduces the bundle's probabilities on all 150 iris rows

The pyfunc model's predict takes a DataFrame with the four measurements (MLflow's dataframe_split input)
and returns, like fermion-serve's infer, the class probabilities and the label.
"""
import json
import os
import sys

import mlflow
import numpy as np
import pandas as pd

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


class NumpyMlp(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        with open(context.artifacts["weights"]) as f:
            w = json.load(f)
        with open(context.artifacts["preprocessing"]) as f:
            pre = json.load(f)
        self.labels = np.array(w["labels"], dtype=object)
        self.layers = [(np.array(l["weight"], dtype=np.float32).T.copy(), np.array(l["bias"], dtype=np.float32))
                       for l in w["layers"]]
        features = pre["features"]
        self.columns = [f["column"] for f in features]
        self.fill = np.array([f["fill"] for f in features], dtype=np.float64)
        self.center = np.array([f["center"] for f in features], dtype=np.float64)
        self.scale = np.array([f["scale"] for f in features], dtype=np.float64)

    def predict(self, context, model_input, params=None):
        x = np.asarray(model_input[self.columns], dtype=np.float64)
        x = np.where(np.isnan(x), self.fill, x)  # mean imputation, as the bundle's preprocessing
        h = ((x - self.center) / self.scale).astype(np.float32)
        for i, (weight, bias) in enumerate(self.layers):
            h = h @ weight + bias
            if i < len(self.layers) - 1:
                h = np.tanh(h)
        e = np.exp(h - h.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return {"probabilities": p.tolist(), "label": self.labels[p.argmax(axis=1)].tolist()}


def make(out_dir, model_dir):
    rows = json.load(open(os.path.join(out_dir, "rows.json")))
    expected = np.array(json.load(open(os.path.join(out_dir, "expected.json"))))
    example = pd.DataFrame(rows, columns=COLUMNS)
    artifacts = {"weights": os.path.join(out_dir, "weights.json"),
                 "preprocessing": os.path.join(out_dir, "bundle", "preprocessing.json")}
    mlflow.pyfunc.save_model(model_dir, python_model=NumpyMlp(), artifacts=artifacts,
                             signature=mlflow.models.infer_signature(example),
                             pip_requirements=[f"mlflow=={mlflow.__version__}", "numpy", "pandas"])
    model = mlflow.pyfunc.load_model(model_dir)
    got = np.array(model.predict(example)["probabilities"])
    diff = float(np.abs(got - expected).max())
    same_labels = bool((got.argmax(axis=1) == expected.argmax(axis=1)).all())
    print(f"numpy twin vs the bundle on {len(rows)} rows: max |p - p_bundle| = {diff:.2e}, same labels: {same_labels}",
          file=sys.stderr)
    with open(os.path.join(out_dir, "twin-check.json"), "w") as f:
        json.dump({"rows": len(rows), "max_abs_diff": diff, "same_labels": same_labels}, f)
    if diff > 1e-5 or not same_labels:
        sys.exit("the numpy twin does not reproduce the bundle")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
