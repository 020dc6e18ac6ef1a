"""Autograd overhead: rustorch beside PyTorch (when importable), one run, small tensors (per-op cost).

    python bench/bench_autograd.py [--quick] [--json out.json]

Rows: ``a + b`` on 16 float32 elements that require grad (the op plus recording it in the graph), and
one forward + backward of ``(x * y + x).sum()`` on 16 elements. Figures are microseconds, medians of
repetitions; ratios are speed-ups of rustorch (time of torch / time of rustorch).
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_core import rustorch, torch  # noqa: E402  (an installed rustorch first, else this tree)


def median_us(fns, reps, inner):
    """Medians (us per call) of each function's repetitions, the libraries' repetitions interleaved so
    that a change in the machine's load falls on both alike."""
    for fn in fns.values():
        fn()
    samples = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - t0) / inner * 1e6)
    return {name: statistics.median(v) for name, v in samples.items()}


def rows(m):
    x = m.randn(16, requires_grad=True)
    y = m.randn(16, requires_grad=True)

    def fwd_bwd():
        (x * y + x).sum().backward()

    return [("a + b (16 elements, requires_grad, per op)", lambda: x + y, 20_000),
            ("(x * y + x).sum().backward() (16 elements)", fwd_bwd, 2_000)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json")
    args = p.parse_args()
    reps = 5 if args.quick else 21
    libs = {"rustorch": rustorch}
    if torch is not None:
        libs["torch"] = torch
    print(f"rustorch {rustorch.__version__}" + (f", torch {torch.__version__} (threads={torch.get_num_threads()})"
                                                if torch is not None else ", torch not installed"))
    header = f"{'op':46s}{'rustorch':>12s}" + (f"{'torch':>12s}{'vs torch':>10s}" if torch is not None else "")
    print(header)
    print("-" * len(header))
    out = {}
    table = {name: rows(m) for name, m in libs.items()}
    for i, (label, _, inner) in enumerate(table["rustorch"]):
        vals = median_us({name: table[name][i][1] for name in libs}, reps, inner // (3 if args.quick else 1))
        line = f"{label:46s}{vals['rustorch']:>9.2f} us"
        if "torch" in vals:
            line += f"{vals['torch']:>9.2f} us{vals['torch'] / vals['rustorch']:>9.2f}x"
        print(line)
        out[label] = vals
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"us": out}, f, indent=2)


if __name__ == "__main__":
    main()
