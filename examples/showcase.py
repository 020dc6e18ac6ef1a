"""A short tour of rustorch's tensor maths, then the benchmark's headline figures.

Run with `make demo` (builds the extension first). Until the training example
exists, this is the main job.
"""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import rustorch as torch  # noqa: E402  (the point: PyTorch code, unchanged)

torch.manual_seed(0)
x = torch.randn(3, 4)
print("x =", x, sep="\n")
print("x.T.shape:", x.T.shape, " contiguous:", x.T.is_contiguous())
print("softmax rows:", ((x - x.amax(1, keepdim=True)).exp() / (x - x.amax(1, keepdim=True)).exp().sum(1, keepdim=True)).sum(1))
print("logsumexp:", torch.logsumexp(x, dim=1))
print("mean/std:", x.mean().item(), x.std().item())
print("max(dim=1):", torch.max(x, dim=1))
print("int8 + 1000 stays int8:", (torch.tensor([1], dtype=torch.int8) + 1000).dtype)
print("int / int is float:", torch.tensor([7, 8]) / 2)
print("floor division and remainder:", torch.tensor([-7, 7]) // 2, torch.tensor([-7, 7]) % 3)
a = np.arange(6, dtype=np.float32).reshape(2, 3)
t = torch.from_numpy(a)
t.mul_(10)
print("zero-copy numpy: writing through the tensor changed the array ->", a.tolist())
print()
print("Benchmark (quick run; `make bench` for the full one):")
subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "bench", "bench_core.py"), "--quick"], check=True)
