"""The scipy side of `flywheel bench drift`: the same data, the classic way.

Reads a manifest (JSON, path in argv[1]) that names, per feature, the baseline sample and the current window's values
as raw little-endian float64 files and the baseline's bin edges. Each file is read into memory before the clock
starts; then, per feature, timed: scipy.stats.ks_2samp(baseline, current) (method "auto": scipy uses the exact
distribution only when both sides hold at most 10000 values, the asymptotic one beyond) and a numpy PSI over the same
bins (bin i holds (edge[i-1], edge[i]], proportions floored at 1e-4, as NumericTests.psi). Prints one JSON object.
Without numpy or scipy it prints {"error": ...} and exits 0: the bench reports the reason and goes on.
"""
import json
import platform
import sys
import time

PSI_FLOOR = 1e-4
SCIPY_EXACT_LIMIT = 10000


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    try:
        import numpy as np
        import scipy
        from scipy import stats
    except ImportError as e:
        print(json.dumps({"error": "numpy or scipy is not importable by " + sys.executable + ": " + str(e)}))
        return 0

    # Warm-up (imports, first calls), not timed.
    rng = np.random.default_rng(0)
    stats.ks_2samp(rng.random(20000), rng.random(30000))

    def psi(edges, base, cur):
        k = edges.size + 1
        pb = np.bincount(np.searchsorted(edges, base, side="left"), minlength=k) / base.size
        pc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k) / cur.size
        pb = np.maximum(pb, PSI_FLOOR)
        pc = np.maximum(pc, PSI_FLOOR)
        return float(np.sum((pc - pb) * np.log(pc / pb)))

    features = []
    values = 0
    ks_seconds = 0.0
    psi_seconds = 0.0
    for feature in manifest["features"]:
        base = np.fromfile(feature["baseline"], dtype="<f8")
        cur = np.fromfile(feature["current"], dtype="<f8")
        edges = np.asarray(feature["edges"], dtype=np.float64)
        t0 = time.perf_counter()
        r = stats.ks_2samp(base, cur)
        t1 = time.perf_counter()
        p = psi(edges, base, cur)
        t2 = time.perf_counter()
        ks_seconds += t1 - t0
        psi_seconds += t2 - t1
        values += int(cur.size)
        features.append({
            "name": feature["name"],
            "values": int(cur.size),
            "baseline_values": int(base.size),
            "ks_statistic": float(r.statistic),
            "ks_p_value": float(r.pvalue),
            "ks_method": "exact" if max(base.size, cur.size) <= SCIPY_EXACT_LIMIT else "asymp",
            "psi": p,
            "seconds": t2 - t0,
        })
        del base, cur
    seconds = ks_seconds + psi_seconds
    print(json.dumps({
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "values": values,
        "seconds": seconds,
        "ks_seconds": ks_seconds,
        "psi_seconds": psi_seconds,
        "values_per_second": values / seconds if seconds > 0 else None,
        "features": features,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
