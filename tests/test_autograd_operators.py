"""Autograd through the arithmetic operators (``+ - * /`` and their reflected forms) and whole-tensor
``sum()``/``mean()``: the recorded hot path (rustorch/autograd/fast.py). Every operand kind on either
side (a tensor that requires grad, a plain tensor, a Python number, a numpy scalar), the node names and
edges PyTorch records, gradients by gradcheck and gradgradcheck (float64 finite differences) on cpu and
wgpu, broadcasting, mixed dtypes, and the saved-operand version checks. Runs against PyTorch too
(RUSTORCH_TEST_AGAINST=torch)."""
import operator

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
# (operator, left kind, right kind) -> (grad_fn name, which edges lead somewhere), as PyTorch records them.
# g: requires grad, p: a plain tensor, n: a Python number, s: a numpy scalar.
EXPECTED = {
    ("+", "g", "g"): ("AddBackward0", [True, True]), ("+", "g", "p"): ("AddBackward0", [True, False]),
    ("+", "p", "g"): ("AddBackward0", [False, True]), ("+", "g", "n"): ("AddBackward0", [True, False]),
    ("+", "n", "g"): ("AddBackward0", [True, False]), ("+", "g", "s"): ("AddBackward0", [True, False]),
    ("-", "g", "g"): ("SubBackward0", [True, True]), ("-", "g", "p"): ("SubBackward0", [True, False]),
    ("-", "p", "g"): ("SubBackward0", [False, True]), ("-", "g", "n"): ("SubBackward0", [True, False]),
    ("-", "n", "g"): ("RsubBackward1", [True]), ("-", "g", "s"): ("SubBackward0", [True, False]),
    ("*", "g", "g"): ("MulBackward0", [True, True]), ("*", "g", "p"): ("MulBackward0", [True, False]),
    ("*", "p", "g"): ("MulBackward0", [False, True]), ("*", "g", "n"): ("MulBackward0", [True, False]),
    ("*", "n", "g"): ("MulBackward0", [True, False]), ("*", "g", "s"): ("MulBackward0", [True, False]),
    ("/", "g", "g"): ("DivBackward0", [True, True]), ("/", "g", "p"): ("DivBackward0", [True, False]),
    ("/", "p", "g"): ("DivBackward0", [False, True]), ("/", "g", "n"): ("DivBackward0", [True, False]),
    ("/", "n", "g"): ("MulBackward0", [True, False]),  # 2 / x is reciprocal(x) * 2
    ("/", "g", "s"): ("DivBackward0", [True, False]),
}


def _operand(kind, t, other):
    return {"g": t, "p": other, "n": 1.5, "s": np.float64(-0.75)}[kind]


def _device(device):
    if device == "wgpu":
        if require().get("shader_f64") != "true":
            pytest.skip("gradcheck needs float64 on the device")
    return device


@pytest.mark.parametrize("case", sorted(EXPECTED), ids=lambda c: "".join(c))
def test_node_names_and_edges(case):
    op, left, right = case
    x = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
    y = torch.tensor([0.5, -1.0, 3.0], requires_grad=True)
    p = torch.tensor([2.0, 3.0, -1.0])
    a = x if left == "g" else _operand(left, x, p)
    b = y if right == "g" and left == "g" else x if right == "g" else _operand(right, y, p)
    r = OPS[op](a, b)
    name, edges = EXPECTED[case]
    assert type(r.grad_fn).__name__ == name
    assert [n is not None for n, _ in r.grad_fn.next_functions] == edges
    assert r.requires_grad and not r.is_leaf
    # Values are the plain op's.
    plain = OPS[op](a.detach() if hasattr(a, "detach") else a, b.detach() if hasattr(b, "detach") else b)
    np.testing.assert_allclose(r.detach().numpy(), plain.numpy(), rtol=1e-6)


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("kinds", ["gg", "gp", "pg", "gn", "ng", "gs"])
def test_gradcheck_every_operand_kind(device, op, kinds):
    _device(device)
    rng = np.random.default_rng(len(kinds) + ord(op))
    # Broadcast shapes on the tensor-tensor cases; values kept away from 0 (division).
    u = torch.from_numpy(rng.uniform(0.5, 2.0, (3, 1))).to(device)
    v = torch.from_numpy(rng.uniform(0.5, 2.0, (4,))).to(device)
    left, right = kinds
    inputs, make = [], []
    for kind, t in ((left, u), (right, v)):
        if kind == "g":
            inputs.append(t.requires_grad_())
            make.append(lambda args, k=len(inputs) - 1: args[k])
        else:
            const = _operand(kind, None, t)
            make.append(lambda args, c=const: c)

    def f(*args):
        return OPS[op](make[0](args), make[1](args))

    assert torch.autograd.gradcheck(f, tuple(inputs))
    assert torch.autograd.gradgradcheck(f, tuple(inputs))


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
def test_sum_mean_and_a_chain(device):
    _device(device)
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.uniform(0.5, 2.0, (2, 3))).to(device).requires_grad_()
    y = torch.from_numpy(rng.uniform(0.5, 2.0, (3,))).to(device).requires_grad_()
    for f in (lambda a, b: (a * b + a).sum(), lambda a, b: (a / b - 2 * a).mean(), lambda a, b: (1 - a * b).sum(),
              lambda a, b: (3 / a + b / 2).mean()):
        assert torch.autograd.gradcheck(f, (x, y))
        assert torch.autograd.gradgradcheck(f, (x, y))
    loss = (x * y + x).sum()
    assert type(loss.grad_fn).__name__ == "SumBackward0"
    assert type((x * y).mean().grad_fn).__name__ == "MeanBackward0"
    loss.backward()
    np.testing.assert_allclose(x.grad.cpu().numpy(), np.broadcast_to(y.detach().cpu().numpy() + 1, (2, 3)))
    np.testing.assert_allclose(y.grad.cpu().numpy(), x.detach().cpu().numpy().sum(0))
    (x * y).mean().backward()  # accumulates into .grad
    np.testing.assert_allclose(y.grad.cpu().numpy(), x.detach().cpu().numpy().sum(0) * (1 + 1 / 6))


