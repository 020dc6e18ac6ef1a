"""broadcast_shapes, broadcast_tensors and the top-level / Tensor softmax forms (runs against PyTorch
too, RUSTORCH_TEST_AGAINST=torch)."""
import numpy as np
import pytest

from _backend import torch


@pytest.mark.parametrize("shapes,want", [(((2, 1), (3,)), (2, 3)), (((), (4, 1), (1, 5)), (4, 5)),
                                          (((0, 1), (3,)), (0, 3)), ((5, (2, 1)), (2, 5)), (((),), ())])
def test_broadcast_shapes(shapes, want):
    assert tuple(torch.broadcast_shapes(*shapes)) == want


def test_broadcast_errors():
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension of length 3 at -1! Mismatching "
                                           r"argument at index 1 had \(3,\); but expected shape should be "
                                           r"broadcastable to \[2\]"):
        torch.broadcast_shapes((2,), (3,))
    with pytest.raises(RuntimeError, match="The size of tensor a \\(2\\) must match the size of tensor b \\(3\\) at "
                                           "non-singleton dimension 0"):
        torch.broadcast_tensors(torch.ones(2), torch.ones(3))


def test_broadcast_tensors_are_views_and_differentiable():
    x = torch.tensor([[1.0], [2.0]], requires_grad=True)
    p = torch.arange(3.0)
    a, b = torch.broadcast_tensors(x, p)
    assert a.shape == (2, 3) and a.stride() == (1, 0) and b.stride() == (0, 1)
    assert type(a.grad_fn).__name__ == "ExpandBackward0" and not b.requires_grad
    (a * b).sum().backward()
    assert x.grad.tolist() == [[3.0], [3.0]]


def test_softmax_forms():
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], requires_grad=True)
    want = np.exp(x.detach().numpy()) / np.exp(x.detach().numpy()).sum(1, keepdims=True)
    for s in (torch.softmax(x, 1), x.softmax(1), x.softmax(dim=-1)):
        np.testing.assert_allclose(s.detach().numpy(), want, rtol=1e-6)
        assert type(s.grad_fn).__name__ == "SoftmaxBackward0"
    ls = torch.log_softmax(x, 1, torch.float64)
    assert ls.dtype == torch.float64 and type(x.log_softmax(0).grad_fn).__name__ == "LogSoftmaxBackward0"
    np.testing.assert_allclose(ls.detach().numpy(), np.log(want), rtol=1e-6)
