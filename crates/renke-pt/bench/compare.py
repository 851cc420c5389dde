"""Side-by-side benchmark of renke-pt against pt13528 0.1.8 (the Python reference implementation).

Usage (from the repository root; see crates/renke-pt/README.md):

    python3 -m venv /root/.cache/pt13528-venv
    /root/.cache/pt13528-venv/bin/pip install pt13528==0.1.8 numpy
    /root/.cache/pt13528-venv/bin/python crates/renke-pt/bench/compare.py [OUT_DIR] [ROUNDS]

Each of ROUNDS (default 3) alternations runs the renke-pt example `bench` (release build, via
cargo; it generates the data, writes it to OUT_DIR and times each task as the median of many
runs) and then times pt13528 on the same data (median of several runs). The figures printed
are the medians over the alternations, so both sides see the same machine load; the ratio is
pt13528 time / renke-pt time. Every answer is checked: x* and s* to 1e-9 relative, every z
score to 1e-9 (relative when |z| > 1), every class identical.

pt13528's Q method forms all p(p-1)/2 pairwise differences, so at p = 100,000 (5e9
differences) it cannot run; there only renke-pt's time is shown (the target is < 2 s).
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from pt13528 import assigned_value, robust, scores

TARGETS = {  # (task, n): minimum ratio, or maximum renke-pt seconds
    ("Algorithm A", 1000): ("ratio", 20), ("Algorithm A", 100000): ("ratio", 20),
    ("Q/Hampel", 1000): ("ratio", 100), ("Q/Hampel", 100000): ("seconds", 2.0),
    ("whole round", 1000): ("ratio", 10), ("whole round", 100000): ("ratio", 10),
}


def median_time(reps, f):
    ts = []
    out = None
    for _ in range(reps):
        s = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - s)
    return out, statistics.median(ts)


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(abs(b), 1e-300)


def python_side(x, n):
    """pt13528 on the data; returns {task: (answer, seconds)}."""
    res = {}
    res["Algorithm A"] = median_time(51 if n <= 1000 else 7, lambda: robust.algorithm_a(x))
    if n <= 2000:
        res["Q/Hampel"] = median_time(3, lambda: robust.q_hampel(x))

    def round_():
        # x_pt and u(x_pt) by Algorithm A (7.7), sigma_pt = s*, z and its class per participant
        av = assigned_value.consensus(x, "algorithm_a")
        sigma = av.scale
        zs = [scores.z_score(v, av.x_pt, sigma) for v in x]
        cls = [scores.classify_z(z) for z in zs]
        return av, sigma, zs, cls

    res["whole round"] = median_time(21 if n <= 1000 else 5, round_)
    return res


def check(task, r, py):
    if task == "Algorithm A":
        return close(r["algorithm_a"]["x_star"], py.location) and close(r["algorithm_a"]["s_star"], py.scale)
    if task == "Q/Hampel":
        return close(r["q_hampel"]["x_star"], py.location) and close(r["q_hampel"]["s_star"], py.scale)
    av, sigma, zs, cls = py
    rr = r["round"]
    z_ok = all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(rr["z"], zs)) and len(rr["z"]) == len(zs)
    return (close(rr["x_pt"], av.x_pt) and close(rr["u_x_pt"], av.u_x_pt) and close(rr["sigma_pt"], sigma)
            and z_ok and rr["class"] == cls)


def main(d, rounds):
    key = {"Algorithm A": "algorithm_a", "Q/Hampel": "q_hampel", "whole round": "round"}
    rust_t, py_t, same, extra = {}, {}, {}, {}
    for i in range(rounds):
        subprocess.run(["cargo", "run", "--release", "-q", "-p", "renke-pt", "--example", "bench", "--", d],
                       check=True, stdout=subprocess.DEVNULL)
        for n in (1000, 100000):
            x = np.loadtxt(f"{d}/data_{n}.csv", skiprows=1)
            r = json.load(open(f"{d}/renke_{n}.json"))
            extra.setdefault(n, []).append(r["round_all_statistics"]["seconds"])
            py = python_side(x, n)
            for task in key:
                rust_t.setdefault((task, n), []).append(r[key[task]]["seconds"])
                if task in py:
                    ans, t = py[task]
                    py_t.setdefault((task, n), []).append(t)
                    same[(task, n)] = same.get((task, n), True) and check(task, r, ans)
        print(f"alternation {i + 1}/{rounds} done", file=sys.stderr)

    print(f"renke-pt vs pt13528 0.1.8, medians over {rounds} alternations (each side: median of several runs)")
    print(f"{'task':<12} {'n':>7} {'pt13528':>12} {'renke-pt':>12} {'ratio':>9}  {'target':<12} {'met':<4} same answer")
    ok = True
    for (task, n), ts in rust_t.items():
        rt = statistics.median(ts)
        kind, goal = TARGETS[(task, n)]
        if (task, n) in py_t:
            pt = statistics.median(py_t[(task, n)])
            ratio = pt / rt
            met = ratio >= goal if kind == "ratio" else rt < goal
            agree = same[(task, n)]
            ok &= agree
            print(f"{task:<12} {n:>7} {pt*1e3:9.3f} ms {rt*1e3:9.3f} ms {ratio:8.1f}x  "
                  f"{'>= %gx' % goal if kind == 'ratio' else '< %g s' % goal:<12} {'yes' if met else 'NO':<4} {agree}")
        else:
            met = rt < goal
            print(f"{task:<12} {n:>7} {'cannot run':>12} {rt*1e3:9.3f} ms {'-':>9}  {'< %g s' % goal:<12} "
                  f"{'yes' if met else 'NO':<4} (pt13528 needs {n*(n-1)//2:.1e} pairwise differences)")
    print()
    print("whole round = pt13528: assigned_value.consensus(x, 'algorithm_a') (x_pt, u(x_pt) = 1.25 s*/sqrt(p)),")
    print("  sigma_pt = s*, scores.z_score and scores.classify_z for every participant;")
    print("  renke-pt: evaluate() with Report::ROUND_ONLY: the same, plus D, D%, z' and the u(x_pt) <= 0.3 sigma_pt check.")
    for n, ts in extra.items():
        print(f"  (renke-pt evaluate() with every summary statistic incl. Q/Hampel and Qn, n={n}: "
              f"{statistics.median(ts)*1e3:.3f} ms; pt13528 has no counterpart)")
    print("all answers agree" if ok else "ANSWERS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("TMPDIR", "/tmp"), "renke-pt-bench")
    sys.exit(main(out, int(sys.argv[2]) if len(sys.argv) > 2 else 3))
