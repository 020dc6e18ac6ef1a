"""Core tensor benchmark: rustorch beside numpy and PyTorch (when installed), same run.

    python bench/bench_core.py                  # full run, CPU (what `make bench` runs)
    python bench/bench_core.py --quick          # fewer repetitions (used by `make demo`)
    python bench/bench_core.py --device wgpu    # the wgpu device beside torch on CUDA (when there is one)
                                                # and numpy on the CPU
    python bench/bench_core.py --device wgpu --quick --n 4194304 --json out.json

Figures are medians over repetitions. Large ops produce a new output every call,
as user code does (``z = x + y``). Ratios > 1 mean rustorch is faster.

``--device wgpu`` prints the adapter (and llvmpipe's ``LP_NUM_THREADS``, which dominates tiny
dispatches on lavapipe), the host overhead per small op (1,000 16-element adds, then one
``synchronize()``; issue target < 10 us per op on lavapipe), bandwidth in GB/s (bytes read + written
per call; every sample ends with a synchronize, so the device work is inside the clock) and the peak
device memory. ``--ops-per-sync K`` runs K calls of each large op before that synchronize (torch cuda
alike): with K = 1 a real GPU's fence round trip (tens of us) is timed with every op, with K > 1 the
figure is the device's throughput, as a training loop sees it. An op without a wgpu kernel yet prints "n/a (no kernel yet)"; any other error is raised.
On a machine with PyTorch and CUDA, run it with that interpreter (``PYTHONPATH=. /path/to/python
bench/bench_core.py --device wgpu``) to fill the "vs torch cuda" column. ``--json PATH`` writes the
figures for bench/RESULTS.md.
"""

import argparse
import gc
import json
import math
import os
import statistics
import sys
import time

import numpy as np

try:
    import rustorch  # an installed wheel (bench/gpu_run.sh), or PYTHONPATH=. with a built tree
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import rustorch  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:
    torch = None

N_BIG = 16 * 1024 * 1024
HOST_OPS = 1000           # small ops per host-overhead sample, then one synchronize
HOST_TARGET_US = 10.0     # issue target for the wgpu host overhead on lavapipe
NO_KERNEL = "n/a (no kernel yet)"


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


def size_label(n):
    return f"{n // 2**20}M" if n % 2**20 == 0 else str(n)


def cases(quick, n=N_BIG):
    reps = 7 if quick else 21
    x_np = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    y_np = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    a_np, b_np = x_np[:16].copy(), y_np[:16].copy()
    libs = {"numpy": (x_np, y_np, a_np, b_np, np)}
    libs["rustorch"] = (rustorch.from_numpy(x_np.copy()), rustorch.from_numpy(y_np.copy()),
                        rustorch.from_numpy(a_np.copy()), rustorch.from_numpy(b_np.copy()), rustorch)
    if torch is not None:
        libs["torch"] = (torch.from_numpy(x_np.copy()), torch.from_numpy(y_np.copy()),
                         torch.from_numpy(a_np.copy()), torch.from_numpy(b_np.copy()), torch)
    small_inner = 20_000 if quick else 100_000
    s = size_label(n)
    rows = [
        (f"x + y  ({s} f32, new output)", "GB/s", 3 * 4 * n, lambda x, y, a, b, m: x + y, reps, 1),
        (f"exp(x) ({s} f32, new output)", "GB/s", 2 * 4 * n, lambda x, y, a, b, m: m.exp(x), reps, 1),
        (f"x.sum() ({s} f32)", "GB/s", 4 * n, lambda x, y, a, b, m: x.sum(), reps, 1),
        ("a + b  (16 elements, per op)", "us", None, lambda x, y, a, b, m: a + b, 7, small_inner),
    ]
    return libs, rows


def run_cpu(args):
    libs, rows = cases(args.quick, args.n)
    threads = f"torch threads={torch.get_num_threads()}" if torch is not None else "torch not installed"
    print(f"rustorch {rustorch.__version__} (avx2={rustorch._C.has_avx2}), numpy {np.__version__}, "
          f"{'torch ' + torch.__version__ if torch is not None else ''} [{threads}], {os.cpu_count()} cpus")
    names = [n for n in ("rustorch", "numpy", "torch") if n in libs]
    header = f"{'op':32s}" + "".join(f"{n:>12s}" for n in names) + f"{'vs numpy':>10s}" + (f"{'vs torch':>10s}" if torch is not None else "")
    print(header)
    print("-" * len(header))
    results = {}
    figures = {}
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
        figures[label] = {"unit": unit, "values": vals,
                          "vs": {n: ratio[n] for n in names if n != "rustorch"}}
    if args.json:
        write_json(args.json, {
            "device": "cpu", "n": args.n, "quick": args.quick,
            "versions": {"rustorch": rustorch.__version__, "numpy": np.__version__,
                         "torch": torch.__version__ if torch is not None else None},
            "avx2": rustorch._C.has_avx2, "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads() if torch is not None else None,
            "rows": figures})
    return results


