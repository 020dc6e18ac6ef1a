"""``nn.functional``: activations, the softmax family, dropout and scaled_dot_product_attention.

Forward results against numpy references on cpu and wgpu, with contiguous, strided and broadcast (stride 0)
inputs; gradients by float64 gradcheck (wgpu too: lavapipe has float64); PyTorch's grad_fn names, errors
and warnings. The file runs against PyTorch too (RUSTORCH_TEST_AGAINST=torch). Losses are in
test_nn_functional_losses.py, normalization, embedding and distances in test_nn_functional_norm.py; the
helpers here are shared with them.

Data values are odd multiples of 1/16 in [-4, 4): none sits on a kink of an activation (0, +-1, +-3, 6)."""
import math
import re

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

F = torch.nn.functional
NAME = torch.__name__
DEVICES = ("cpu", "wgpu")
LAYOUTS = ("contiguous", "strided", "expanded")
TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


# ---- shared helpers ------------------------------------------------------------------------------------

def on(device):
    """``device``, after skipping when it is wgpu and there is no adapter (or PyTorch is under test)."""
    if device == "wgpu":
        require()
    return device


def values(shape, seed=0, lo=-4.0, hi=4.0):
    """Values k/8 + 1/16 in [lo, hi), distinct while there are enough of them."""
    rng = np.random.default_rng(seed)
    grid = np.arange(lo, hi, 0.125) + 0.0625
    n = math.prod(shape)
    return rng.choice(grid, size=n, replace=n > grid.size).reshape(shape)


def make(arr, device="cpu", dtype="float64", layout="contiguous"):
    """``arr`` as a tensor on ``device``: contiguous, a strided view (every other element of a wider base)
    or a broadcast view (``arr``'s first row expanded: the values are that row repeated)."""
    arr = np.asarray(arr)
    if layout == "strided" and arr.ndim:
        base = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],), dtype=arr.dtype)
        base[..., ::2] = arr
        return make(base, device, dtype)[..., ::2]
    if layout == "expanded" and arr.ndim:
        return make(arr[:1], device, dtype).expand(*arr.shape)
    t = torch.from_numpy(np.array(arr))
    if dtype is not None:
        t = t.to(getattr(torch, dtype))
    return t.to(device) if device != "cpu" else t


def as_given(arr, layout):
    """The values ``make(arr, layout=layout)`` holds."""
    arr = np.asarray(arr)
    return np.broadcast_to(arr[:1], arr.shape) if layout == "expanded" and arr.ndim else arr


