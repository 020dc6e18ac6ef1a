"""multinomial: distribution of draws, with and without replacement, and PyTorch's errors (runs against
PyTorch too, RUSTORCH_TEST_AGAINST=torch)."""
import numpy as np
import pytest

from _backend import torch
from _wgpu import require


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
def test_frequencies_follow_the_weights(device):
    if device == "wgpu":
        require()
    torch.manual_seed(0)
    w = torch.tensor([[1.0, 2.0, 0.0, 5.0], [0.0, 0.0, 3.0, 1.0]], device=device)
    draws = torch.multinomial(w, 4000, replacement=True)
    assert draws.dtype == torch.int64 and draws.shape == (2, 4000) and draws.device == w.device
    counts = np.stack([np.bincount(r, minlength=4) for r in draws.cpu().numpy()]) / 4000
    want = np.array([[1, 2, 0, 5], [0, 0, 3, 1]]) / np.array([[8.0], [4.0]])
    assert np.abs(counts - want).max() < 0.03
    assert counts[0, 2] == 0 and counts[1, 0] == 0 and counts[1, 1] == 0  # zero weight: never drawn


def test_without_replacement_draws_distinct_categories():
    torch.manual_seed(1)
    w = torch.tensor([0.1, 5.0, 1.0, 3.0, 0.5])
    for _ in range(20):
        d = torch.multinomial(w, 5).tolist()
        assert sorted(d) == [0, 1, 2, 3, 4]
    firsts = np.bincount([torch.multinomial(w, 2)[0].item() for _ in range(2000)], minlength=5) / 2000
    assert abs(firsts[1] - 5.0 / 9.6) < 0.04  # the first draw follows the weights
    one = torch.multinomial(torch.tensor([0.0, 3.0]), 1)
    assert one.shape == (1,) and one.item() == 1
    assert torch.tensor([1.0, 1.0]).multinomial(2).sort().values.tolist() == [0, 1]


@pytest.mark.parametrize("args,message", [
    ((torch.tensor([0.0, 0.0]), 1), "invalid multinomial distribution \\(sum of probabilities <= 0\\)"),
    ((torch.tensor([1.0, -1.0]), 1), "probability tensor contains either `inf`, `nan` or element < 0"),
    ((torch.tensor([1.0, float("nan")]), 1), "probability tensor contains either `inf`, `nan` or element < 0"),
    ((torch.tensor([1.0, 2.0]), 3), "cannot sample n_sample > prob_dist.size\\(-1\\) samples without replacement"),
    ((torch.ones(2, 1, 1), 1), "prob_dist must be 1 or 2 dim"),
    ((torch.tensor([1.0, 2.0]), 0), "cannot sample n_sample <= 0 samples"),
    ((torch.tensor([1, 2]), 1), "multinomial only supports floating-point dtypes for input, got: Long"),
])
def test_errors(args, message):
    with pytest.raises(RuntimeError, match=message):
        torch.multinomial(*args)