# ----------------------------------------------------------------------------- wgpu

def lp_num_threads():
    """LP_NUM_THREADS as llvmpipe sees it (it is read when the adapter opens)."""
    value = os.environ.get("LP_NUM_THREADS")
    if value is None:
        return None, f"unset (defaults to the number of CPUs; os.cpu_count()={os.cpu_count()})"
    return value, value


def wgpu_cases(n, cols):
    """(label, unit, bytes read + written, op) rows: op(x, y, x2d, module) for rustorch, torch or numpy;
    the host-overhead rows name their loop ("chain" or "independent") instead."""
    rows_2d = n // cols
    s, s2 = size_label(n), f"{rows_2d}x{cols}"

    def to_half(x, m):
        return x.astype(np.float16) if m is np else x.to(m.float16)

    def sum_dim1(x2, m):
        return x2.sum(axis=1) if m is np else x2.sum(dim=1)

    def amax(x, m):
        return x.max() if m is np else x.amax()

    def t_contiguous(x2, m):
        return np.ascontiguousarray(x2.T) if m is np else x2.t().contiguous()

    return [
        ("a = a + b  (16 f32, chain, per op)", "us", None, "chain"),
        ("c = a + b  (16 f32, independent, per op)", "us", None, "independent"),
        (f"x + y  ({s} f32, new output)", "GB/s", 3 * 4 * n, lambda x, y, x2, m: x + y),
        (f"exp(x) ({s} f32, new output)", "GB/s", 2 * 4 * n, lambda x, y, x2, m: m.exp(x)),
        (f"x.sum() ({s} f32)", "GB/s", 4 * n + 4, lambda x, y, x2, m: x.sum()),
        (f"x.sum(dim=1) ({s2} f32)", "GB/s", 4 * n + 4 * rows_2d, lambda x, y, x2, m: sum_dim1(x2, m)),
        (f"x.amax() ({s} f32)", "GB/s", 4 * n + 4, lambda x, y, x2, m: amax(x, m)),
        (f"x.to(float16) ({s} f32 -> f16)", "GB/s", 4 * n + 2 * n, lambda x, y, x2, m: to_half(x, m)),
        (f"x.t().contiguous() ({s2} f32)", "GB/s", 2 * 4 * n, lambda x, y, x2, m: t_contiguous(x2, m)),
    ]


def host_overhead_fn(kind, a0, b, sync):
    """One sample: HOST_OPS 16-element adds (a chain, or independent), then one synchronize."""
    if kind == "chain":
        def run():
            a = a0
            for _ in range(HOST_OPS):
                a = a + b
            sync()
    else:
        def run():
            for _ in range(HOST_OPS):
                c = a0 + b  # each result independent of the previous one
            sync()
            return c
    return run


