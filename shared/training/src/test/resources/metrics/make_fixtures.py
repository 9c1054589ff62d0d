"""Reference values for MetricsTest, computed once with scikit-learn and stored in metrics-fixtures.json.

The build never runs this script. To regenerate (see ../shared/NOTES.md on this machine):
    python3 -m venv --system-site-packages /tmp/skl && /tmp/skl/bin/pip install scikit-learn==1.9.1
    /tmp/skl/bin/python make_fixtures.py > metrics-fixtures.json
Undefined values are computed with zero_division=np.nan / force_finite=False and written as null.
"""
import json
import math

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, cohen_kappa_score, f1_score, log_loss, mean_absolute_error,
                             mean_squared_error, precision_score, r2_score, recall_score, roc_auc_score)

rng = np.random.default_rng(20261130)


def clean(value):
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def binary_case(name, truth, scores, classes=("bad", "good")):
    truth = np.asarray(truth)
    scores = np.asarray(scores, dtype=np.float64)
    predicted = (scores >= 0.5).astype(int)
    auc = roc_auc_score(truth, scores) if len(set(truth.tolist())) == 2 else float("nan")
    expected = {
        "auc": clean(auc),
        "logloss": clean(log_loss(truth, scores, labels=[0, 1])),
        "accuracy": clean(accuracy_score(truth, predicted)),
        "precision": clean(precision_score(truth, predicted, zero_division=np.nan)),
        "recall": clean(recall_score(truth, predicted, zero_division=np.nan)),
        "f1": clean(f1_score(truth, predicted, zero_division=np.nan)),
    }
    return {
        "name": name, "task": "binary", "classes": list(classes),
        "predictions": [{"label": classes[int(s >= 0.5)], "probabilities": {classes[0]: 1 - float(s),
                                                                             classes[1]: float(s)}}
                        for s in scores],
        "truth": [classes[int(t)] for t in truth],
        "expected": expected,
    }


def multiclass_case(name, truth, proba, classes=("A", "B", "C", "D")):
    truth = np.asarray(truth)
    proba = np.asarray(proba, dtype=np.float64)
    predicted = proba.argmax(axis=1)
    labels = list(range(len(classes)))
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=np.nan)
    defined = [v for v in per_class if not math.isnan(v)]
    expected = {
        "accuracy": clean(accuracy_score(truth, predicted)),
        # scikit-learn's macro average leaves out the classes whose F1 is undefined (zero_division=np.nan).
        "macroF1": clean(f1_score(truth, predicted, labels=labels, average="macro", zero_division=np.nan)),
        "logloss": clean(log_loss(truth, proba, labels=labels)),
        "kappa": clean(cohen_kappa_score(truth, predicted, labels=labels)),
    }
    assert math.isclose(expected["macroF1"], sum(defined) / len(defined))
    return {
        "name": name, "task": "multiclass", "classes": list(classes),
        "predictions": [{"label": classes[int(p.argmax())], "probabilities": {c: float(v) for c, v in zip(classes, p)}}
                        for p in proba],
        "truth": [classes[int(t)] for t in truth],
        "expected": expected,
    }


def regression_case(name, truth, predicted):
    truth = np.asarray(truth, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    expected = {
        "rmse": clean(math.sqrt(mean_squared_error(truth, predicted))),
        "mae": clean(mean_absolute_error(truth, predicted)),
        "r2": clean(r2_score(truth, predicted, force_finite=False)) if np.ptp(truth) > 0 else None,
    }
    return {"name": name, "task": "regression", "classes": [],
            "predictions": [{"value": float(v)} for v in predicted],
            "truth": [repr(float(t)) for t in truth], "expected": expected}


cases = []
# Scores rounded to one decimal: many ties, inside and across classes.
truth = rng.integers(0, 2, 300)
scores = np.clip(np.round(0.35 * truth + rng.uniform(0, 0.65, 300), 1), 0, 1)
cases.append(binary_case("binary with tied scores", truth, scores))
# Scores of exactly 0 and 1 on both classes: log loss must clip them, not return infinity.
truth = np.array([1, 0, 1, 0, 1, 0, 0, 1])
scores = np.array([1.0, 0.0, 0.0, 1.0, 0.7, 0.2, 0.55, 0.45])
cases.append(binary_case("binary with certain, wrong predictions (log loss clipping)", truth, scores))
truth = rng.integers(0, 2, 1000)
scores = 1 / (1 + np.exp(-(2.0 * truth - 1 + rng.normal(0, 1.2, 1000))))
cases.append(binary_case("binary, 1000 rows, continuous scores", truth, scores))
# No positive prediction: precision is undefined; recall and F1 are 0.
truth = np.array([1, 0, 1, 0, 0])
scores = np.array([0.4, 0.1, 0.3, 0.2, 0.45])
cases.append(binary_case("binary without a positive prediction (precision undefined)", truth, scores))
# One class only in the truth: AUC and recall are undefined.
truth = np.array([0, 0, 0, 0])
scores = np.array([0.1, 0.6, 0.3, 0.2])
cases.append(binary_case("binary with one class present (AUC undefined)", truth, scores))

proba = rng.dirichlet([1, 1, 1, 1], 400)
truth = np.array([rng.choice(4, p=p) for p in proba])
cases.append(multiclass_case("multiclass, 4 classes, 400 rows", truth, proba))
# Class D is neither present nor predicted (F1 undefined, left out of the macro mean); C is present but never
# predicted (F1 0).
proba = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.8, 0.1, 0.0], [0.6, 0.3, 0.1, 0.0], [0.2, 0.5, 0.3, 0.0],
                  [0.5, 0.25, 0.25, 0.0], [0.3, 0.6, 0.1, 0.0]])
truth = np.array([0, 1, 2, 2, 0, 1])
cases.append(multiclass_case("multiclass with an absent class and a never-predicted class", truth, proba))
# Predictions that ignore the row: agreement no better than chance, kappa about 0.
proba = np.tile([0.2, 0.5, 0.3, 0.0], (300, 1)) + rng.uniform(0, 1e-3, (300, 4)) * [1, 1, 1, 0]
proba = proba / proba.sum(axis=1, keepdims=True)
truth = rng.integers(0, 3, 300)
cases.append(multiclass_case("multiclass predicting one class for every row (kappa 0)", truth, proba))

truth = rng.normal(3, 2, 500)
cases.append(regression_case("regression, 500 rows", truth, truth + rng.normal(0, 0.5, 500)))
cases.append(regression_case("regression with a constant target (R2 undefined)", [2.0, 2.0, 2.0],
                             [1.5, 2.0, 2.5]))

print(json.dumps({"generator": "scikit-learn " + sklearn.__version__ + ", numpy " + np.__version__,
                  "cases": cases}, indent=1))