def close(got, want, dtype="float64", **tol):
    """``got`` (a tensor) holds ``want`` (numpy) with the shape and dtype expected."""
    assert str(got.dtype).endswith(dtype), (got.dtype, dtype)
    g = got.detach().cpu().numpy().astype(np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert g.shape == want.shape, (g.shape, want.shape)
    np.testing.assert_allclose(g, want, equal_nan=True, **(tol or TOL[dtype]))


def gradcheck(fn, *arrays, device="cpu"):
    """float64 finite-difference check of ``fn`` at ``arrays`` (leaves on ``device``)."""
    leaves = tuple(make(a, device).requires_grad_() for a in arrays)
    assert torch.autograd.gradcheck(fn, leaves)


def raises(exc, msg, fn):
    with pytest.raises(exc, match=re.escape(msg)):
        fn()


def erf(x):
    return np.vectorize(math.erf)(x)


# ---- elementwise activations ---------------------------------------------------------------------------

SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# name: (call, numpy reference, grad_fn name, kernel PyTorch names for integer inputs (None: no error))
ACT = {
    "relu": (lambda x: F.relu(x), lambda x: np.maximum(x, 0), "ReluBackward0", None),
    "relu6": (lambda x: F.relu6(x), lambda x: np.clip(x, 0, 6), "HardtanhBackward0", None),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x), "LeakyReluBackward0",
                   "leaky_relu_cpu"),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)), "EluBackward0", "elu_cpu"),
    "selu": (lambda x: F.selu(x), lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x)), "EluBackward0",
             "elu_cpu"),
    "celu": (lambda x: F.celu(x, 0.5), lambda x: np.maximum(x, 0) + np.minimum(0, 0.5 * np.expm1(x / 0.5)),
             "CeluBackward0", "elu_cpu"),
    "gelu": (lambda x: F.gelu(x), lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), "GeluBackward0",
             "GeluKernelImpl"),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), _gelu_tanh, "GeluBackward0", "GeluKernelImpl"),
    "silu": (lambda x: F.silu(x), lambda x: x * _sig(x), "SiluBackward0", "silu_cpu"),
    "mish": (lambda x: F.mish(x), lambda x: x * np.tanh(np.logaddexp(0, x)), "MishBackward0", "mish_cpu"),
    "softplus": (lambda x: F.softplus(x), lambda x: np.logaddexp(0, x), "SoftplusBackward0", "softplus_cpu"),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0),
                      lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2), "SoftplusBackward0",
                      "softplus_cpu"),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 1.5), lambda x: np.clip(x, -2, 1.5), "HardtanhBackward0", None),
    "hardswish": (lambda x: F.hardswish(x), lambda x: x * np.clip(x + 3, 0, 6) / 6, "HardswishBackward0",
                  "hardswish_cpu"),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), lambda x: np.clip(x + 3, 0, 6) / 6, "HardsigmoidBackward0",
                    "hardsigmoid_cpu"),
    "logsigmoid": (lambda x: F.logsigmoid(x), lambda x: -np.logaddexp(0, -x), "LogSigmoidBackward0",
                   "log_sigmoid_cpu"),
    "sigmoid": (lambda x: F.sigmoid(x), _sig, "SigmoidBackward0", None),
    "tanh": (lambda x: F.tanh(x), np.tanh, "TanhBackward0", None),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), lambda x: np.where(x > 0.5, x, -2.0), "ThresholdBackward0",
                  None),
    "softsign": (lambda x: F.softsign(x), lambda x: x / (1 + np.abs(x)), "DivBackward0", None),
    "tanhshrink": (lambda x: F.tanhshrink(x), lambda x: x - np.tanh(x), "SubBackward0", None),
    "glu": (lambda x: F.glu(x), lambda x: x[..., :x.shape[-1] // 2] * _sig(x[..., x.shape[-1] // 2:]),
            "GluBackward0", "glu_cpu"),
    "glu_dim0": (lambda x: F.glu(x, 0), lambda x: x[:x.shape[0] // 2] * _sig(x[x.shape[0] // 2:]), "GluBackward0",
                 "glu_cpu"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ACT)
def test_activation_forward(name, device, layout):
    call, ref, _, _ = ACT[name]
    x = values((4, 6), seed=len(name))
    got = call(make(x, on(device), "float32", layout))
    close(got, ref(as_given(x, layout)), "float32")
    assert got.device.type == device


@pytest.mark.parametrize("name", ACT)
def test_activation_gradcheck_and_node(name):
    call, _, node, _ = ACT[name]
    gradcheck(call, values((2, 4), seed=len(name)))
    y = call(make(values((2, 4)), dtype="float64").requires_grad_())
    assert type(y.grad_fn).__name__ == node


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "elu", "softplus_beta", "mish", "glu", "logsigmoid"])
def test_activation_gradcheck_wgpu(name):
    gradcheck(ACT[name][0], values((2, 4), seed=len(name)), device=on("wgpu"))


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "mish", "softplus", "elu", "glu"])
def test_activation_second_derivatives(name):
    x = make(values((2, 4), seed=3)).requires_grad_()
    assert torch.autograd.gradgradcheck(ACT[name][0], (x,))


@pytest.mark.parametrize("name", ["gelu", "silu", "elu", "leaky_relu", "hardtanh"])
def test_activation_gradient_of_broadcast_input(name):
    # the gradient of an input broadcast into the op sums over the broadcast dim
    gradcheck(lambda r: ACT[name][0](r.expand(3, 4)), values((1, 4), seed=7))


