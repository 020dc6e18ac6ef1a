"""Autograd: the engine's behaviour (accumulation, hooks, retain_graph, grad modes, the in-place and
version-counter errors, double backward, custom Functions, autograd.grad with allow_unused) and the
derivatives, checked by gradcheck (float64 finite differences) on cpu and wgpu, with non-contiguous and
broadcast inputs. The file runs against PyTorch too (RUSTORCH_TEST_AGAINST=torch)."""
import math

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

DEVICES = ["cpu", "wgpu"]


def _dev(device):
    if device == "wgpu":
        props = require()
        if props.get("shader_f64") != "true":
            pytest.skip("gradcheck needs float64 on the device")
    return device


def _leaf(shape, device, seed=0, lo=-2.0, hi=2.0, noncontig=False):
    rng = np.random.default_rng(seed)
    if noncontig:  # the same values stored transposed: a non-contiguous view
        a = rng.uniform(lo, hi, tuple(reversed(shape)))
        t = torch.from_numpy(a).to(device)
        t = t.permute(*reversed(range(len(shape))))
    else:
        t = torch.from_numpy(rng.uniform(lo, hi, shape)).to(device)
    return t.requires_grad_()


# ---- engine --------------------------------------------------------------------------------------------

def test_leaves_grad_fn_names_and_accumulation():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert x.is_leaf and x.requires_grad and x.grad_fn is None and x.grad is None
    y = (x * x + x).sum()
    assert not y.is_leaf and y.requires_grad
    assert type(y.grad_fn).__name__ == "SumBackward0"
    add = y.grad_fn.next_functions[0][0]
    assert type(add).__name__ == "AddBackward0"
    assert repr(y) == "tensor(20., grad_fn=<SumBackward0>)"
    assert repr(x) == "tensor([1., 2., 3.], requires_grad=True)"
    y.backward()
    assert x.grad.tolist() == [3.0, 5.0, 7.0]
    (x * 2).sum().backward()  # accumulates
    assert x.grad.tolist() == [5.0, 7.0, 9.0]
    x.grad = None
    (x ** 2).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        torch.tensor([1, 2]).requires_grad_()
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert torch.zeros(3, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        torch.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()


def test_grad_modes():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad
    assert torch.is_grad_enabled()

    @torch.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad
    torch.set_grad_enabled(False)
    assert not (x + 1).requires_grad
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not (x + 1).requires_grad
    assert (x + 1).requires_grad
    with torch.inference_mode():
        assert not (x * 2).requires_grad


def test_hooks_and_retain_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    h = x.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    assert seen == [[6.0, 12.0]]
    assert y.grad.tolist() == [6.0, 12.0]
    assert x.grad.tolist() == [180.0, 360.0]
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_retain_graph_and_second_backward_error():
    x = torch.tensor([2.0], requires_grad=True)
    y = x.exp()
    y.backward(retain_graph=True)
    y.backward()
    assert abs(x.grad.item() - 2 * math.exp(2.0)) < 1e-5
    z = (x * x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        z.backward()


def test_inplace_errors_and_version_counter():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        x.add_(1)
    a = x * 2
    b = a.exp()
    a.mul_(3)  # exp saved its output, not a: fine
    b.sum().backward()
    y = x * 2
    z = y.sin()  # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been modified by "
                                           "an inplace operation"):
        z.sum().backward()


def test_inplace_ops_are_recorded():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(x)
    y += 1
    y.exp_()
    assert y.grad_fn is not None
    y.sum().backward()
    want = [math.exp(v * v + 1) * 2 * v for v in (1.0, 2.0)]
    np.testing.assert_allclose(x.grad.tolist(), want, rtol=1e-5)
    p = torch.zeros(2)
    p += x  # a tensor that does not require grad becomes part of the graph
    assert p.requires_grad


def test_double_backward_and_autograd_grad():
    x = torch.tensor([1.5, -0.5], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.detach().tolist(), [3 * 1.5 ** 2, 3 * 0.25])
    (gg,) = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.tolist(), [6 * 1.5, 6 * -0.5])
    assert x.grad is None  # autograd.grad does not accumulate
    # the gradient of a gradient norm
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = (w @ x).tanh().sum()
    (gw,) = torch.autograd.grad(out, w, create_graph=True)
    gw.pow(2).sum().backward()
    assert w.grad is not None and w.grad.shape == (2, 2)
    u = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used in the graph"):
        torch.autograd.grad((x * 2).sum(), [x, u])
    gx, gu = torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)
    assert gu is None and gx.tolist() == [2.0, 2.0]


