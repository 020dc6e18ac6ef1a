"""Train a small CNN on scikit-learn's handwritten digits (1,797 8x8 images, shipped with scikit-learn: no
download), save a checkpoint, reload it into a fresh model and evaluate again.

    python examples/digits.py [--device cpu|wgpu|auto] [--epochs N] [--lib rustorch|torch] [--out DIR]

The code is plain PyTorch: ``--lib torch`` (or RUSTORCH_EXAMPLE_LIB=torch) runs the same file on PyTorch.
``--device auto`` (the default) trains on the GPU when a real GPU adapter is present, else on the CPU.
"""

import argparse
import importlib
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="auto", help="cpu, wgpu (rustorch), cuda (torch) or auto")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lib", default=os.environ.get("RUSTORCH_EXAMPLE_LIB", "rustorch"), choices=["rustorch", "torch"])
    p.add_argument("--out", default=None, help="directory for the checkpoint (default: a temporary directory)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (logs one line per epoch)")
    return p.parse_args(argv)


def pick_device(torch, lib, wanted):
    if wanted != "auto":
        return wanted
    if lib == "torch":
        return "cuda" if torch.cuda.is_available() else "cpu"
    # A real GPU adapter (not a CPU rasteriser such as lavapipe) runs the model; else the CPU does.
    if torch.wgpu.is_available() and torch.wgpu.get_device_properties().get("device_type") != "Cpu":
        return "wgpu"
    return "cpu"


def load_data(seed):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8) in [0, 1]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:360], order[360:]
    return (x[train], y[train]), (x[test], y[test])


def make_model(nn):
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 32 x 4 x 4
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 64 x 2 x 2
        nn.Flatten(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def evaluate(torch, model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb.to(device)).argmax(1)
            correct += (pred == yb.to(device)).sum().item()
            total += yb.shape[0]
    model.train()
    return correct / total


def main(argv=None):
    args = parse_args(argv)
    torch = importlib.import_module(args.lib)
    nn = torch.nn
    from_arrays = torch.utils.data.TensorDataset
    DataLoader = torch.utils.data.DataLoader
    torch.manual_seed(args.seed)
    device = pick_device(torch, args.lib, args.device)

    (xtr, ytr), (xte, yte) = load_data(args.seed)
    train = from_arrays(torch.from_numpy(xtr), torch.from_numpy(ytr))
    test = from_arrays(torch.from_numpy(xte), torch.from_numpy(yte))
    gen = torch.Generator().manual_seed(args.seed)
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=gen)
    test_loader = DataLoader(test, batch_size=256)

    model = make_model(nn).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    print(f"{args.lib} on {device}: {len(train)} training and {len(test)} test images, "
          f"{sum(p.numel() for p in model.parameters())} parameters")

    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=args.epochs * len(train_loader), unit="batch", dynamic_ncols=True)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        seen = running = hits = 0
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            n = yb.shape[0]
            seen += n
            running += loss.item() * n
            hits += (out.argmax(1) == yb).sum().item()
            if bar is not None:
                bar.set_postfix(epoch=epoch + 1, loss=f"{running / seen:.4f}", acc=f"{hits / seen:.3f}")
                bar.update()
        if bar is None:
            print(f"epoch {epoch + 1}: loss {running / seen:.4f}, train accuracy {hits / seen:.3f}")
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - start
    acc = evaluate(torch, model, test_loader, device)
    print(f"trained {args.epochs} epochs in {seconds:.1f} s; test accuracy {acc:.4f}")

    out_dir = args.out or tempfile.mkdtemp(prefix="digits-")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "digits.safetensors" if args.lib == "rustorch" else "digits.pt")
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epochs": args.epochs}, path)
    print(f"checkpoint: {path}")

    state = torch.load(path)
    fresh = make_model(nn)
    fresh.load_state_dict(state["model"])
    fresh = fresh.to(device)
    opt2 = torch.optim.Adam(fresh.parameters(), lr=args.lr)
    opt2.load_state_dict(state["optimizer"])
    acc2 = evaluate(torch, fresh, test_loader, device)
    print(f"reloaded from the checkpoint: test accuracy {acc2:.4f} ({'same' if acc2 == acc else 'DIFFERENT'})")
    return {"accuracy": acc, "reloaded_accuracy": acc2, "seconds": seconds, "checkpoint": path,
            "final_loss": running / seen}


if __name__ == "__main__":
    main()