def run_wgpu(args):
    if not rustorch.wgpu.is_available():
        sys.exit(f"the wgpu device is not available: {rustorch.wgpu.unavailable_reason()}")
    reps = 7 if args.quick else 21
    props = rustorch.wgpu.get_device_properties()
    name = rustorch.wgpu.get_device_name()
    binding = int(props.get("max_storage_buffer_binding_size", 0)) or None
    n = args.n
    if n is None:
        n = N_BIG
        while binding is not None and 4 * n > binding:  # fit one float32 tensor in one binding
            n //= 2
    cols = 2 ** round(math.log2(math.sqrt(n)))        # a square-ish 2-D view for the dim/transposed ops
    while n % cols:
        cols //= 2
    is_llvmpipe = any(k in name.lower() for k in ("llvmpipe", "lavapipe"))
    lp_value, lp_text = lp_num_threads()

    if torch is None:
        cuda_reason = "torch not installed"
    elif not torch.cuda.is_available():
        cuda_reason = "torch.cuda.is_available() is False"
    else:
        cuda_reason = None
    cuda_name = torch.cuda.get_device_name() if cuda_reason is None else None

    print(f"rustorch {rustorch.__version__} --device wgpu, numpy {np.__version__}, "
          f"{'torch ' + torch.__version__ if torch is not None else 'torch not installed'}, {os.cpu_count()} cpus")
    adapter = (f"adapter: {name} [{props.get('backend')}, {props.get('device_type')}, "
               f"{props.get('driver')}], max binding {binding / 2**20:g} MiB, unroll {props.get('unroll')}, "
               f"reduce groups {props.get('reduce_groups')}" if binding else f"adapter: {name}")
    if is_llvmpipe:
        adapter += f", LP_NUM_THREADS={lp_text}"
    print(adapter)
    print(f"torch cuda: {cuda_name if cuda_reason is None else 'not available (' + cuda_reason + ')'}")
    mib = 4 * n / 2**20
    print(f"n = {n} float32 elements ({mib:g} MiB per tensor, 2-D view {n // cols}x{cols}); "
          f"medians of {reps}; host overhead = {HOST_OPS:,} ops then one synchronize(); "
          f"large ops: {args.ops_per_sync} per synchronize()")

    x_np = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    y_np = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    a_np, b_np = x_np[:16].copy(), y_np[:16].copy()
    # name -> (x, y, x2d, a, b, module, synchronize)
    libs = {}
    rustorch.wgpu.reset_peak_memory_stats()
    xw, yw = rustorch.from_numpy(x_np).to("wgpu"), rustorch.from_numpy(y_np).to("wgpu")
    libs["rustorch wgpu"] = (xw, yw, xw.view(n // cols, cols), rustorch.from_numpy(a_np).to("wgpu"),
                             rustorch.from_numpy(b_np).to("wgpu"), rustorch, rustorch.wgpu.synchronize)
    rustorch.wgpu.synchronize()
    if cuda_reason is None:
        xc, yc = torch.from_numpy(x_np).cuda(), torch.from_numpy(y_np).cuda()
        libs["torch cuda"] = (xc, yc, xc.view(n // cols, cols), torch.from_numpy(a_np).cuda(),
                              torch.from_numpy(b_np).cuda(), torch, torch.cuda.synchronize)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    if not args.no_numpy:
        libs["numpy"] = (x_np, y_np, x_np.reshape(n // cols, cols), a_np, b_np, np, lambda: None)
    names = ["rustorch wgpu", "torch cuda", "numpy"]

    w = {"op": 40, "rustorch wgpu": 20, "target": 9, "torch cuda": 16, "numpy": 14, "vs": 16}
    header = (f"{'op':{w['op']}s}{'rustorch wgpu':>{w['rustorch wgpu']}s}{'target':>{w['target']}s}"
              f"{'torch cuda':>{w['torch cuda']}s}{'numpy (cpu)':>{w['numpy']}s}"
              f"{'vs torch cuda':>{w['vs']}s}{'vs numpy':>{w['vs']}s}")
    print(header)
    print("-" * len(header))

    figures = []
    for label, unit, nbytes, op in wgpu_cases(n, cols):
        secs, status = {}, {}
        for lib in names:
            if lib not in libs:
                secs[lib], status[lib] = None, "not available"
                continue
            x, y, x2, a, b, m, sync = libs[lib]
            if unit == "us":
                fn, inner = host_overhead_fn(op, a, b, sync), HOST_OPS
            else:
                inner = args.ops_per_sync if lib != "numpy" else 1

                def fn(op=op, x=x, y=y, x2=x2, m=m, sync=sync, inner=inner):
                    for _ in range(inner):
                        op(x, y, x2, m)
                    sync()
            try:
                secs[lib] = median_seconds(fn, reps) / inner
                status[lib] = "ok"
            except NotImplementedError:
                if lib != "rustorch wgpu":
                    raise
                secs[lib], status[lib] = None, NO_KERNEL
        vals = {}
        for lib in names:
            if secs[lib] is None:
                vals[lib] = None
            else:
                vals[lib] = secs[lib] * 1e6 if unit == "us" else nbytes / secs[lib] / 1e9
        mine = secs["rustorch wgpu"]
        # Speed ratio: how many times faster rustorch is (time_other / time_rustorch).
        ratio = {lib: (secs[lib] / mine if mine is not None and secs[lib] is not None else None)
                 for lib in ("torch cuda", "numpy")}

        def cell(lib, width):
            if vals[lib] is None:
                return f"{status[lib]:>{width}s}"
            return f"{vals[lib]:>{width - 3}.2f} us" if unit == "us" else f"{vals[lib]:>{width - 5}.2f} GB/s"

        def ratio_cell(lib):
            if ratio[lib] is not None:  # two decimals, or two significant digits below 0.1
                return f"{ratio[lib]:>{w['vs'] - 1}{'.2f' if ratio[lib] >= 0.1 else '.2g'}}x"
            return f"{'not available' if status[lib] == 'not available' else 'n/a':>{w['vs']}s}"

        target = f"<{HOST_TARGET_US:g} us" if unit == "us" else ""
        print(f"{label:{w['op']}s}{cell('rustorch wgpu', w['rustorch wgpu'])}{target:>{w['target']}s}"
              f"{cell('torch cuda', w['torch cuda'])}{cell('numpy', w['numpy'])}"
              f"{ratio_cell('torch cuda')}{ratio_cell('numpy')}")
        figures.append({"op": label, "unit": unit, "bytes": nbytes,
                        "values": vals, "status": status,
                        "target_us": HOST_TARGET_US if unit == "us" else None,
                        "vs": {"torch cuda": ratio["torch cuda"], "numpy": ratio["numpy"]}})

    # The host's share alone: recording 1,000 independent adds, the wait for the device kept
    # off the clock (on lavapipe the device's per-dispatch cost is CPU time too).
    _, _, _, a, b, _, sync = libs["rustorch wgpu"]
    record = []
    for _ in range(reps):
        sync()
        t0 = time.perf_counter()
        for _ in range(HOST_OPS):
            c = a + b
        record.append((time.perf_counter() - t0) / HOST_OPS * 1e6)
        sync()
    del c
    record_us = statistics.median(record)
    print(f"host recording only: {record_us:.2f} us per op (1,000 independent adds, median of {reps}; "
          f"synchronize() outside the clock)")

    peak = rustorch.wgpu.max_memory_allocated()
    reserved = rustorch.wgpu.memory_reserved()
    line = (f"peak wgpu memory: max_memory_allocated() = {peak / 2**20:.1f} MiB "
            f"(memory_reserved() now {reserved / 2**20:.1f} MiB)")
    cuda_peak = None
    if cuda_reason is None:
        cuda_peak = torch.cuda.max_memory_allocated()
        line += f"; torch cuda max_memory_allocated() = {cuda_peak / 2**20:.1f} MiB"
    print(line)

    if args.json:
        write_json(args.json, {
            "device": "wgpu", "n": n, "ops_per_sync": args.ops_per_sync, "view_2d": [n // cols, cols],
            "quick": args.quick, "reps": reps,
            "host_ops_per_sample": HOST_OPS, "host_recording_us_per_op": record_us,
            "versions": {"rustorch": rustorch.__version__, "numpy": np.__version__,
                         "torch": torch.__version__ if torch is not None else None},
            "cpus": os.cpu_count(),
            "adapter": dict(props, name=name),
            "lp_num_threads": lp_value if is_llvmpipe else None,
            "torch_cuda": cuda_name if cuda_reason is None else None,
            "torch_cuda_unavailable_reason": cuda_reason,
            "rows": figures,
            "peak_memory_bytes": {"rustorch_wgpu": peak, "rustorch_wgpu_reserved_at_end": reserved,
                                  "torch_cuda": cuda_peak},
        })
    return figures


def write_json(path, payload):
    payload = dict(payload, date=time.strftime("%Y-%m-%d %H:%M:%S"), argv=sys.argv[1:])
    with open(path, "w") as f:
        json.dump(payload, f, indent=2)
        f.write("\n")
    print(f"figures written to {path}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", choices=("cpu", "wgpu"), default="cpu")
    ap.add_argument("--n", type=int, default=None,
                    help=f"elements of the large float32 tensors (default {N_BIG}; on wgpu halved until "
                         "one tensor fits the adapter's largest storage binding)")
    ap.add_argument("--ops-per-sync", type=int, default=1,
                    help="wgpu: calls of each large op per synchronize() (default 1)")
    ap.add_argument("--no-numpy", action="store_true",
                    help="wgpu: no numpy column (quick tuning sweeps of large sizes; torch cuda stays)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = ap.parse_args()
    if args.n is not None and args.n < 16:
        ap.error("--n must be at least 16")
    if args.ops_per_sync < 1:
        ap.error("--ops-per-sync must be at least 1")
    if args.device == "wgpu":
        return run_wgpu(args)
    if args.n is None:
        args.n = N_BIG
    return run_cpu(args)


if __name__ == "__main__":
    main()