def test_mixed_dtypes_and_a_plain_left_operand():
    x = torch.tensor([1.0, 2.0], requires_grad=True)  # float32
    w = torch.tensor([3.0, 4.0], dtype=torch.float64)
    r = w * x  # plain float64 on the left: the result is float64, x's gradient float32
    assert r.dtype == torch.float64
    r.sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [3.0, 4.0]
    h = torch.tensor([1.0, 2.0], dtype=torch.float16, requires_grad=True)
    (h * 2 + 1).sum().backward()
    assert h.grad.dtype == torch.float16 and h.grad.tolist() == [2.0, 2.0]


def test_no_grad_and_plain_operands_record_nothing():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        r = x * 2 + x
    assert r.grad_fn is None and not r.requires_grad
    p = torch.tensor([1.0, 2.0])
    assert (p + p).grad_fn is None and not (p * 3).requires_grad
    d = x.detach()
    assert (d / 2).grad_fn is None


def test_saved_operands_are_version_checked():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = x.clone()
    y = x * w  # saves w
    w.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been modified "
                                           "by an inplace operation"):
        y.sum().backward()
    a = x.clone()
    z = a / x  # saves x and a
    a.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    b = x.clone()
    s = b + x  # add saves nothing: changing b afterwards is fine
    b.mul_(5)
    s.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_freed_graph_and_retain_graph():
    x = torch.tensor([1.0, 3.0], requires_grad=True)
    y = x * x
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()
    y = x / 2
    y.mean().backward(retain_graph=True)
    y.mean().backward()
    assert x.grad.tolist() == [2 + 0.5, 6 + 0.5]


def test_unsupported_operands_return_notimplemented():
    x = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        x * object()
    with pytest.raises(TypeError):
        object() - x


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
def test_matrix_products(device):
    _device(device)
    rng = np.random.default_rng(5)
    a = torch.from_numpy(rng.uniform(-1, 1, (3, 4))).to(device).requires_grad_()
    b = torch.from_numpy(rng.uniform(-1, 1, (5, 4))).to(device).requires_grad_()  # used transposed
    p = torch.from_numpy(rng.uniform(-1, 1, (4, 2))).to(device)
    assert type((a @ b.t()).grad_fn).__name__ == "MmBackward0"
    assert [n is not None for n, _ in (a @ p).grad_fn.next_functions] == [True, False]
    assert [n is not None for n, _ in (p.t() @ a.t()).grad_fn.next_functions] == [False, True]
    for f in (lambda x, y: x @ y.t(), lambda x, y: (y @ x.t()).tanh() @ x, lambda x, y: x @ p,
              lambda x, y: x[0] @ y.t(), lambda x, y: (x @ y.t()) @ (y @ p)):
        assert torch.autograd.gradcheck(f, (a, b))
        assert torch.autograd.gradgradcheck(f, (a, b))
    w = b.detach().clone()
    r = a @ w.t()
    w.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        r.sum().backward()
