"""A character-level GPT (nanoGPT's shape: token and position embeddings, pre-norm blocks of causal
self-attention and an MLP, a linear head) trained on the Python standard library's own source files, which
every machine with Python has. AdamW, warm-up then cosine learning-rate schedule, gradient clipping; the
loss is printed as it falls, and the model writes some text at the end.

    python examples/char_gpt.py [--steps N] [--device cpu|wgpu|auto] [--lib rustorch|torch]

The code is plain PyTorch: ``--lib torch`` (or RUSTORCH_EXAMPLE_LIB=torch) runs the same file on PyTorch.
"""

import argparse
import glob
import importlib
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--block-size", type=int, default=64)
    p.add_argument("--n-layer", type=int, default=2)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--chars", type=int, default=1_000_000, help="how much of the standard library to read")
    p.add_argument("--sample", type=int, default=300, help="characters to generate at the end (0: none)")
    p.add_argument("--device", default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--lib", default=os.environ.get("RUSTORCH_EXAMPLE_LIB", "rustorch"), choices=["rustorch", "torch"])
    return p.parse_args(argv)


def stdlib_text(limit):
    """The first ``limit`` characters of the standard library's .py files, in a fixed (sorted) order."""
    root = os.path.dirname(os.__file__)
    parts, size = [], 0
    for path in sorted(glob.glob(os.path.join(root, "*.py"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "".join(parts)[:limit]


def build(torch, vocab, args):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(args.n_embd)
            self.qkv = nn.Linear(args.n_embd, 3 * args.n_embd)
            self.proj = nn.Linear(args.n_embd, args.n_embd)
            self.ln2 = nn.LayerNorm(args.n_embd)
            self.mlp = nn.Sequential(nn.Linear(args.n_embd, 4 * args.n_embd), nn.GELU(),
                                     nn.Linear(4 * args.n_embd, args.n_embd))

        def forward(self, x):
            b, t, c = x.shape
            h = args.n_head
            q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
            q, k, v = (z.view(b, t, h, c // h).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, args.n_embd)
            self.pos = nn.Embedding(args.block_size, args.n_embd)
            self.blocks = nn.ModuleList(Block() for _ in range(args.n_layer))
            self.ln = nn.LayerNorm(args.n_embd)
            self.head = nn.Linear(args.n_embd, vocab)

        def forward(self, idx, targets=None):
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln(x))
            if targets is None:
                return logits, None
            return logits, F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    return GPT()


def main(argv=None):
    args = parse_args(argv)
    torch = importlib.import_module(args.lib)
    torch.manual_seed(args.seed)
    device = args.device
    if device == "auto":
        if args.lib == "torch":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        else:
            real_gpu = torch.wgpu.is_available() and torch.wgpu.get_device_properties().get("device_type") != "Cpu"
            device = "wgpu" if real_gpu else "cpu"

    text = stdlib_text(args.chars)
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = np.array([stoi[ch] for ch in text], dtype=np.int64)
    split = int(len(data) * 0.9)
    rng = np.random.default_rng(args.seed)

    def batch(part):
        src = data[:split] if part == "train" else data[split:]
        starts = rng.integers(0, len(src) - args.block_size - 1, args.batch_size)
        x = np.stack([src[s:s + args.block_size] for s in starts])
        y = np.stack([src[s + 1:s + 1 + args.block_size] for s in starts])
        return torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)

    model = build(torch, len(chars), args).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))

    def lr_factor(step):
        if step < args.warmup:
            return (step + 1) / args.warmup
        progress = (step - args.warmup) / max(1, args.steps - args.warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{args.lib} on {device}: {len(text):,} characters of the standard library, vocabulary {len(chars)}, "
          f"{n_params:,} parameters")

    start = time.perf_counter()
    losses = []
    for step in range(args.steps):
        x, y = batch("train")
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if (step + 1) % args.log_every == 0 or step == 0 or step + 1 == args.steps:
            recent = sum(losses[-args.log_every:]) / len(losses[-args.log_every:])
            print(f"step {step + 1:5d}  loss {recent:.4f}  lr {sched.get_last_lr()[0]:.2e}  "
                  f"{(time.perf_counter() - start) / (step + 1) * 1000:.1f} ms/step", flush=True)

    model.eval()
    with torch.no_grad():
        x, y = batch("val")
        _, val = model(x, y)
    print(f"validation loss {val.item():.4f}")
    if args.sample:
        idx = torch.tensor([[stoi["\n"]]], device=device)
        with torch.no_grad():
            for _ in range(args.sample):
                logits, _ = model(idx[:, -args.block_size:])
                probs = torch.softmax(logits[:, -1, :] / 0.8, dim=-1)
                idx = torch.cat([idx, torch.multinomial(probs, 1)], dim=1)
        print("--- sample ---")
        print("".join(chars[i] for i in idx[0].tolist()))
    return {"first_loss": losses[0], "last_loss": sum(losses[-10:]) / len(losses[-10:]), "val_loss": val.item()}


if __name__ == "__main__":
    main()
