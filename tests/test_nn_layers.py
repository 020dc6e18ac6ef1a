"""``nn`` layers: activations, normalization, dropout, embedding and losses.

Each module's forward is compared with a numpy reference computed from the module's own parameters, on cpu
and wgpu; float64 gradcheck through the parameters; train/eval differences (dropout, batch norm running
statistics after two steps); state_dict keys and reprs as PyTorch prints them; PyTorch's errors. The file runs
against PyTorch too (RUSTORCH_TEST_AGAINST=torch). RNNs are in test_nn_rnn.py, attention and transformer
layers in test_nn_attention.py; the helpers here are shared with them."""
import doctest
import importlib
import math

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from test_nn_functional import (DEVICES, NAME, SELU_A, SELU_S, _gelu_tanh, _sig, close, erf, make, on, raises,
                                values)

nn = torch.nn


# ---- shared helpers ------------------------------------------------------------------------------------

def build(ctor, device="cpu", dtype=None, seed=0):
    """The module ``ctor()`` made after seeding, cast to ``dtype`` and moved to ``device``."""
    torch.manual_seed(seed)
    m = ctor()
    if dtype is not None:
        m = m.to(getattr(torch, dtype))
    return m.to(device) if device != "cpu" else m


def params(m):
    """The module's state as float64 numpy arrays (what the references are computed from)."""
    return {k: v.detach().cpu().numpy().astype(np.float64) for k, v in m.state_dict().items()}


def with_params(module, names):
    """``fn(*inputs, *tensors)``: ``module(*inputs)`` with the parameters ``names`` (dotted) replaced by the
    given tensors, so that gradcheck differentiates through them."""
    def fn(*args):
        n = len(args) - len(names)
        for name, t in zip(names, args[n:]):
            owner, _, attr = name.rpartition(".")
            mod = module.get_submodule(owner)
            if attr in mod._parameters:
                delattr(mod, attr)
            setattr(mod, attr, t)
        return _flat(module(*args[:n]))
    return fn


def _flat(out):
    """Nested tuples of tensors as one tuple (an LSTM returns ``(output, (h, c))``)."""
    if isinstance(out, (tuple, list)):
        return tuple(t for o in out for t in _flat(o))
    return (out,)


def gradcheck_module(module, names, *inputs):
    """float64 gradcheck of ``module`` with respect to ``inputs`` (numpy) and its parameters ``names``."""
    module = module.double()
    leaves = [make(x).requires_grad_() for x in inputs]
    leaves += [module.get_parameter(n).detach().clone().requires_grad_() for n in names]
    assert torch.autograd.gradcheck(with_params(module, names), tuple(leaves))


def np_layer_norm(x, k, w=None, b=None, eps=1e-5):
    dims = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axis=dims, keepdims=True)) / np.sqrt(x.var(axis=dims, keepdims=True) + eps)
    if w is not None:
        y = y * w
    return y + b if b is not None else y


def np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


# ---- activations ---------------------------------------------------------------------------------------