@pytest.mark.parametrize("layout", ["contiguous", "strided"])
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "mish", "elu", "softplus"])
def test_activation_float32_gradient(name, device, layout):
    # float32 backward kernels (GELU's is native and works in blocks of 256) against the float64 gradient,
    # over [-10, 10) on 1,037 elements (blocks and a tail), contiguous and strided
    x = np.linspace(-10, 10, 1037, endpoint=False)
    g = np.cos(np.arange(x.size))
    want = make(x).requires_grad_()
    ACT[name][0](want).backward(make(g))
    got = make(x, on(device), "float32", layout).requires_grad_()
    ACT[name][0](got).backward(make(g, device, "float32", layout))
    close(got.grad, want.grad.numpy(), "float32", rtol=2e-6, atol=2e-6)


def test_activation_0d_and_empty():
    close(F.gelu(make(1.0, dtype="float32")), 0.8413447, "float32")
    close(F.silu(make(np.zeros((0, 3)), dtype="float32")), np.zeros((0, 3)), "float32")
    assert F.softplus(make(np.zeros((2, 0)))).shape == (2, 0)


@pytest.mark.parametrize("name", [n for n in ACT if ACT[n][3]])
def test_activation_integer_input_is_rejected(name):
    raises(NotImplementedError, f'"{ACT[name][3]}" not implemented for \'Long\'',
           lambda: ACT[name][0](torch.tensor([[1, -2], [3, 4]])))


def test_integer_inputs_that_work():
    i = torch.tensor([1, -2, 9])
    r = F.relu6(i)
    assert r.dtype == torch.int64 and r.tolist() == [1, 0, 6]
    assert F.hardtanh(i, -1.5, 2.5).tolist() == [1, -1, 2]  # the bounds truncated, as PyTorch does
    assert F.relu(i).tolist() == [1, 0, 9]
    close(F.sigmoid(i), _sig(np.array([1.0, -2.0, 9.0])), "float32")
    raises(NotImplementedError, "Bool inputs not supported for hardtanh", lambda: F.hardtanh(i > 0))


def test_activation_argument_errors():
    x = make(values((2, 4)))
    raises(RuntimeError, "approximate argument must be either none or tanh.", lambda: F.gelu(x, approximate="erf"))
    raises(ValueError, "min_val cannot be greater than max_val", lambda: F.hardtanh(x, 2.0, 1.0))
    raises(RuntimeError, "ZeroDivisionError: alpha cannot be 0 for CELU", lambda: F.celu(x, 0.0))
    raises(RuntimeError, "Halving dimension must be even, but dimension 0 is size 3",
           lambda: F.glu(make(values((3, 4))), 0))
    raises(RuntimeError, "glu does not support scalars because halving size must be even",
           lambda: F.glu(make(1.0)))
    raises(IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)", lambda: F.glu(x, 2))


def test_numerically_stable_forms():
    x = make([-200.0, -30.0, 0.0, 30.0, 200.0])
    close(F.softplus(x), [0.0, 9.357622968840175e-14, math.log(2), 30.0, 200.0])
    close(F.logsigmoid(x), [-200.0, -30.0, -math.log(2), -9.357622968840175e-14, 0.0])
    close(F.softplus(make([30.0, -30.0, 10.0]), beta=2, threshold=20), [30.0, math.log1p(math.exp(-60)) / 2, math.log1p(math.exp(20)) / 2])
    big = make([[1000.0, 0.0], [-1000.0, 0.0]])
    close(F.log_softmax(big, 1), [[0.0, -1000.0], [-1000.0, 0.0]])
    close(F.softmax(big, 1), [[1.0, 0.0], [0.0, 1.0]])


# ---- in-place forms ------------------------------------------------------------------------------------

