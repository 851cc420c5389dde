"""Side-by-side benchmark of renke-pt against pt13528 (the Python reference implementation).

Usage (from the repository root):

    python3 -m venv /tmp/ptvenv && /tmp/ptvenv/bin/pip install pt13528==0.1.8
    cargo run --release -p renke-pt --example bench -- /tmp/ptbench
    /tmp/ptvenv/bin/python crates/renke-pt/bench/compare.py /tmp/ptbench

Runs pt13528 on the same generated data, checks that both give the same answers to 1e-9
relative, and prints the times and ratios. pt13528's Q method forms all p(p-1)/2 pairwise
differences, so at p = 100,000 (5e9 differences) it cannot run on this machine; there only
renke-pt's time is shown (the target is < 2 s).
"""
import json
import sys
import time

import numpy as np
from pt13528 import assigned_value, robust, scores


def best(reps, f):
    t = float("inf")
    out = None
    for _ in range(reps):
        s = time.perf_counter()
        out = f()
        t = min(t, time.perf_counter() - s)
    return out, t


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * abs(b)


def main(d):
    ok = True
    for n in (1000, 100000):
        x = np.loadtxt(f"{d}/data_{n}.csv", skiprows=1)
        r = json.load(open(f"{d}/renke_{n}.json"))
        reps = 5 if n <= 1000 else 1
        a, ta = best(reps, lambda: robust.algorithm_a(x))
        same = close(r["algorithm_a"]["x_star"], a.location) and close(r["algorithm_a"]["s_star"], a.scale)
        ok &= same
        print(f"n={n:>6} Algorithm A: pt13528 {ta*1e3:9.2f} ms, renke-pt {r['algorithm_a']['seconds']*1e3:8.3f} ms,"
              f" ratio {ta / r['algorithm_a']['seconds']:8.1f}x, same answer to 1e-9: {same}")
        if n <= 2000:
            q, tq = best(reps, lambda: robust.q_hampel(x))
            same = close(r["q_hampel"]["x_star"], q.location) and close(r["q_hampel"]["s_star"], q.scale)
            ok &= same
            print(f"n={n:>6} Q/Hampel:    pt13528 {tq*1e3:9.2f} ms, renke-pt {r['q_hampel']['seconds']*1e3:8.3f} ms,"
                  f" ratio {tq / r['q_hampel']['seconds']:8.1f}x, same answer to 1e-9: {same}")
        else:
            print(f"n={n:>6} Q/Hampel:    pt13528 cannot run (p(p-1)/2 = {n*(n-1)//2:.2e} differences);"
                  f" renke-pt {r['q_hampel']['seconds']:.3f} s (target < 2 s)")

        def round_():
            av = assigned_value.consensus(x, "algorithm_a")
            sigma = av.scale
            zs = [scores.z_score(v, av.x_pt, sigma) for v in x]
            cls = [scores.classify_z(z) for z in zs]
            return av, sigma, zs, cls

        (av, sigma, zs, cls), tr = best(reps, round_)
        rr = r["round"]
        same = (close(rr["x_pt"], av.x_pt) and close(rr["u_x_pt"], av.u_x_pt) and close(rr["sigma_pt"], sigma)
                and close(rr["z_first"], zs[0]) and rr["unsatisfactory"] == sum(c == "action" for c in cls))
        ok &= same
        print(f"n={n:>6} whole round: pt13528 {tr*1e3:9.2f} ms, renke-pt {rr['seconds']*1e3:8.3f} ms,"
              f" ratio {tr / rr['seconds']:8.1f}x, same answer: {same}"
              " (renke-pt also computes mean, SD, median, MADe, nIQR, Q/Hampel, Qn, z', D%)")
    print("all answers agree" if ok else "ANSWERS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