def test_backward_inputs_and_broadcast_reduction():
    a = torch.ones(3, 1, requires_grad=True)
    b = torch.ones(4, requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.tolist() == [[4.0], [4.0], [4.0]] and b.grad is None
    (a + b).sum().backward()
    assert b.grad.tolist() == [3.0, 3.0, 3.0, 3.0]


def test_custom_function():
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * 3 * x ** 2 * ctx.k, None

    x = torch.tensor([2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.backward()
    assert x.grad.tolist() == [24.0]

    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = torch.tensor([0])
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, gi):
            return g * 2

    v, i = Split.apply(x)
    assert v.requires_grad and not i.requires_grad


def test_memory_is_released():
    """A saved intermediate is freed by backward (and the graph with the output)."""
    import gc
    import weakref

    x = torch.ones(100, requires_grad=True)
    h = x * 2
    y = h.sin()  # saves h
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is not None  # the graph holds it
    y.sum().backward()
    del y
    assert ref() is None  # freed without waiting for the cycle collector


# ---- derivatives by gradcheck ------------------------------------------------------------------------

UNARY_OPS = ["neg", "abs", "exp", "exp2", "expm1", "sin", "cos", "tanh", "sigmoid", "atan", "sinh", "cosh", "erf",
             "square", "relu", "frac"]
POSITIVE_OPS = ["log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", UNARY_OPS + POSITIVE_OPS + ["tan", "asin", "acos"])
def test_unary_gradcheck(device, name):
    _dev(device)
    lo, hi = (0.5, 2.0) if name in POSITIVE_OPS else (-0.9, 0.9)
    x = _leaf((3, 4), device, 1, lo, hi, noncontig=True)
    assert torch.autograd.gradcheck(getattr(torch, name), (x,))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum", "minimum", "atan2", "pow"])
def test_binary_gradcheck_with_broadcast(device, name):
    _dev(device)
    lo = 0.5 if name == "pow" else -2.0
    a = _leaf((3, 4), device, 2, lo, 2.0, noncontig=True)
    b = _leaf((4,), device, 3, 0.5, 2.0)
    f = getattr(torch, name)
    assert torch.autograd.gradcheck(f, (a, b))
    if name not in ("maximum", "minimum", "atan2"):  # these take tensors only
        assert torch.autograd.gradcheck(lambda t: f(t, 1.5), (a,))


@pytest.mark.parametrize("device", DEVICES)
def test_reductions_gradcheck(device):
    _dev(device)
    x = _leaf((3, 4), device, 4, noncontig=True)
    for f in (lambda t: t.sum(), lambda t: t.sum(1), lambda t: t.mean((0, 1), keepdim=True), lambda t: t.prod(1),
              lambda t: t.prod(), lambda t: t.amax(0), lambda t: t.max(1).values, lambda t: t.min(),
              lambda t: t.var(1), lambda t: t.std(0, keepdim=True), lambda t: t.logsumexp(1), lambda t: t.norm(),
              lambda t: t.norm(p=1, dim=0)):
        assert torch.autograd.gradcheck(f, (x,))


@pytest.mark.parametrize("device", DEVICES)
def test_views_indexing_and_shapes_gradcheck(device):
    _dev(device)
    x = _leaf((3, 4), device, 5, noncontig=True)
    idx = torch.tensor([2, 0, 2]).to(device)
    for f in (lambda t: t.t().reshape(2, 6), lambda t: t.permute(1, 0)[1:, ::2], lambda t: t[idx],
              lambda t: t[:, None, 1].expand(3, 2), lambda t: t.unsqueeze(0).squeeze(0).flatten(),
              lambda t: t.narrow(1, 1, 2), lambda t: t.select(0, 1), lambda t: t.diagonal(),
              lambda t: torch.cat([t, t * 2], 1), lambda t: torch.stack([t, t], 0), lambda t: t.flip(0),
              lambda t: t.tril(), lambda t: t.repeat(2, 1), lambda t: t.gather(1, torch.tensor([[0], [3], [1]]).to(device)),
              lambda t: t.index_select(0, idx), lambda t: t.masked_fill(t > 0, 0.0), lambda t: t[t > 0],
              lambda t: t.cumsum(1), lambda t: torch.where(t > 0, t, t * t), lambda t: t.clamp(-1, 1),
              lambda t: t.sort(1).values, lambda t: t.topk(2).values, lambda t: t.movedim(0, 1),
              lambda t: t.median(), lambda t: t.median(1).values, lambda t: t.kthvalue(2, 0).values,
              lambda t: t.nanmedian(0, keepdim=True).values, lambda t: t.cumprod(1), lambda t: t.cumprod(0)):
        assert torch.autograd.gradcheck(f, (x,))


@pytest.mark.parametrize("device", DEVICES)
def test_cumprod_gradcheck_with_zeros(device):
    _dev(device)
    for row in ([2.0, 0.0, 3.0, 0.0, 1.5], [0.0, 2.0, -1.0, 4.0], [1.5, -2.0, 0.5, 0.0]):
        x = torch.tensor(row, dtype=torch.float64).to(device).requires_grad_()
        assert torch.autograd.gradcheck(lambda t: t.cumprod(0), (x,))
    assert torch.autograd.gradgradcheck(lambda t: t.cumprod(0), (torch.tensor([2.0, 0.5, 3.0], dtype=torch.float64)
                                                                 .to(device).requires_grad_(),))


@pytest.mark.parametrize("device", DEVICES)
def test_products_gradcheck(device):
    _dev(device)
    a = _leaf((2, 3, 4), device, 6, noncontig=True)
    b = _leaf((4, 5), device, 7)
    v = _leaf((4,), device, 8)
    for f, args in ((torch.matmul, (a, b)), (torch.matmul, (a, v)), (torch.matmul, (v, b)),
                    (lambda p, q: torch.einsum("bij,jk->bik", p, q), (a, b)), (torch.mm, (a[0], b)),
                    (lambda p, q: p @ q, (v, v)), (torch.outer, (v, v))):
        assert torch.autograd.gradcheck(f, args)


@pytest.mark.parametrize("device", DEVICES)
def test_gradgradcheck(device):
    _dev(device)
    x = _leaf((2, 3), device, 9)
    w = _leaf((3, 2), device, 10)
    assert torch.autograd.gradgradcheck(lambda p, q: (p @ q).tanh(), (x, w))
    assert torch.autograd.gradgradcheck(lambda p: (p.exp() * p.sin()).sum(1), (x,))


def test_wgpu_gradients_match_cpu():
    require()
    rng = np.random.default_rng(11)
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((5, 3)).astype(np.float32)
    grads = {}
    for device in ("cpu", "wgpu"):
        x = torch.from_numpy(a).to(device).requires_grad_()
        y = torch.from_numpy(b).to(device).requires_grad_()
        ((x @ y).sigmoid() * x.sum(1, keepdim=True)).mean().backward()
        grads[device] = (x.grad.cpu().numpy(), y.grad.cpu().numpy())
    for g_cpu, g_gpu in zip(grads["cpu"], grads["wgpu"]):
        np.testing.assert_allclose(g_gpu, g_cpu, rtol=1e-4, atol=1e-5)


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_training_loop_memory_stays_flat():
    """10,000 small forward/backward iterations: the process does not grow (graphs and saved tensors
    are freed as each backward ends)."""
    w = torch.randn(8, 8, requires_grad=True)
    x = torch.randn(4, 8)

    def step():
        loss = ((x @ w).tanh() * 2 + 1).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad * 0.01)
        w.grad = None

    for _ in range(1000):
        step()
    before = _rss_bytes()
    for _ in range(10000):
        step()
    assert _rss_bytes() - before < 4 << 20


@pytest.mark.parametrize("device", DEVICES)
def test_inplace_through_views_and_setitem(device):
    """In-place writes through a view reach the base's gradient (CopySlices); x[i] = v is recorded."""
    _dev(device)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64).to(device).requires_grad_()
    y = x * 1
    v = y[0]
    v.mul_(3)
    assert type(y.grad_fn).__name__ == "CopySlices"
    y.sum().backward()
    assert x.grad.cpu().tolist() == [[3.0, 3.0], [1.0, 1.0]]
    z = torch.tensor([10.0, 20.0], dtype=torch.float64).to(device).requires_grad_()
    x.grad = None
    y = x.clone()
    y[1] = z * 2
    (y * y).sum().backward()
    assert x.grad.cpu().tolist() == [[2.0, 4.0], [0.0, 0.0]]
    assert z.grad.cpu().tolist() == [80.0, 160.0]
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an "
                                           "in-place operation."):
        x[0].mul_(2)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        x[0] = 1.0

    def f(t, u):
        w = t * 1
        w[:, 1].add_(u)      # a strided view
        w[0] = u.sum()       # setitem of a 0-d value, broadcast
        return (w ** 2).sum(0)

    u = _leaf((3,), device, 12)
    t = _leaf((3, 3), device, 13)
    assert torch.autograd.gradcheck(f, (t, u))
