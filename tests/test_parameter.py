"""nn.Parameter, Tensor.data and deepcopy of leaves: PyTorch's behaviour (the file runs against PyTorch
too, RUSTORCH_TEST_AGAINST=torch)."""
import copy

import pytest

from _backend import torch


def test_parameter_is_a_leaf_sharing_memory():
    t = torch.ones(2, 3)
    p = torch.nn.Parameter(t)
    assert isinstance(p, torch.nn.Parameter) and isinstance(p, torch.Tensor)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert p.data_ptr() == t.data_ptr()
    assert repr(p) == "Parameter containing:\ntensor([[1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)"
    frozen = torch.nn.Parameter(torch.ones(2), requires_grad=False)
    assert not frozen.requires_grad and repr(frozen) == "Parameter containing:\ntensor([1., 1.])"
    assert torch.nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        torch.nn.Parameter(torch.tensor([1, 2]))


def test_ops_on_parameters_are_recorded_and_give_plain_results():
    w = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    b = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
    x = torch.tensor([[1.0, 1.0]])
    for y in (x @ w + b, b + x @ w, (w * 2).sum(0) - b, 1 - b):
        assert not isinstance(y, torch.nn.Parameter) and y.grad_fn is not None
    loss = ((x @ w + b) * (x @ w + b)).sum()
    loss.backward()
    # d/dw of sum((x w + b)^2) = x^T 2 (x w + b); x w + b = [4.5, 5.5]
    assert w.grad.tolist() == [[9.0, 11.0], [9.0, 11.0]]
    assert b.grad.tolist() == [9.0, 11.0]


def test_data_is_untracked_and_shares_memory():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    d = p.data
    assert not d.requires_grad and d.grad_fn is None and not isinstance(d, torch.nn.Parameter)
    d.mul_(3)  # in place through .data: allowed, not recorded, seen by the parameter
    assert p.tolist() == [3.0, 6.0]
    p.data = torch.zeros(4)
    assert p.shape == (4,) and isinstance(p, torch.nn.Parameter) and p.requires_grad


def test_deepcopy_of_leaves():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    q = copy.deepcopy(p)
    assert isinstance(q, torch.nn.Parameter) and q.requires_grad and q.data_ptr() != p.data_ptr()
    assert q.grad is None and q.tolist() == [1.0, 2.0]  # a parameter's copy leaves .grad behind
    x = torch.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    y = copy.deepcopy(x)
    assert y.requires_grad and y.is_leaf and type(y) is type(x)
    assert y.grad.tolist() == [3.0, 3.0] and y.grad.data_ptr() != x.grad.data_ptr()  # a leaf's copies it
    with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
        copy.deepcopy(x * 2)


def test_retains_grad():
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    assert not x.retains_grad and not y.retains_grad and not torch.ones(1).retains_grad
    y.retain_grad()
    assert y.retains_grad
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0]
