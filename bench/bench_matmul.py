"""Matrix-product benchmark: rustorch beside numpy (OpenBLAS) and PyTorch (when importable), one run.

    python bench/bench_matmul.py                 # CPU: the sizes the issue names
    python bench/bench_matmul.py --device wgpu   # wgpu GFLOP/s at 1024/2048/4096 beside torch cuda
    python bench/bench_matmul.py --device wgpu --variants   # also each wgpu kernel forced
    python bench/bench_matmul.py --quick --json out.json

Figures are GFLOP/s (2*M*N*K per product), medians of repetitions; ratios are speed-ups of
rustorch (time of the other / time of rustorch). On wgpu every sample runs ``--ops-per-sync``
products, then one ``synchronize()``; torch cuda runs with TF32 off (true float32). ``--variants``
adds a column per wgpu kernel, forced through RUSTORCH_WGPU_MATMUL_SUBGROUP (1: the subgroup
kernel wherever the adapter can run it, 0: the tiled kernel) beside the automatic choice.
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_core import rustorch, torch  # noqa: E402  (an installed rustorch first, else this tree)

CPU_CASES = [  # (label, dtype, batch, m, k, n)
    ("f32 1024", "float32", 0, 1024, 1024, 1024),
    ("f32 2048", "float32", 0, 2048, 2048, 2048),
    ("f32 64", "float32", 0, 64, 64, 64),
    ("f32 128", "float32", 0, 128, 128, 128),
    ("f32 256", "float32", 0, 256, 256, 256),
    ("bmm f32 64x(64x64)", "float32", 64, 64, 64, 64),
    ("f64 1024", "float64", 0, 1024, 1024, 1024),
]
GPU_CASES = [(f"f32 {s}", "float32", 0, s, s, s) for s in (1024, 2048, 4096)]
# wgpu kernels forced by --variants: column name -> RUSTORCH_WGPU_MATMUL_SUBGROUP (None: unset).
WGPU_VARIANTS = {"rustorch wgpu": None, "rustorch wgpu subgroup": "1", "rustorch wgpu tiled": "0"}
SWITCH = "RUSTORCH_WGPU_MATMUL_SUBGROUP"


def median_seconds(fn, reps, budget=2.0):
    # Let the previous library's worker threads stop spinning (OpenMP, OpenBLAS and rayon all
    # busy-wait after a parallel region; on 2 cores a spinning pool starves the next library).
    time.sleep(0.3)
    fn()  # warm-up: pools, pipelines, threads
    times = []
    start = time.perf_counter()
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget and len(times) >= 3:
            break
    return statistics.median(times)


def operands(dtype, batch, m, k, n):
    rng = np.random.default_rng(0)
    shape_a = (batch, m, k) if batch else (m, k)
    shape_b = (batch, k, n) if batch else (k, n)
    return rng.standard_normal(shape_a).astype(dtype), rng.standard_normal(shape_b).astype(dtype)


def make_fn(lib, a_np, b_np, gpu, ops_per_sync):
    """(one sample's function, products per sample) for ``lib``."""
    if lib.startswith("rustorch"):
        a, b = rustorch.from_numpy(a_np), rustorch.from_numpy(b_np)
        if not gpu:
            return (lambda: a @ b), 1
        a, b = a.to("wgpu"), b.to("wgpu")
        sync = rustorch.wgpu.synchronize
        # The switch is read at every product; the automatic column runs first, before any is set.
        if WGPU_VARIANTS.get(lib) is not None:
            os.environ[SWITCH] = WGPU_VARIANTS[lib]
    elif lib == "numpy":
        return (lambda: a_np @ b_np), 1
    elif lib == "torch":
        a, b = torch.from_numpy(a_np), torch.from_numpy(b_np)
        return (lambda: a @ b), 1
    else:  # torch cuda
        a, b = torch.from_numpy(a_np).cuda(), torch.from_numpy(b_np).cuda()
        sync = torch.cuda.synchronize

    def fn():
        for _ in range(ops_per_sync):
            c = a @ b
        sync()
        return c

    return fn, ops_per_sync


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", choices=("cpu", "wgpu"), default="cpu")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--ops-per-sync", type=int, default=10)
    ap.add_argument("--sizes", help="wgpu: comma-separated square sizes instead of 1024,2048,4096")
    ap.add_argument("--variants", action="store_true", help="wgpu: also the subgroup and the tiled kernel forced")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    if args.variants and SWITCH in os.environ:
        sys.exit(f"--variants sets {SWITCH} itself; unset it")
    reps = 5 if args.quick else 15
    gpu = args.device == "wgpu"
    if gpu and not rustorch.wgpu.is_available():
        sys.exit(f"the wgpu device is not available: {rustorch.wgpu.unavailable_reason()}")
    has_cuda = gpu and torch is not None and torch.cuda.is_available()
    if has_cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    names = ["rustorch " + args.device]
    if gpu:
        names += list(WGPU_VARIANTS)[1:] if args.variants else []
        names.append("torch cuda" if has_cuda else None)
    else:
        names += ["numpy", "torch" if torch is not None else None]
    names = [x for x in names if x]
    print(f"rustorch {rustorch.__version__}, numpy {np.__version__}, "
          f"{'torch ' + torch.__version__ if torch is not None else 'torch not installed'}, {os.cpu_count()} cpus")
    if gpu:
        print(f"adapter: {rustorch.wgpu.get_device_name()}; torch cuda: "
              f"{torch.cuda.get_device_name() if has_cuda else 'not available'} (TF32 off); "
              f"{args.ops_per_sync} products per synchronize()")
    elif torch is not None:
        print(f"torch threads: {torch.get_num_threads()}")
    width = {n: max(24, len(n) + 10) for n in names}  # --variants' long names keep their columns apart
    header = f"{'case':22s}" + "".join(f"{n + ' GFLOP/s':>{width[n]}s}" for n in names) + "".join(
        f"{'vs ' + n:>{max(14, len(n) + 5)}s}" for n in names[1:])
    print(header)
    print("-" * len(header))
    cases = GPU_CASES if gpu else CPU_CASES
    if gpu and args.sizes:
        cases = [(f"f32 {n}", "float32", 0, n, n, n) for n in (int(v) for v in args.sizes.split(","))]
    secs = {c[0]: {} for c in cases}
    # One library at a time over every case: thread pools that spin after a product (OpenMP,
    # OpenBLAS, rayon) then only slow the first case of the next library, which is warmed up.
    for lib in names:
        for label, dtype, batch, m, k, n in cases:
            a_np, b_np = operands(dtype, batch, m, k, n)
            fn, inner = make_fn(lib, a_np, b_np, gpu, args.ops_per_sync)
            secs[label][lib] = median_seconds(fn, reps) / inner
    rows = []
    for label, dtype, batch, m, k, n in cases:
        flops = 2.0 * m * n * k * max(batch, 1)
        s = secs[label]
        mine = s[names[0]]
        gf = {lib: flops / t / 1e9 for lib, t in s.items()}
        print(f"{label:22s}" + "".join(f"{gf[lib]:>{width[lib]}.1f}" for lib in names) + "".join(
            f"{s[lib] / mine:>{max(14, len(lib) + 5) - 1}.2f}x" for lib in names[1:]))
        rows.append({"case": label, "dtype": dtype, "batch": batch, "m": m, "k": k, "n": n, "gflops": gf,
                     "vs": {lib: s[lib] / mine for lib in names[1:]}})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "date": time.strftime("%Y-%m-%d %H:%M:%S"), "rows": rows,
                       "versions": {"rustorch": rustorch.__version__, "numpy": np.__version__,
                                    "torch": torch.__version__ if torch is not None else None}}, f, indent=2)
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
