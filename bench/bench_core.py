"""Core tensor benchmark: rustorch beside numpy and PyTorch (when installed), same run.

    python bench/bench_core.py            # full run
    python bench/bench_core.py --quick    # fewer repetitions (used by `make demo`)

Figures are medians over repetitions. Large ops produce a new output every call,
as user code does (``z = x + y``). Ratios > 1 mean rustorch is faster.
"""

import argparse
import gc
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import rustorch  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:
    torch = None

N_BIG = 16 * 1024 * 1024


def median_seconds(fn, reps, inner=1):
    """Median seconds per call of ``fn`` over ``reps`` samples of ``inner`` calls."""
    fn()  # warm-up: caches, allocator, lazy init
    samples = []
    for _ in range(reps):
        gc.disable()
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        gc.enable()
    return statistics.median(samples)


def cases(quick):
    reps = 7 if quick else 21
    x_np = np.random.default_rng(0).standard_normal(N_BIG).astype(np.float32)
    y_np = np.random.default_rng(1).standard_normal(N_BIG).astype(np.float32)
    a_np, b_np = x_np[:16].copy(), y_np[:16].copy()
    libs = {"numpy": (x_np, y_np, a_np, b_np, np)}
    libs["rustorch"] = (rustorch.from_numpy(x_np.copy()), rustorch.from_numpy(y_np.copy()),
                        rustorch.from_numpy(a_np.copy()), rustorch.from_numpy(b_np.copy()), rustorch)
    if torch is not None:
        libs["torch"] = (torch.from_numpy(x_np.copy()), torch.from_numpy(y_np.copy()),
                         torch.from_numpy(a_np.copy()), torch.from_numpy(b_np.copy()), torch)
    small_inner = 20_000 if quick else 100_000
    rows = [
        ("x + y  (16M f32, new output)", "GB/s", 3 * 4 * N_BIG, lambda x, y, a, b, m: x + y, reps, 1),
        ("exp(x) (16M f32, new output)", "GB/s", 2 * 4 * N_BIG, lambda x, y, a, b, m: m.exp(x), reps, 1),
        ("x.sum() (16M f32)", "GB/s", 4 * N_BIG, lambda x, y, a, b, m: x.sum(), reps, 1),
        ("a + b  (16 elements, per op)", "us", None, lambda x, y, a, b, m: a + b, 7, small_inner),
    ]
    return libs, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    libs, rows = cases(args.quick)
    threads = f"torch threads={torch.get_num_threads()}" if torch is not None else "torch not installed"
    print(f"rustorch {rustorch.__version__} (avx2={rustorch._C.has_avx2}), numpy {np.__version__}, "
          f"{'torch ' + torch.__version__ if torch is not None else ''} [{threads}], {os.cpu_count()} cpus")
    names = [n for n in ("rustorch", "numpy", "torch") if n in libs]
    header = f"{'op':32s}" + "".join(f"{n:>12s}" for n in names) + f"{'vs numpy':>10s}" + (f"{'vs torch':>10s}" if torch is not None else "")
    print(header)
    print("-" * len(header))
    results = {}
    for label, unit, nbytes, fn, reps, inner in rows:
        secs = {}
        for n in names:
            x, y, a, b, m = libs[n]
            secs[n] = median_seconds(lambda: fn(x, y, a, b, m), reps, inner)
        if unit == "GB/s":
            vals = {n: nbytes / secs[n] / 1e9 for n in names}
        else:
            vals = {n: secs[n] * 1e6 for n in names}
        # Speed ratio: how many times faster rustorch is (time_other / time_rustorch).
        ratio = {n: secs[n] / secs["rustorch"] for n in names}
        line = f"{label:32s}" + "".join(f"{vals[n]:>9.2f} {unit:2s}" if unit == "us" else f"{vals[n]:>7.2f} GB/s" for n in names)
        line += f"{ratio['numpy']:>9.2f}x"
        if "torch" in ratio:
            line += f"{ratio['torch']:>9.2f}x"
        print(line)
        results[label] = ratio
    return results


if __name__ == "__main__":
    main()
