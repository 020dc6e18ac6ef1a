"""Training-step time and peak memory: rustorch beside PyTorch (when importable), one run.

    python bench/bench_train.py [--quick] [--device cpu|wgpu] [--torch-python PATH] [--json out.json]

Steps (forward + backward + optimizer step), each measured in a fresh process per library (so peak
memory is the step's own): an MLP 784-512-256-10 at batch 256 with SGD (momentum 0.9); a digits-style CNN at
batch 64 on 28x28 inputs with Adam; a 2-layer, 128-wide, 4-head GPT on 64-token blocks at batch 16 with AdamW
and gradient clipping. Times are medians of repeated steps after warm-up; memory is the growth of the
process's peak resident set (VmHWM, restarted once the model and inputs are built) over its resident set
then. Ratios are
speed-ups of rustorch (PyTorch's time / rustorch's). On wgpu it also prints one step's kernel dispatches and
host waits for the device (``rustorch.wgpu.counters()``; 0 waits: the step is recorded without stalling).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _classifier_step(nn, model, opt, x, y):
    """One step of a classifier: zero the gradients, cross-entropy loss, backward, optimizer step."""
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def mlp(torch, device):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(256, 784, device=device)
    y = torch.randint(0, 10, (256,), device=device)
    return _classifier_step(nn, model, opt, x, y)


def cnn(torch, device):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(64, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (64,), device=device)
    return _classifier_step(nn, model, opt, x, y)


def gpt(torch, device):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import char_gpt

    args = char_gpt.parse_args(["--n-layer", "2", "--n-embd", "128", "--n-head", "4", "--block-size", "64"])
    vocab = 96
    model = char_gpt.build(torch, vocab, args).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    x = torch.randint(0, vocab, (16, 64), device=device)
    y = torch.randint(0, vocab, (16, 64), device=device)

    def step():
        opt.zero_grad(set_to_none=True)
        _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss
    return step


CASES = {"mlp": ("MLP 784-512-256-10, batch 256, SGD momentum", mlp),
         "cnn": ("CNN 28x28, batch 64, Adam", cnn),
         "gpt": ("GPT 2x128, 4 heads, 64 tokens x 16, AdamW + clip", gpt)}


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak():
    """Restarts the kernel's peak-RSS count (VmHWM) at the current RSS (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(lib, case, device, reps, warmup):
    """Runs in the subprocess: prints one JSON line with the step times and the peak memory growth."""
    import importlib
    import importlib.util

    if lib == "rustorch" and importlib.util.find_spec("rustorch") is None:
        sys.path.insert(0, ROOT)  # the checkout's build (an installed wheel, as on a GPU machine, wins)

    torch = importlib.import_module(lib)
    if lib == "torch":
        torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    sync = (lambda: torch.cuda.synchronize()) if device == "cuda" else (
        (lambda: torch.wgpu.synchronize()) if device == "wgpu" else (lambda: None))
    step = CASES[case][1](torch, device)
    base = _status_kb("VmRSS")
    _reset_peak()  # the peak from here on: the steps' own memory (model and inputs already built)
    for _ in range(warmup):
        step().item()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        loss = step()
        loss.item()
        sync()
        times.append(time.perf_counter() - t0)
    out = {"ms": statistics.median(times) * 1e3, "peak_mb": (_status_kb("VmHWM") - base) / 1024}
    if device == "wgpu":  # one step's work, recorded without reading anything back
        before = torch.wgpu.counters()
        step()
        after = torch.wgpu.counters()
        sync()
        out.update({k: after[k] - before[k] for k in ("dispatches", "waits")})
    print(json.dumps(out))


def run(python, lib, case, device, reps, warmup):
    cmd = [python, os.path.abspath(__file__), "--child", lib, case, device, str(reps), str(warmup)]
    env = dict(os.environ)
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        lib, case, device, reps, warmup = sys.argv[2:7]
        child(lib, case, device, int(reps), int(warmup))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--device", default="cpu")
    p.add_argument("--torch-python", default=None,
                   help="an interpreter with PyTorch (default: this one, when it imports torch)")
    p.add_argument("--torch-device", default=None, help="PyTorch's device (default: cpu, or cuda for --device wgpu "
                                                        "when CUDA is available)")
    p.add_argument("--cases", default="mlp,cnn,gpt")
    p.add_argument("--json")
    args = p.parse_args()
    reps, warmup = (5, 2) if args.quick else (20, 3)
    torch_py = args.torch_python
    if torch_py is None:
        try:
            import torch  # noqa: F401

            torch_py = sys.executable
        except ImportError:
            torch_py = None
    torch_dev = args.torch_device or "cpu"
    if args.torch_device is None and args.device == "wgpu" and torch_py:
        has_cuda = subprocess.run([torch_py, "-c", "import torch; print(torch.cuda.is_available())"],
                                  capture_output=True, text=True).stdout.strip() == "True"
        torch_dev = "cuda" if has_cuda else "cpu"
    print(f"rustorch on {args.device}" + (f", PyTorch on {torch_dev} ({torch_py})" if torch_py else
                                          ", PyTorch not available") + f"; medians of {reps} steps")
    header = f"{'step':52s}{'rustorch':>11s}{'torch':>11s}{'speed-up':>10s}{'peak MB':>10s}{'torch MB':>10s}"
    print(header)
    print("-" * len(header))
    results = {}
    for case in args.cases.split(","):
        label = CASES[case][0]
        ours = run(sys.executable, "rustorch", case, args.device, reps, warmup)
        theirs = run(torch_py, "torch", case, torch_dev, reps, warmup) if torch_py else None
        results[case] = {"rustorch": ours, "torch": theirs}
        if "error" in ours:
            print(f"{label:52s} rustorch failed: {ours['error']}")
            continue
        line = f"{label:52s}{ours['ms']:9.2f}ms"
        if theirs and "error" not in theirs:
            line += f"{theirs['ms']:9.2f}ms{theirs['ms'] / ours['ms']:9.2f}x{ours['peak_mb']:10.1f}{theirs['peak_mb']:10.1f}"
        else:
            line += f"{'-':>11s}{'-':>10s}{ours['peak_mb']:10.1f}"
        print(line, flush=True)
    work = [f"{case} {r['rustorch']['dispatches']} dispatches, {r['rustorch']['waits']} host waits"
            for case, r in results.items() if "dispatches" in r["rustorch"]]
    if work:
        print("wgpu work per step (one step, nothing read back): " + "; ".join(work))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