INPLACE = {
    "relu": (lambda x: F.relu(x, inplace=True), "relu"),
    "relu6": (lambda x: F.relu6(x, inplace=True), "relu6"),
    "elu": (lambda x: F.elu(x, 0.7, inplace=True), "elu"),
    "elu_": (lambda x: F.elu_(x, 0.7), "elu"),
    "selu": (lambda x: F.selu(x, inplace=True), "selu"),
    "celu": (lambda x: F.celu(x, 0.5, inplace=True), "celu"),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2, inplace=True), "leaky_relu"),
    "leaky_relu_": (lambda x: F.leaky_relu_(x, 0.2), "leaky_relu"),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 1.5, inplace=True), "hardtanh"),
    "silu": (lambda x: F.silu(x, inplace=True), "silu"),
    "mish": (lambda x: F.mish(x, inplace=True), "mish"),
    "hardswish": (lambda x: F.hardswish(x, inplace=True), "hardswish"),
    "hardsigmoid": (lambda x: F.hardsigmoid(x, inplace=True), "hardsigmoid"),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0, inplace=True), "threshold"),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", INPLACE)
def test_inplace_forms(name, device):
    call, ref_name = INPLACE[name]
    x = values((2, 4), seed=5)
    t = make(x, on(device), "float32")
    assert call(t) is t
    close(t, ACT[ref_name][1](x), "float32")
    # on a non-leaf that requires grad: recorded, the gradient is the out-of-place op's
    leaf = make(x).requires_grad_()
    y = leaf * 1
    call(y)
    y.backward(make(np.linspace(-1, 1, 8).reshape(2, 4)))
    expected = make(x).requires_grad_()
    ACT[ref_name][0](expected).backward(make(np.linspace(-1, 1, 8).reshape(2, 4)))
    close(leaf.grad, expected.grad.numpy())


@pytest.mark.parametrize("name", ["elu", "leaky_relu", "silu", "hardtanh"])
def test_inplace_on_leaf_that_requires_grad_raises(name):
    x = make(values((2, 4))).requires_grad_()
    raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation.",
           lambda: INPLACE[name][0](x))


def test_inplace_through_a_view_reaches_its_base():
    leaf = make(values((2, 4), seed=1)).requires_grad_()
    y = leaf * 1
    F.elu(y[0], inplace=True)
    y.sum().backward()
    x = values((2, 4), seed=1)
    close(leaf.grad, np.vstack([np.where(x[0] > 0, 1.0, np.exp(x[0])), np.ones(4)]))


def test_inplace_node_names():
    x = make(values((2, 4))).requires_grad_()
    for call, node in ((lambda t: F.elu(t, inplace=True), "EluBackward1"),
                       (lambda t: F.leaky_relu(t, inplace=True), "LeakyReluBackward1"),
                       (lambda t: F.celu(t, inplace=True), "CeluBackward1"),
                       (lambda t: F.hardtanh(t, inplace=True), "HardtanhBackward0"),
                       (lambda t: F.silu(t, inplace=True), "SiluBackward0")):
        assert type(call(x * 1).grad_fn).__name__ == node


# ---- softmax family ------------------------------------------------------------------------------------

def np_log_softmax(x, dim):
    m = np.max(x, axis=dim, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True))


