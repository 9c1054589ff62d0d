#!/usr/bin/env python3
"""Writes src/test/resources/fixtures/scipy-reference.json: the scipy answers the Java drift statistics must reproduce.

Run from shared/statistics:  python3 src/test/python/make_fixtures.py
Seeded (numpy default_rng), so a re-run with the same numpy/scipy writes the same file. Sample values are rounded
(to 4-5 decimals) before scipy sees them, so the JSON holds them exactly and stays small; the rounding also makes
a few ties, which the tests must handle like scipy does.
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

PSI_FLOOR = 1e-4
SEED = 20240917
OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "scipy-reference.json"

rng = np.random.default_rng(SEED)


def numeric_pair(name, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ks = stats.ks_2samp(a, b)  # method="auto": exact when max(n, m) <= 10000, else asymptotic
    en = len(a) * len(b) / (len(a) + len(b))
    return {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        # the limiting Kolmogorov distribution at sqrt(en) * D: what NumericTests uses once a side is a sketch
        "ks_pvalue_kolmogorov_limit": float(stats.kstwobign.sf(np.sqrt(en) * ks.statistic)),
        "ks_pvalue_asymp": float(stats.ks_2samp(a, b, method="asymp").pvalue),
        "wasserstein": float(stats.wasserstein_distance(a, b)),
    }


def numeric_pairs():
    r = lambda x, d=5: np.round(x, d)
    return [
        numeric_pair("normal 50x60", r(rng.normal(0, 1, 50)), r(rng.normal(0, 1, 60))),
        numeric_pair("normal 300x400", r(rng.normal(0, 1, 300)), r(rng.normal(0.05, 1, 400))),
        numeric_pair("lognormal 2000x3000", r(rng.lognormal(0, 0.5, 2000), 4), r(rng.lognormal(0, 0.5, 3000), 4)),
        numeric_pair("normal 5000x4000", r(rng.normal(10, 2, 5000), 4), r(rng.normal(10, 2, 4000), 4)),
        numeric_pair("normal 12000x11000 (asymptotic in scipy)", r(rng.normal(0, 1, 12000), 3),
                     r(rng.normal(0.02, 1, 11000), 3)),
        numeric_pair("ties: rounded to 0.5, 200x250", np.round(rng.normal(0, 2, 200) * 2) / 2,
                     np.round(rng.normal(0, 2, 250) * 2) / 2),
        numeric_pair("ties: poisson 1000x800", rng.poisson(4, 1000), rng.poisson(4.2, 800)),
        numeric_pair("shift 0.5 sd, 400x500", r(rng.normal(0, 1, 400)), r(rng.normal(0.5, 1, 500))),
        numeric_pair("variance x1.5, 300x300", r(rng.normal(0, 1, 300)), r(rng.normal(0, 1.5, 300))),
    ]


def categorical_pair(name, baseline, current):
    cats = sorted(set(baseline) | set(current))
    table = np.array([[baseline.get(c, 0) for c in cats], [current.get(c, 0) for c in cats]], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    p = float(stats.chi2_contingency(table, correction=False)[1])
    js = float(distance.jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum()))
    return {"name": name, "baseline": baseline, "current": current, "chi2_pvalue": p, "jensenshannon": js}


def counts(cats, probs, n):
    drawn = rng.multinomial(n, probs)
    return {c: int(k) for c, k in zip(cats, drawn) if k > 0}


def categorical_pairs():
    three = ["red", "green", "blue"]
    ten = [f"c{i}" for i in range(10)]
    p10 = np.linspace(1, 3, 10) / np.linspace(1, 3, 10).sum()
    return [
        categorical_pair("3 categories, same mix", counts(three, [0.5, 0.3, 0.2], 1000),
                         counts(three, [0.5, 0.3, 0.2], 300)),
        categorical_pair("3 categories, changed mix", counts(three, [0.5, 0.3, 0.2], 1000),
                         counts(three, [0.35, 0.35, 0.3], 300)),
        categorical_pair("10 categories, same mix", counts(ten, p10, 5000), counts(ten, p10, 800)),
        categorical_pair("new and vanished categories", {"a": 400, "b": 300, "c": 5, "": 20},
                         {"a": 120, "b": 100, "d": 7, "": 3}),
        categorical_pair("category with zero in both", {"a": 50, "b": 40, "z": 0}, {"a": 30, "b": 45, "z": 0}),
        categorical_pair("disjoint", {"a": 10, "b": 5}, {"c": 8, "d": 9}),
    ]


def psi(baseline_props, current_counts):
    b = np.maximum(np.asarray(baseline_props, dtype=float), PSI_FLOOR)
    c = np.asarray(current_counts, dtype=float)
    c = np.maximum(c / c.sum(), PSI_FLOOR)
    return float(np.sum((c - b) * np.log(c / b)))


def psi_case(name, baseline_props, current_counts):
    return {"name": name, "baseline_proportions": list(map(float, baseline_props)),
            "current_counts": list(map(int, current_counts)), "psi": psi(baseline_props, current_counts)}


def psi_cases():
    deciles = [0.1] * 10
    return [
        psi_case("no drift", deciles, rng.multinomial(1000, deciles)),
        psi_case("shifted", deciles, rng.multinomial(1000, [0.02, 0.03, 0.05, 0.08, 0.1, 0.12, 0.13, 0.15, 0.15, 0.17])),
        psi_case("empty current bins", deciles, [0, 0, 100, 100, 100, 100, 100, 100, 200, 200]),
        psi_case("empty baseline bin", [0.0, 0.25, 0.25, 0.25, 0.25], [10, 20, 30, 20, 20]),
    ]


def main():
    doc = {
        "generator": "shared/statistics/src/test/python/make_fixtures.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "seed": SEED,
        "psi_floor": PSI_FLOOR,
        "numeric": numeric_pairs(),
        "categorical": categorical_pairs(),
        "psi": psi_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
