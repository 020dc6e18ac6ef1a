"""Several Python threads computing on one wgpu device at once: large ops release the GIL, so
their dispatches, uploads, read-backs and pooled buffers interleave in the shared queue. Every
result must still equal numpy's (products of small integers and sorts are exact)."""
import threading

import numpy as np

from _backend import torch
from _wgpu import require


def _work(seed, errors):
    rng = np.random.default_rng(seed)
    for it in range(12):
        a = rng.integers(-3, 4, (137, 229)).astype(np.float32)
        b = rng.integers(-3, 4, (229, 141)).astype(np.float32)
        dt = (torch.float16, torch.float32, torch.int32)[it % 3]
        x, y = torch.from_numpy(a).to(dt).to("wgpu"), torch.from_numpy(b).to(dt).to("wgpu")
        prod = (x @ y).cpu().to(torch.float64).numpy()
        s = torch.sort(x.float() + 0.5, dim=1).values.cpu().numpy()
        c = (x.float().cumsum(1) * 2).sum(0).cpu().numpy()
        ok = (np.array_equal(prod, a.astype(np.float64) @ b.astype(np.float64)),
              np.array_equal(s, np.sort(a + 0.5, axis=1)), np.array_equal(c, (np.cumsum(a, 1) * 2).sum(0)))
        if not all(ok):
            errors.append((seed, it, str(dt), "product, sort, scan correct:", ok))


def test_threads_share_the_device():
    require()
    errors = []
    threads = [threading.Thread(target=_work, args=(k, errors)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_results_survive_another_threads_frees():
    """One thread drops its tensors (back to the pool) while another keeps allocating."""
    require()
    errors = []
    keep = torch.arange(100000, dtype=torch.float32).to("wgpu")

    def churn():
        for _ in range(40):
            t = torch.ones(200000).to("wgpu") * 3
            del t

    threads = [threading.Thread(target=churn) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(20):
        if not np.array_equal((keep + 1).cpu().numpy(), np.arange(100000, dtype=np.float32) + 1):
            errors.append("mismatch")
    for t in threads:
        t.join()
    assert not errors