# name: (module, numpy reference)
ACTIVATIONS = {
    "ReLU": (lambda: nn.ReLU(), lambda x: np.maximum(x, 0)),
    "ReLU6": (lambda: nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "ELU": (lambda: nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x))),
    "SELU": (lambda: nn.SELU(), lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x))),
    "CELU": (lambda: nn.CELU(0.5), lambda x: np.maximum(x, 0) + np.minimum(0, 0.5 * np.expm1(x / 0.5))),
    "GELU": (lambda: nn.GELU(), lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2)))),
    "GELU_tanh": (lambda: nn.GELU(approximate="tanh"), _gelu_tanh),
    "SiLU": (lambda: nn.SiLU(), lambda x: x * _sig(x)),
    "Mish": (lambda: nn.Mish(), lambda x: x * np.tanh(np.logaddexp(0, x))),
    "Softplus": (lambda: nn.Softplus(beta=2.0, threshold=3.0),
                 lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2)),
    "Hardtanh": (lambda: nn.Hardtanh(-2.0, 1.5), lambda x: np.clip(x, -2, 1.5)),
    "Hardswish": (lambda: nn.Hardswish(), lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "Hardsigmoid": (lambda: nn.Hardsigmoid(), lambda x: np.clip(x + 3, 0, 6) / 6),
    "LogSigmoid": (lambda: nn.LogSigmoid(), lambda x: -np.logaddexp(0, -x)),
    "Sigmoid": (lambda: nn.Sigmoid(), _sig),
    "Tanh": (lambda: nn.Tanh(), np.tanh),
    "Threshold": (lambda: nn.Threshold(0.5, -2.0), lambda x: np.where(x > 0.5, x, -2.0)),
    "Softsign": (lambda: nn.Softsign(), lambda x: x / (1 + np.abs(x))),
    "Tanhshrink": (lambda: nn.Tanhshrink(), lambda x: x - np.tanh(x)),
    "GLU": (lambda: nn.GLU(), lambda x: x[..., :2] * _sig(x[..., 2:])),
    "GLU_dim0": (lambda: nn.GLU(0), lambda x: x[:1] * _sig(x[1:])),
    "Softmax": (lambda: nn.Softmax(dim=1), lambda x: np_softmax(x, 1)),
    "Softmax_last": (lambda: nn.Softmax(dim=-1), lambda x: np_softmax(x, -1)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=1), lambda x: np.log(np_softmax(x, 1))),
    "Softmin": (lambda: nn.Softmin(dim=0), lambda x: np_softmax(-x, 0)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_module_forward(name, device):
    ctor, ref = ACTIVATIONS[name]
    x = values((2, 4), seed=len(name)) / 2
    m = build(ctor, on(device))
    y = m(make(x, device, "float32"))
    assert y.device.type == device
    close(y, ref(x), "float32")


def test_softmax2d_and_inplace_modules():
    x = values((2, 3, 2, 2), seed=4) / 2
    close(nn.Softmax2d()(make(x)), np_softmax(x, 1))
    close(nn.Softmax2d()(make(x[0])), np_softmax(x[0], 0))
    raises(ValueError, "Softmax2d: expected input to be 3D or 4D, got 2D instead",
           lambda: nn.Softmax2d()(make(x[0, 0])))
    for ctor, ref in (ACTIVATIONS["ReLU"], ACTIVATIONS["ELU"], ACTIVATIONS["LeakyReLU"]):
        m = ctor()
        m.inplace = True
        t = make(x)
        y = m(t)
        close(t, ref(x))  # the input itself was overwritten
        close(y, ref(x))


def test_activation_gradcheck():
    x = values((2, 4), seed=2) / 2
    for m in (nn.GELU(), nn.Softmax(dim=1), nn.Mish(), nn.GLU()):
        gradcheck_module(m, [], x)


# ---- normalization -------------------------------------------------------------------------------------

def _channels(v, ndim):
    return np.asarray(v).reshape([1, -1] + [1] * (ndim - 2))


def _randomize(m, seed=1):
    """Affine parameters that are not the initial ones and zeros, so that the references check them."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(make(rng.uniform(0.5, 1.5, tuple(p.shape)), p.device.type, str(p.dtype).split(".")[-1]))
    return m


@pytest.mark.parametrize("device", DEVICES)
def test_layer_norm_group_norm_rms_norm(device):
    x = values((2, 4, 3), seed=1) / 2
    ln = _randomize(build(lambda: nn.LayerNorm(3), on(device)))
    p = params(ln)
    close(ln(make(x, device, "float32")), np_layer_norm(x, 1, p["weight"], p["bias"]), "float32")
    ln2 = _randomize(build(lambda: nn.LayerNorm([4, 3], eps=1e-3, bias=False), device))
    close(ln2(make(x, device, "float32")), np_layer_norm(x, 2, params(ln2)["weight"], eps=1e-3), "float32")
    gn = _randomize(build(lambda: nn.GroupNorm(2, 4), device))
    p = params(gn)
    g = x.reshape(2, 2, 6)
    want = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(x.shape)
    close(gn(make(x, device, "float32")), want * _channels(p["weight"], 3) + _channels(p["bias"], 3), "float32")
    rms = _randomize(build(lambda: nn.RMSNorm(3, eps=1e-6), device))
    want = x / np.sqrt((x ** 2).mean(-1, keepdims=True) + 1e-6) * params(rms)["weight"]
    close(rms(make(x, device, "float32")), want, "float32")


def test_layer_norm_gradcheck():
    x = values((2, 3, 4), seed=5) / 2
    gradcheck_module(_randomize(nn.LayerNorm(4)), ["weight", "bias"], x)
    gradcheck_module(_randomize(nn.GroupNorm(1, 3)), ["weight", "bias"], x)


def _np_batch_stats(x):
    dims = tuple(d for d in range(x.ndim) if d != 1)
    n = x.size // x.shape[1]
    return x.mean(axis=dims), x.var(axis=dims), x.var(axis=dims) * n / (n - 1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_stats_after_two_steps(momentum, device):
    x1, x2 = values((4, 3, 2), seed=1) / 2, values((4, 3, 2), seed=2) + 1
    bn = _randomize(build(lambda: nn.BatchNorm1d(3, momentum=momentum), on(device)))
    p = params(bn)
    for x in (x1, x2):
        mean, var, _ = _np_batch_stats(x)
        want = (x - _channels(mean, 3)) / np.sqrt(_channels(var, 3) + 1e-5)
        close(bn(make(x, device, "float32")), want * _channels(p["weight"], 3) + _channels(p["bias"], 3), "float32")
    (m1, _, u1), (m2, _, u2) = _np_batch_stats(x1), _np_batch_stats(x2)
    if momentum is None:  # cumulative average: factors 1, then 1/2
        rm, rv = (m1 + m2) / 2, (u1 + u2) / 2
    else:
        rm = 0.9 * (0.1 * m1) + 0.1 * m2
        rv = 0.9 * (0.9 * 1 + 0.1 * u1) + 0.1 * u2
    close(bn.running_mean, rm, "float32")
    close(bn.running_var, rv, "float32")
    assert bn.num_batches_tracked.item() == 2
    # evaluation: the running statistics, and they no longer move
    bn.eval()
    y = bn(make(x1, device, "float32"))
    want = (x1 - _channels(rm, 3)) / np.sqrt(_channels(rv, 3) + 1e-5)
    close(y, want * _channels(p["weight"], 3) + _channels(p["bias"], 3), "float32", rtol=1e-4, atol=1e-5)
    close(bn.running_mean, rm, "float32")
    assert bn.num_batches_tracked.item() == 2


def test_batch_norm_2d_without_running_stats_and_affine():
    x = values((2, 3, 2, 2), seed=3) / 2
    bn = nn.BatchNorm2d(3, affine=False, track_running_stats=False).double()
    assert bn.running_mean is None and bn.weight is None and list(bn.state_dict()) == []
    mean, var, _ = _np_batch_stats(x)
    want = (x - _channels(mean, 4)) / np.sqrt(_channels(var, 4) + 1e-5)
    close(bn(make(x)), want)
    close(bn.eval()(make(x)), want)  # no running statistics: batch statistics in evaluation too
    raises(ValueError, "expected 4D input (got 3D input)", lambda: bn(make(x[0])))
    raises(ValueError, "expected 2D or 3D input (got 4D input)", lambda: nn.BatchNorm1d(3)(make(x)))
    raises(ValueError, "Expected more than 1 value per channel when training, got input size "
           f"{NAME}.Size([1, 3])", lambda: nn.BatchNorm1d(3).double()(make(np.ones((1, 3)))))


def test_batch_norm_gradcheck_train_mode():
    x = values((4, 3), seed=6) / 2
    bn = _randomize(nn.BatchNorm1d(3))
    gradcheck_module(bn, ["weight", "bias"], x)
    assert bn.num_batches_tracked.item() > 0  # gradcheck ran it in training mode


def test_instance_norm():
    x = values((2, 3, 4), seed=8) / 2
    m = nn.InstanceNorm1d(3).double()
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    close(m(make(x)), want)
    close(m(make(x[0])), want[0])  # unbatched (C, L)
    t = _randomize(nn.InstanceNorm2d(3, affine=True, track_running_stats=True)).double()
    x4 = x.reshape(2, 3, 2, 2)
    p = params(t)
    close(t(make(x4)), want.reshape(x4.shape) * _channels(p["weight"], 4) + _channels(p["bias"], 4))
    close(t.running_mean, 0.1 * x.mean(-1).mean(0))
    raises(ValueError, "expected input's size at dim=1 to match num_features (3), but got: 2.",
           lambda: t(make(x4[:, :2])))
    raises(ValueError, "expected 2D or 3D input (got 4D input)", lambda: m(make(x4)))


# ---- dropout -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_dropout_train_and_eval(device):
    torch.manual_seed(0)
    x = make(np.ones((40, 50)), on(device), "float32")
    m = nn.Dropout(0.25)
    y = m(x).cpu().numpy()
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert 0.2 < (y == 0).mean() < 0.3
    m.eval()
    close(m(x), np.ones((40, 50)), "float32")
    x4 = make(np.ones((4, 30, 2, 3)), device, "float32")
    y = nn.Dropout2d(0.5)(x4).cpu().numpy()
    per_channel = y.reshape(4, 30, 6)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0 < (per_channel == 0).all(-1).sum() < 120
    y = nn.Dropout1d(0.5)(make(np.ones((30, 3)), device, "float32")).cpu().numpy()
    assert ((y == 0).all(-1) | (y == 2).all(-1)).all()
    close(nn.Dropout1d(0.5).eval()(make(np.ones((30, 3)), device, "float32")), np.ones((30, 3)), "float32")


def test_dropout_inplace_and_errors():
    x = make(np.ones((10, 10)), dtype="float32")
    y = nn.Dropout(0.5, inplace=True)(x)
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    raises(ValueError, "dropout probability has to be between 0 and 1, but got 1.5", lambda: nn.Dropout(1.5))
    raises(ValueError, "dropout probability has to be between 0 and 1, but got -0.1", lambda: nn.Dropout2d(-0.1))


# ---- embedding -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_embedding_forward_and_padding_gradient(device):
    emb = build(lambda: nn.Embedding(6, 3, padding_idx=-2), on(device))
    assert emb.padding_idx == 4
    w = params(emb)["weight"]
    np.testing.assert_array_equal(w[4], np.zeros(3))
    idx = np.array([[1, 4, 1], [5, 0, 4]])
    y = emb(make(idx, device, "int64"))
    close(y, w[idx], "float32")
    y.sum().backward()
    counts = np.bincount(idx.ravel(), minlength=6).astype(np.float64)
    counts[4] = 0
    close(emb.weight.grad, np.repeat(counts[:, None], 3, 1), "float32")


def test_embedding_from_pretrained_and_max_norm():
    w = np.array([[3.0, 4.0], [0.3, 0.4], [1.0, 0.0]])
    emb = nn.Embedding.from_pretrained(make(w))
    assert not emb.weight.requires_grad
    close(emb(make([2, 0], dtype="int64")), w[[2, 0]])
    emb = nn.Embedding.from_pretrained(make(w), freeze=False, max_norm=1.0)
    assert emb.weight.requires_grad
    close(emb(make([0, 1], dtype="int64")), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    close(emb.weight[0], [0.6, 0.8], rtol=1e-6)  # renormalized in place
    raises(AssertionError, "Embeddings parameter is expected to be 2-dimensional",
           lambda: nn.Embedding.from_pretrained(make(np.ones(3))))
    raises(AssertionError, "Padding_idx must be within num_embeddings", lambda: nn.Embedding(3, 2, padding_idx=3))
    raises(AssertionError, "Shape of weight does not match num_embeddings and embedding_dim",
           lambda: nn.Embedding(3, 2, _weight=make(np.ones((2, 2)))))


def test_embedding_initialisation():
    torch.manual_seed(0)
    w = nn.Embedding(200, 20).weight.detach().numpy()
    assert abs(w.mean()) < 0.05 and 0.95 < w.std() < 1.05


# ---- losses --------------------------------------------------------------------------------------------

RNG = np.random.default_rng(11)
XL = values((4, 5), seed=1) / 2
TL = RNG.uniform(0.05, 0.95, (4, 5))
PL = RNG.uniform(0.05, 0.95, (4, 5))
IDX = np.array([1, 0, 4, 2])
WC = np.array([1.0, 2.0, 0.5, 1.5, 3.0])


def _red(v, reduction):
    return {"none": v, "mean": v.mean(), "sum": v.sum()}[reduction]


def _log_softmax(x):
    return x - np.log(np.exp(x).sum(1, keepdims=True))


def _ce(x, t, w, ignore, smoothing, reduction):
    logp = _log_softmax(x)
    keep = t != ignore
    ts = np.where(keep, t, 0)
    wt = w[ts] * keep
    nll = -logp[np.arange(len(t)), ts] * wt
    smooth = -(logp * w).sum(1) * keep
    if reduction == "mean":
        return (1 - smoothing) * nll.sum() / wt.sum() + smoothing / x.shape[1] * smooth.sum() / wt.sum()
    return _red((1 - smoothing) * nll + smoothing / x.shape[1] * smooth, reduction)


def _batchmean(reduction):
    return "batchmean" if reduction == "mean" else reduction


def _kl_red(v, reduction):
    return v.sum() / v.shape[0] if reduction == "mean" else _red(v, reduction)


def _huber(d, delta):
    return np.where(np.abs(d) < delta, 0.5 * d ** 2, delta * (np.abs(d) - 0.5 * delta))


# name: (module, input, target, reference of (reduction))
LOSSES = {
    "MSELoss": (lambda r: nn.MSELoss(reduction=r), XL, TL, lambda r: _red((XL - TL) ** 2, r)),
    "L1Loss": (lambda r: nn.L1Loss(reduction=r), XL, TL, lambda r: _red(np.abs(XL - TL), r)),
    "SmoothL1Loss": (lambda r: nn.SmoothL1Loss(reduction=r, beta=0.5), XL, TL,
                     lambda r: _red(_huber(XL - TL, 0.5) / 0.5, r)),
    "HuberLoss": (lambda r: nn.HuberLoss(reduction=r, delta=0.5), XL, TL, lambda r: _red(_huber(XL - TL, 0.5), r)),
    "BCELoss": (lambda r: nn.BCELoss(weight=make(WC, dtype="float32"), reduction=r), PL, TL,
                lambda r: _red(-WC * (TL * np.log(PL) + (1 - TL) * np.log(1 - PL)), r)),
    "BCEWithLogitsLoss": (lambda r: nn.BCEWithLogitsLoss(reduction=r, pos_weight=make(WC, dtype="float32")), XL, TL,
                          lambda r: _red(-(WC * TL * np.log(_sig(XL)) + (1 - TL) * np.log(1 - _sig(XL))), r)),
    # 'mean' stands for 'batchmean' here (plain 'mean' warns that it will change)
    "KLDivLoss": (lambda r: nn.KLDivLoss(reduction=_batchmean(r)), np.log(PL), TL,
                  lambda r: _kl_red(TL * (np.log(TL) - np.log(PL)), r)),
    "KLDivLoss_log_target": (lambda r: nn.KLDivLoss(reduction=_batchmean(r), log_target=True), np.log(PL),
                             np.log(TL), lambda r: _kl_red(TL * (np.log(TL) - np.log(PL)), r)),
    "NLLLoss": (lambda r: nn.NLLLoss(weight=make(WC, dtype="float32"), reduction=r, ignore_index=0),
                _log_softmax(XL), IDX, lambda r: _ce(XL, IDX, WC, 0, 0.0, r)),
    "CrossEntropyLoss": (lambda r: nn.CrossEntropyLoss(weight=make(WC, dtype="float32"), reduction=r), XL, IDX,
                         lambda r: _ce(XL, IDX, WC, -100, 0.0, r)),
    "CrossEntropyLoss_smoothing": (lambda r: nn.CrossEntropyLoss(reduction=r, label_smoothing=0.2, ignore_index=4),
                                   XL, IDX, lambda r: _ce(XL, IDX, np.ones(5), 4, 0.2, r)),
}


# wgpu: one reduction per loss (keeps the file fast)
@pytest.mark.parametrize("name,reduction,device",
                         [(n, r, "cpu") for n in sorted(LOSSES) for r in ("none", "mean", "sum")]
                         + [(n, "mean", "wgpu") for n in sorted(LOSSES)])
def test_loss_module_forward(name, reduction, device):
    ctor, x, t, ref = LOSSES[name]
    m = build(lambda: ctor(reduction), on(device))
    target = make(t, device, "int64" if t.dtype.kind == "i" else "float32")
    close(m(make(x, device, "float32"), target), ref(reduction), "float32", rtol=1e-5, atol=1e-6)


def test_loss_buffers_state_dict_and_legacy_arguments():
    w = make(WC, dtype="float32")
    assert list(nn.CrossEntropyLoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert list(nn.BCEWithLogitsLoss(pos_weight=w).state_dict()) == ["pos_weight"]
    assert list(nn.BCEWithLogitsLoss(weight=w, pos_weight=w).state_dict()) == ["weight", "pos_weight"]
    loss = nn.NLLLoss(weight=w).double()
    assert loss.weight.dtype == torch.float64  # a buffer: it follows the module's conversions
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use "
                                         "reduction='sum' instead."):
        m = nn.MSELoss(size_average=False)
    assert m.reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.CrossEntropyLoss(reduce=False).reduction == "none"
    raises(ValueError, "bad is not a valid value for reduction",
           lambda: nn.L1Loss(reduction="bad")(make(XL), make(TL)))
    raises(TypeError, "delta must be a float or int, got: <class 'str'>", lambda: nn.HuberLoss(delta="1"))


def test_cross_entropy_module_gradient():
    m = nn.CrossEntropyLoss(weight=make(WC), label_smoothing=0.1)
    assert torch.autograd.gradcheck(lambda x: m(x, make(IDX, dtype="int64")), (make(XL).requires_grad_(),))


# ---- state dicts, reprs and constructor errors ----------------------------------------------------------

def test_state_dict_keys():
    assert list(nn.BatchNorm1d(3).state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                                    "num_batches_tracked"]
    assert list(nn.BatchNorm2d(3, affine=False).state_dict()) == ["running_mean", "running_var",
                                                                  "num_batches_tracked"]
    assert list(nn.InstanceNorm1d(3).state_dict()) == []
    assert list(nn.InstanceNorm2d(3, affine=True, track_running_stats=True).state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert list(nn.LayerNorm(3, bias=False).state_dict()) == ["weight"]
    assert list(nn.GroupNorm(1, 3).state_dict()) == ["weight", "bias"]
    assert list(nn.RMSNorm([2, 3]).state_dict()) == ["weight"]
    assert list(nn.Embedding(3, 2).state_dict()) == ["weight"]
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Dropout(), nn.LayerNorm(3))
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                      "1.num_batches_tracked", "4.weight", "4.bias"]
    bn = nn.BatchNorm1d(3)
    assert bn.num_batches_tracked.dtype == torch.int64 and bn.num_batches_tracked.dim() == 0


def test_batch_norm_state_dict_round_trip():
    a = nn.BatchNorm1d(2)
    a(make(values((4, 2), seed=1), dtype="float32"))
    b = nn.BatchNorm1d(2)
    b.load_state_dict(a.state_dict())
    close(b.running_mean, a.running_mean.numpy(), "float32")
    assert b.num_batches_tracked.item() == 1
    old = a.state_dict()
    del old["num_batches_tracked"]
    old._metadata[""]["version"] = 1  # a checkpoint from before num_batches_tracked: it is filled in
    c = nn.BatchNorm1d(2)
    c.load_state_dict(old)
    close(c.running_var, a.running_var.numpy(), "float32")


REPRS = [
    (lambda: nn.ReLU(), "ReLU()"),
    (lambda: nn.ReLU(inplace=True), "ReLU(inplace=True)"),
    (lambda: nn.ReLU6(), "ReLU6()"),
    (lambda: nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
    (lambda: nn.LeakyReLU(0.2, True), "LeakyReLU(negative_slope=0.2, inplace=True)"),
    (lambda: nn.ELU(), "ELU(alpha=1.0)"),
    (lambda: nn.CELU(0.5, inplace=True), "CELU(alpha=0.5, inplace=True)"),
    (lambda: nn.SELU(), "SELU()"),
    (lambda: nn.GELU(), "GELU(approximate='none')"),
    (lambda: nn.SiLU(), "SiLU()"),
    (lambda: nn.Mish(), "Mish()"),
    (lambda: nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
    (lambda: nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"),
    (lambda: nn.Hardswish(inplace=True), "Hardswish()"),
    (lambda: nn.Hardsigmoid(), "Hardsigmoid()"),
    (lambda: nn.LogSigmoid(), "LogSigmoid()"),
    (lambda: nn.Sigmoid(), "Sigmoid()"),
    (lambda: nn.Tanh(), "Tanh()"),
    (lambda: nn.GLU(), "GLU(dim=-1)"),
    (lambda: nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
    (lambda: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda: nn.Softmin(), "Softmin(dim=None)"),
    (lambda: nn.LogSoftmax(-1), "LogSoftmax(dim=-1)"),
    (lambda: nn.BatchNorm1d(3), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                                "track_running_stats=True)"),
    (lambda: nn.BatchNorm2d(4, momentum=None, affine=False), "BatchNorm2d(4, eps=1e-05, momentum=None, "
                                                             "affine=False, bias=False, track_running_stats=True)"),
    (lambda: nn.InstanceNorm1d(3), "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
                                   "track_running_stats=False)"),
    (lambda: nn.LayerNorm(4), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"),
    (lambda: nn.LayerNorm([2, 3], elementwise_affine=False), "LayerNorm((2, 3), eps=1e-05, "
                                                            "elementwise_affine=False, bias=False)"),
    (lambda: nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"),
    (lambda: nn.RMSNorm(4), "RMSNorm((4,), eps=None, elementwise_affine=True)"),
    (lambda: nn.Dropout(), "Dropout(p=0.5, inplace=False)"),
    (lambda: nn.Dropout1d(0.2, inplace=True), "Dropout1d(p=0.2, inplace=True)"),
    (lambda: nn.Dropout2d(), "Dropout2d(p=0.5, inplace=False)"),
    (lambda: nn.Embedding(10, 3), "Embedding(10, 3)"),
    (lambda: nn.Embedding(10, 3, padding_idx=0, max_norm=1.0, scale_grad_by_freq=True),
     "Embedding(10, 3, padding_idx=0, max_norm=1.0, scale_grad_by_freq=True)"),
    (lambda: nn.CrossEntropyLoss(), "CrossEntropyLoss()"),
    (lambda: nn.BCEWithLogitsLoss(), "BCEWithLogitsLoss()"),
    (lambda: nn.MSELoss(), "MSELoss()"),
    (lambda: nn.KLDivLoss(), "KLDivLoss()"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.GELU()),
     "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): BatchNorm1d(3, eps=1e-05, "
     "momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  (2): GELU(approximate='none')\n)"),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_repr(i):
    ctor, text = REPRS[i]
    assert repr(ctor()) == text


def test_initial_values():
    bn = nn.BatchNorm1d(3)
    close(bn.weight, np.ones(3), "float32")
    close(bn.bias, np.zeros(3), "float32")
    close(bn.running_var, np.ones(3), "float32")
    ln = nn.LayerNorm((2, 3))
    assert tuple(ln.weight.shape) == (2, 3)
    close(ln.weight, np.ones((2, 3)), "float32")
    assert all(p.requires_grad for p in ln.parameters())
    assert not bn.running_mean.requires_grad


def test_constructor_errors():
    raises(TypeError, "dim must be an int or None, got <class 'str'>", lambda: nn.Softmax("1"))
    raises(AssertionError, "max_val (1.0) must be greater than min_val (2.0)", lambda: nn.Hardtanh(2.0, 1.0))
    raises(ValueError, "num_channels (5) must be divisible by num_groups (2)", lambda: nn.GroupNorm(2, 5))
    with pytest.warns(FutureWarning, match="keyword argument `min_value` is deprecated and renamed to `min_val`"):
        assert nn.Hardtanh(min_value=-2.0).min_val == -2.0


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", ["activation", "normalization", "dropout", "sparse", "loss", "transformer", "rnn"])
def test_docstring_examples(name):
    import rustorch

    mod = importlib.import_module("rustorch.nn." + name)
    result = doctest.testmod(mod, extraglobs={"rustorch": rustorch, "np": np}, optionflags=doctest.ELLIPSIS,
                             report=True, verbose=False)
    assert result.failed == 0 and result.attempted > 0