SOFTMAX = {
    "softmax": (F.softmax, lambda x, d: np.exp(np_log_softmax(x, d)), "SoftmaxBackward0"),
    "log_softmax": (F.log_softmax, np_log_softmax, "LogSoftmaxBackward0"),
    "softmin": (F.softmin, lambda x, d: np.exp(np_log_softmax(-x, d)), "SoftmaxBackward0"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_forward(name, dim, device, layout):
    fn, ref, _ = SOFTMAX[name]
    x = values((3, 5), seed=dim + 2)
    close(fn(make(x, on(device), "float32", layout), dim), ref(as_given(x, layout), dim), "float32")


@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_3d_dtype_and_small_shapes(name):
    fn, ref, node = SOFTMAX[name]
    x = values((2, 3, 4), seed=1)
    close(fn(make(x, dtype="float32"), 1, dtype=torch.float64), ref(x, 1))
    close(fn(make(2.5), 0), 0.0 if name == "log_softmax" else 1.0)
    assert fn(make(np.zeros((0, 3))), 1).shape == (0, 3)
    assert fn(make(np.zeros((2, 0))), 1).shape == (2, 0)
    close(fn(make(x, dtype="float16"), -1), ref(x.astype(np.float16).astype(np.float64), -1), "float16",
          rtol=2e-3, atol=2e-3)
    assert type(fn(make(x).requires_grad_(), 2).grad_fn).__name__ == node


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_gradcheck(name, device):
    fn = SOFTMAX[name][0]
    gradcheck(lambda x: fn(x, 1), values((2, 3), seed=4), device=on(device))
    gradcheck(lambda x: fn(x, 0), values((3, 2), seed=5), device=device)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_second_derivatives_and_strided_gradient(name):
    fn = SOFTMAX[name][0]
    x = make(values((2, 3), seed=6)).requires_grad_()
    assert torch.autograd.gradgradcheck(lambda t: fn(t, 1), (x,))
    gradcheck(lambda t: fn(t[:, ::2], 1), values((2, 6), seed=8))


def test_softmax_with_minus_infinity():
    x = make([[0.0, -math.inf, 0.0], [-math.inf, -math.inf, -math.inf]])
    close(F.softmax(x, 1), [[0.5, 0.0, 0.5], [math.nan] * 3])
    close(F.log_softmax(x, 1)[0], [-math.log(2), -math.inf, -math.log(2)])


@pytest.mark.parametrize("ndim,implied", [(1, 0), (2, 1), (3, 0), (4, 1)])
@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_implicit_dim_warns(name, ndim, implied):
    fn, ref, _ = SOFTMAX[name]
    x = values((2,) * ndim, seed=ndim)
    with pytest.warns(UserWarning, match=re.escape(f"Implicit dimension choice for {name} has been deprecated. "
                                                   "Change the call to include dim=X as an argument.")):
        y = fn(make(x))
    close(y, ref(x, implied))


def test_softmax_errors():
    x = make(values((2, 3)))
    raises(IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
           lambda: F.softmax(x, 2))
    raises(TypeError, "softmax(): argument 'dim' (position 1) must be int, not tuple", lambda: F.softmax(x, (1,)))
    raises(TypeError, "log_softmax(): argument 'dim' (position 1) must be int, not float",
           lambda: F.log_softmax(x, 1.0))
    i = torch.tensor([[1, 2], [3, 4]])
    raises(NotImplementedError, '"softmax_lastdim_kernel_impl" not implemented for \'Long\'', lambda: F.softmax(i, 1))
    raises(NotImplementedError, '"softmax_kernel_impl" not implemented for \'Long\'', lambda: F.softmax(i, 0))
    raises(NotImplementedError, '"log_softmax_lastdim_kernel_impl" not implemented for \'Long\'',
           lambda: F.log_softmax(i, -1))
    raises(NotImplementedError, '"softmax_lastdim_kernel_impl" not implemented for \'Long\'',
           lambda: F.softmax(x, 1, dtype=torch.int64))


# ---- dropout -------------------------------------------------------------------------------------------

DROPOUTS = [F.dropout, F.alpha_dropout, F.feature_alpha_dropout, F.dropout1d, F.dropout2d, F.dropout3d]


@pytest.mark.parametrize("fn", DROPOUTS, ids=lambda f: f.__name__)
def test_dropout_probability_is_checked(fn):
    x = make(values((2, 3, 4, 2)))
    for p in (1.5, -0.1):
        raises(ValueError, f"dropout probability has to be between 0 and 1, but got {p}", lambda: fn(x, p))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_zeroes_and_scales(p, device):
    x = make(values((40, 50), seed=1), on(device), "float32")
    y = F.dropout(x, p)
    kept = y.cpu().numpy() != 0
    close(y[torch.from_numpy(kept).to(device)], x.cpu().numpy()[kept] / (1 - p), "float32")
    assert abs(1 - kept.mean() - p) < 0.05  # 2000 draws: the dropped fraction is p within 5 standard errors


def test_dropout_identity_cases():
    x = make(values((3, 4)))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert F.alpha_dropout(x, 0.5) is x  # training defaults to False
    assert F.dropout(make(np.zeros((0, 3))), 0.5).shape == (0, 3)
    close(F.dropout(x, 1.0), np.zeros((3, 4)))
    raises(RuntimeError, "result type Float can't be cast to the desired output type Long",
           lambda: F.dropout(torch.tensor([1, 2]), 0.5))


def test_dropout_gradient_is_the_mask():
    x = make(values((5, 6), seed=2)).requires_grad_()
    y = F.dropout(x, 0.4)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    scale = y.detach().numpy() / x.detach().numpy()  # 0 or 1 / (1 - p) per element
    close(x.grad, scale)
    assert set(np.round(scale.reshape(-1), 12)) <= {0.0, round(1 / 0.6, 12)}


def test_dropout_inplace():
    leaf = make(values((4, 5), seed=3)).requires_grad_()
    y = leaf * 1
    assert F.dropout(y, 0.5, inplace=True) is y
    y.sum().backward()
    close(leaf.grad, y.detach().numpy() / leaf.detach().numpy())


@pytest.mark.parametrize("fn,shape,batched", [(F.dropout1d, (8, 30, 3), True), (F.dropout1d, (30, 3), False),
                                              (F.dropout2d, (8, 30, 3, 2), True), (F.dropout3d, (4, 30, 2, 2, 2), True),
                                              (F.dropout3d, (30, 2, 2, 2), False)],
                         ids=["1d", "1d_unbatched", "2d", "3d", "3d_unbatched"])
def test_channel_dropout_drops_whole_channels(fn, shape, batched):
    y = fn(make(np.ones(shape)), 0.5).numpy()
    y = y if batched else y[None]
    per_channel = y.reshape(y.shape[0], y.shape[1], -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert 0 < (per_channel == 0).mean() < 1


def test_channel_dropout_rank_checks():
    raises(RuntimeError, "dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to "
           "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
           "batch dimension (i.e. 2D or 3D inputs).", lambda: F.dropout1d(make(np.ones((2, 3, 4, 5)))))
    with pytest.warns(UserWarning, match="dropout2d: Received a 2-D input to dropout2d, which is deprecated"):
        F.dropout2d(make(np.ones((2, 3))))
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                                         "1D dropout behavior is desired"):
        y = F.dropout2d(make(np.ones((4, 30, 5))), 0.5).numpy()
    assert np.all((y == 0).all(-1) | (y == 2).all(-1))
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input to dropout3d, which is deprecated"):
        F.dropout3d(make(np.ones((2, 3, 4))))
    with pytest.warns(UserWarning):
        raises(RuntimeError, "Feature dropout requires at least 2 dimensions in the input",
               lambda: F.dropout2d(make(np.ones(3))))


@pytest.mark.parametrize("device", DEVICES)
def test_alpha_dropout_values(device):
    p, alpha = 0.3, 1.7580993408473766
    a = 1 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    x = values((30, 40), seed=4)
    y = F.alpha_dropout(make(x, on(device)), p, training=True).cpu().numpy()
    kept = np.isclose(y, a * x + alpha * a * p, rtol=1e-12, atol=1e-12)
    dropped = np.isclose(y, -alpha * a + alpha * a * p, rtol=1e-12, atol=1e-12)
    assert np.all(kept | dropped) and abs(dropped.mean() - p) < 0.05
    y = F.feature_alpha_dropout(make(np.zeros((4, 30, 5)), device), p, training=True).cpu().numpy()
    assert np.all(np.ptp(y, axis=-1) == 0)  # per channel: one value
    close(F.alpha_dropout(make(x), 1.0, training=True), np.zeros(x.shape))


def test_dropout_seeded_masks_repeat():
    x = make(np.ones((6, 7)))
    torch.manual_seed(3)
    a = F.dropout(x, 0.5)
    torch.manual_seed(3)
    assert torch.equal(a, F.dropout(x, 0.5))


# ---- scaled_dot_product_attention ----------------------------------------------------------------------

def np_attention(q, k, v, mask=None, causal=False, scale=None):
    s = q @ np.swapaxes(k, -1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if causal:
        mask = np.tril(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    dead = np.all(s == -np.inf, axis=-1, keepdims=True)
    s = np.where(dead, 0.0, s)
    w = np.exp(np_log_softmax(s, -1))
    return np.where(dead, 0.0, w) @ v


def _qkv(heads=2, kv_heads=2, seed=0):
    return (values((2, heads, 3, 4), seed) / 2, values((2, kv_heads, 5, 4), seed + 1) / 2,
            values((2, kv_heads, 5, 3), seed + 2))


ROW_MASK = np.array([[True, False, True, True, False], [False] * 5, [True] * 5])  # row 1 attends to nothing
SDPA = {
    "plain": ({}, {}),
    "causal": ({"is_causal": True}, {"causal": True}),
    "bool_mask": ({"attn_mask": ROW_MASK}, {"mask": ROW_MASK}),
    "float_mask": ({"attn_mask": values((3, 5), 9)}, {"mask": values((3, 5), 9)}),
    "float_mask_minus_inf": ({"attn_mask": np.where(ROW_MASK, 0.0, -np.inf)}, {"mask": np.where(ROW_MASK, 0.0, -np.inf)}),
    "scale": ({"scale": 0.3}, {"scale": 0.3}),
}


def _sdpa_kwargs(kw, device, dtype):
    out = dict(kw)
    if "attn_mask" in out:
        m = out["attn_mask"]
        out["attn_mask"] = (torch.from_numpy(m).to(device) if m.dtype == bool else make(m, device, dtype))
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", SDPA)
def test_sdpa_forward(case, device):
    kw, ref_kw = SDPA[case]
    q, k, v = _qkv()
    on(device)
    got = F.scaled_dot_product_attention(*(make(a, device, "float32") for a in (q, k, v)),
                                         **_sdpa_kwargs(kw, device, "float32"))
    close(got, np_attention(q, k, v, **ref_kw), "float32", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", ["plain", "causal", "bool_mask"])
def test_sdpa_gradcheck(case, device):
    kw = _sdpa_kwargs(SDPA[case][0], on(device), "float64")
    q, k, v = (a[:1, :1] for a in _qkv(seed=3))
    gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, **kw), q, k, v, device=device)


def test_sdpa_shapes_gqa_and_dropout():
    q, k, v = _qkv(heads=4, kv_heads=2)
    got = F.scaled_dot_product_attention(make(q), make(k), make(v), enable_gqa=True)
    close(got, np_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1)))
    close(F.scaled_dot_product_attention(make(q[0, 0]), make(k[0, 0]), make(v[0, 0])),
          np_attention(q[0, 0], k[0, 0], v[0, 0]))
    close(F.scaled_dot_product_attention(make(q), make(k), make(v), dropout_p=1.0, enable_gqa=True),
          np.zeros((2, 4, 3, 3)))
    y = F.scaled_dot_product_attention(make(q), make(k), make(v), dropout_p=0.5, enable_gqa=True)
    assert y.shape == (2, 4, 3, 3)


def test_sdpa_errors():
    q, k, v = (make(a, dtype="float32") for a in _qkv())
    raises(RuntimeError, "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True",
           lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=make(np.zeros((3, 5)), dtype="float32"),
                                                  is_causal=True))
    raises(RuntimeError, "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: 1 "
           "key.dim: 1 and value.dim: 1 instead.", lambda: F.scaled_dot_product_attention(q[0, 0, 0], k[0, 0, 0],
                                                                                           v[0, 0, 0]))
    raises(RuntimeError, "Expected query, key, and value to have the same dtype, but got query.dtype: float "
           "key.dtype: double and value.dtype: float instead.",
           lambda: F.scaled_dot_product_attention(q, k.double(), v))
    raises(RuntimeError, "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
           "attn_mask.dtype: long int and  query.dtype: float instead.",
           lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=torch.zeros(3, 5, dtype=torch.int64)))
    q4 = make(values((2, 3, 3, 4)), dtype="float32")
    raises(RuntimeError, "Number of heads in key and value must divide the number of heads in query",
           lambda: F.scaled_dot_product_attention(q4, k, v, enable_gqa=True))
