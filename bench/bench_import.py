"""How long `import rustorch` takes in a fresh process, beside numpy (which it imports) and PyTorch.

    python bench/bench_import.py [--runs 9] [--torch-python /path/to/python-with-torch] [--detail]

Each figure is the median over fresh interpreters of the time spent in the import statement alone
(interpreter start-up excluded), measured with the interpreter running this script; PyTorch with
--torch-python, or with this interpreter when it can import torch. The target for rustorch is under
0.2 s (PyTorch takes about 2 s on the development machine). --detail adds the modules with the largest
own import time (`python -X importtime`). `make bench-import` runs it on the installed wheel of `make test`.
Run it from outside the checkout (make does), or `import rustorch` finds the source tree instead."""
import argparse
import os
import statistics
import subprocess
import sys

TARGET_S = 0.2
SNIPPET = ("import time; t = time.perf_counter(); import {mod}; d = time.perf_counter() - t; "
           "print(d, getattr({mod}, '__version__', '?'), {mod}.__file__)")


def measure(python, mod, runs):
    times, version, where = [], None, None
    for _ in range(runs):
        r = subprocess.run([python, "-c", SNIPPET.format(mod=mod)], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        t, version, where = r.stdout.split(maxsplit=2)
        times.append(float(t))
    return statistics.median(times), min(times), max(times), version, where.strip()


def detail(python, mod, top=12):
    r = subprocess.run([python, "-X", "importtime", "-c", f"import {mod}"], capture_output=True, text=True)
    rows = []
    for line in r.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            own, cum, name = line[len("import time:"):].split("|")
            rows.append((int(own), int(cum), name.rstrip()))
    print(f"\nlargest own import times under `import {mod}` (us; -X importtime adds its own overhead):")
    for own, cum, name in sorted(rows, reverse=True)[:top]:
        print(f"  {own:>8} self {cum:>9} cumulative  {name.strip()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--torch-python", default=None, help="an interpreter that can import torch")
    ap.add_argument("--detail", action="store_true")
    args = ap.parse_args()
    rows = [("numpy", sys.executable), ("rustorch", sys.executable)]
    rows.append(("torch", args.torch_python or sys.executable))
    print(f"{'import':<10} {'median':>9} {'min':>9} {'max':>9}  version   from")
    results = {}
    for mod, python in rows:
        m = measure(python, mod, args.runs)
        if m is None:
            print(f"{mod:<10} {'(not importable with ' + python + ')':>30}")
            continue
        med, lo, hi, version, where = m
        results[mod] = med
        print(f"{mod:<10} {med:>8.3f}s {lo:>8.3f}s {hi:>8.3f}s  {version:<9} {where}")
    if "rustorch" in results:
        verdict = "within" if results["rustorch"] < TARGET_S else "OVER"
        print(f"\nimport rustorch: {results['rustorch']:.3f} s, {verdict} the {TARGET_S} s target"
              + (f"; {results['torch'] / results['rustorch']:.1f}x faster than import torch"
                 if "torch" in results else ""))
        if os.path.realpath(os.getcwd()) == os.path.dirname(os.path.dirname(os.path.realpath(__file__))):
            print("(run from the checkout: this measured the source tree's package, not an installed wheel)")
    if args.detail:
        detail(sys.executable, "rustorch")


if __name__ == "__main__":
    main()
