"""``nn.functional`` losses: every reduction, against numpy references on cpu and wgpu; float64 gradcheck of
the input's and the target's gradients; PyTorch's grad_fn names, errors and warnings. Runs against PyTorch
too (RUSTORCH_TEST_AGAINST=torch)."""
import math
import re

import numpy as np
import pytest

from _backend import torch
from test_nn_functional import DEVICES, F, NAME, close, gradcheck, make, on, raises, values

REDUCTIONS = ("none", "mean", "sum")
RNG = np.random.default_rng(11)
X = values((4, 5), seed=1) / 2          # logits / predictions
T = RNG.uniform(0.05, 0.95, (4, 5))     # regression and probability targets
P = RNG.uniform(0.05, 0.95, (4, 5))     # probabilities
W5 = np.array([1.0, 0.5, 2.0, 1.5, 0.25])  # per-class weights
IDX = np.array([1, 0, 4, 2])


def reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def np_log_softmax(x, dim):
    m = np.max(x, axis=dim, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True))


def np_nll(x, t, reduction, w=None, ignore=-100):
    t = np.asarray(t)
    if x.ndim == 1:
        x, out_shape = x[None], ()
    else:
        out_shape = t.shape
    classes = x.shape[1]
    rows, tr = np.moveaxis(x, 1, -1).reshape(-1, classes), t.reshape(-1)
    valid = tr != ignore
    safe = np.where(valid, tr, 0)
    wt = (np.ones(len(tr)) if w is None else w[safe]) * valid
    loss = -rows[np.arange(len(tr)), safe] * wt
    if reduction == "none":
        return loss.reshape(out_shape)
    return loss.sum() if reduction == "sum" else loss.sum() / wt.sum()


def np_cross_entropy(x, t, reduction, w=None, ignore=-100, smoothing=0.0):
    dim = 0 if x.ndim == 1 else 1
    logp = np_log_softmax(x, dim)
    classes = x.shape[dim]
    wshape = [1] * x.ndim
    wshape[dim] = classes
    wb = 1.0 if w is None else w.reshape(wshape)
    if np.asarray(t).dtype.kind == "f":  # class probabilities
        t = t * (1 - smoothing) + smoothing / classes
        loss = -(logp * t * wb).sum(dim)
        return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.sum() / (x.size / classes)
    nll = np_nll(logp, t, reduction, w, ignore)
    ignored = np.asarray(t) == ignore
    smooth = np.where(ignored, 0.0, -(logp * wb).sum(dim))
    if reduction == "mean":
        kept = np.asarray(t)[~ignored]
        smooth = smooth.sum() / (w[kept].sum() if w is not None else (~ignored).sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - smoothing) * nll + smooth * (smoothing / classes)


def np_bce(p, t, w=None):
    loss = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log1p(-p), -100))
    return loss if w is None else loss * w


def np_bce_logits(x, t, w=None, pw=None):
    log_weight = 1 if pw is None else (pw - 1) * t + 1
    loss = (1 - t) * x + log_weight * np.logaddexp(0, -x)
    return loss if w is None else loss * w


def _huber(d, delta):
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


def _smooth_l1(d, beta):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def _kl(x, t, red):
    loss = np.where(t == 0, 0.0, t * np.log(np.where(t == 0, 1.0, t))) - t * x
    return loss.sum() / x.shape[0] if red == "batchmean" else reduce(loss, red)


def _idx(device):
    return torch.from_numpy(IDX).to(device)


def _dt(x):
    return str(x.dtype).split(".")[-1]


# name: (arrays (the differentiable ones first), number of differentiable arrays, call(t, *tensors, reduction),
#        numpy reference(*arrays, reduction), grad_fn name for reduction 'mean')
LOSSES = {
    "cross_entropy": ((X,), 1, lambda d, x, r: F.cross_entropy(x, _idx(d), reduction=r),
                      lambda x, r: np_cross_entropy(x, IDX, r), "NllLossBackward0"),
    "cross_entropy_weight_ignore": ((X,), 1, lambda d, x, r: F.cross_entropy(
        x, torch.tensor([1, -1, 4, 2], device=d), weight=make(W5, d, _dt(x)),
        ignore_index=-1, reduction=r), lambda x, r: np_cross_entropy(x, np.array([1, -1, 4, 2]), r, W5, -1),
        "NllLossBackward0"),
    "cross_entropy_smoothing": ((X,), 1, lambda d, x, r: F.cross_entropy(
        x, torch.tensor([1, 3, -100, 2], device=d), label_smoothing=0.2, reduction=r),
        lambda x, r: np_cross_entropy(x, np.array([1, 3, -100, 2]), r, smoothing=0.2), "AddBackward0"),
    "cross_entropy_probs": ((X, P), 1, lambda d, x, p, r: F.cross_entropy(x, p, reduction=r),
                            lambda x, p, r: np_cross_entropy(x, p, r), None),
    "cross_entropy_probs_smoothing": ((X, P), 1, lambda d, x, p, r: F.cross_entropy(
        x, p, weight=make(W5, d, _dt(x)), label_smoothing=0.3, reduction=r),
        lambda x, p, r: np_cross_entropy(x, p, r, W5, smoothing=0.3), None),
    "nll_loss": ((X,), 1, lambda d, x, r: F.nll_loss(x, _idx(d), reduction=r), lambda x, r: np_nll(x, IDX, r),
                 "NllLossBackward0"),
    "mse_loss": ((X, T), 2, lambda d, x, t, r: F.mse_loss(x, t, reduction=r),
                 lambda x, t, r: reduce((x - t) ** 2, r), "MseLossBackward0"),
    "l1_loss": ((X, T), 2, lambda d, x, t, r: F.l1_loss(x, t, reduction=r),
                lambda x, t, r: reduce(np.abs(x - t), r), "MeanBackward0"),
    "smooth_l1_loss": ((X, T), 2, lambda d, x, t, r: F.smooth_l1_loss(x, t, reduction=r, beta=0.6),
                       lambda x, t, r: reduce(_smooth_l1(x - t, 0.6), r), "SmoothL1LossBackward0"),
    "huber_loss": ((X, T), 2, lambda d, x, t, r: F.huber_loss(x, t, reduction=r, delta=0.7),
                   lambda x, t, r: reduce(_huber(x - t, 0.7), r), "HuberLossBackward0"),
    "binary_cross_entropy": ((P, T), 2, lambda d, p, t, r: F.binary_cross_entropy(p, t, reduction=r),
                             lambda p, t, r: reduce(np_bce(p, t), r), "BinaryCrossEntropyBackward0"),
    "binary_cross_entropy_weight": ((P, T, W5), 2, lambda d, p, t, w, r: F.binary_cross_entropy(p, t, w, reduction=r),
                                    lambda p, t, w, r: reduce(np_bce(p, t, w), r), "BinaryCrossEntropyBackward0"),
    "bce_with_logits": ((X, T), 2, lambda d, x, t, r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
                        lambda x, t, r: reduce(np_bce_logits(x, t), r), "BinaryCrossEntropyWithLogitsBackward0"),
    "bce_with_logits_weights": ((X, T, W5, T[:, :1]), 2, lambda d, x, t, pw, w, r: F.binary_cross_entropy_with_logits(
        x, t, weight=w, pos_weight=pw, reduction=r), lambda x, t, pw, w, r: reduce(np_bce_logits(x, t, w, pw), r),
        "BinaryCrossEntropyWithLogitsBackward0"),
    "kl_div": ((X, P), 2, lambda d, x, t, r: F.kl_div(x, t, reduction=r if r != "mean" else "batchmean"),
               lambda x, t, r: _kl(x, t, r if r != "mean" else "batchmean"), "DivBackward0"),
    "kl_div_log_target": ((X, np.log(P)), 2, lambda d, x, t, r: F.kl_div(x, t, reduction=r if r != "mean" else "sum",
                                                                          log_target=True),
                          lambda x, t, r: reduce(np.exp(t) * (t - x), r if r != "mean" else "sum"), "SumBackward0"),
}


def _tensors(name, device, dtype):
    return [make(a, device, dtype) for a in LOSSES[name][0]]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_loss_forward(name, reduction, device):
    arrays, _, call, ref, _ = LOSSES[name]
    got = call(on(device), *_tensors(name, device, "float32"), reduction)
    close(got, ref(*arrays, reduction), "float32", rtol=1e-5, atol=1e-6)
    assert got.device.type == device


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradcheck(name, reduction):
    arrays, n, call, _, node = LOSSES[name]
    rest = _tensors(name, "cpu", "float64")[n:]
    gradcheck(lambda *ts: call("cpu", *ts, *rest, reduction), *arrays[:n])
    if reduction == "mean" and node is not None:
        leaves = [make(a).requires_grad_() for a in arrays[:n]]
        assert type(call("cpu", *leaves, *rest, reduction).grad_fn).__name__ == node


@pytest.mark.parametrize("name", ["cross_entropy", "cross_entropy_smoothing", "mse_loss", "bce_with_logits_weights",
                                  "binary_cross_entropy", "kl_div"])
def test_loss_gradcheck_wgpu(name):
    arrays, n, call, _, _ = LOSSES[name]
    device = on("wgpu")
    rest = _tensors(name, device, "float64")[n:]
    gradcheck(lambda *ts: call(device, *ts, *rest, "mean"), *arrays[:n], device=device)


SECOND = {
    "cross_entropy": lambda x: F.cross_entropy(x, torch.tensor([1, 2]), label_smoothing=0.1),
    "nll_loss": lambda x: F.nll_loss(x, torch.tensor([1, 2]), weight=make([1.0, 2.0, 0.5])),
    "mse_loss": lambda x: F.mse_loss(x, make(T[:2, :3]), reduction="sum"),
    "bce_with_logits": lambda x: F.binary_cross_entropy_with_logits(x, make(T[:2, :3]), pos_weight=make(W5[:3])),
    "huber_loss": lambda x: F.huber_loss(x, make(T[:2, :3]), delta=0.7),
    "binary_cross_entropy": lambda x: F.binary_cross_entropy(x.sigmoid(), make(T[:2, :3])),
}


@pytest.mark.parametrize("name", SECOND)
def test_loss_second_derivatives(name):
    assert torch.autograd.gradgradcheck(SECOND[name], (make(X[:2, :3]).requires_grad_(),))


def test_cross_entropy_non_contiguous_and_nd_inputs():
    x = values((5, 4), seed=2) / 2
    close(F.cross_entropy(make(x).t(), torch.from_numpy(IDX[:4] % 5)), np_cross_entropy(x.T, IDX[:4] % 5, "mean"))
    x4 = values((2, 3, 4, 5), seed=3) / 2
    t4 = np.random.default_rng(1).integers(0, 3, (2, 4, 5))
    t4[0, 1, 2] = -100
    for r in REDUCTIONS:
        close(F.cross_entropy(make(x4), torch.from_numpy(t4), reduction=r), np_cross_entropy(x4, t4, r))
    x3, t3 = x4[:, :, :, 0], t4[:, :, 0]
    close(F.nll_loss(make(x3), torch.from_numpy(t3), reduction="none"), np_nll(x3, t3, "none"))
    y = F.cross_entropy(make(x4).requires_grad_(), torch.from_numpy(t4))
    assert type(y.grad_fn).__name__ == "NllLoss2DBackward0"
    gradcheck(lambda a: F.cross_entropy(a, torch.from_numpy(t4[:1, :2, :2]), label_smoothing=0.1), x4[:1, :, :2, :2])
    gradcheck(lambda a: F.cross_entropy(a, torch.from_numpy(t4[:1, :2, :2]), weight=make([1.0, 2.0, 0.5]),
                                        reduction="sum"), x4[:1, :, :2, :2])


def test_cross_entropy_unbatched_and_empty():
    x = X[0]
    for r in REDUCTIONS:
        close(F.cross_entropy(make(x), torch.tensor(3), reduction=r), np_cross_entropy(x, np.array(3), r))
    assert F.cross_entropy(make(x), torch.tensor(3), reduction="none").shape == ()
    close(F.nll_loss(make(x), torch.tensor([3])), -x[3])
    empty, none = make(np.zeros((0, 3))), torch.zeros(0, dtype=torch.int64)
    close(F.cross_entropy(empty, none), math.nan)
    close(F.cross_entropy(empty, none, reduction="sum"), 0.0)
    assert F.cross_entropy(empty, none, reduction="none").shape == (0,)
    close(F.cross_entropy(empty, make(np.zeros((0, 3)))), math.nan)
    close(F.cross_entropy(make(X), torch.full((4,), -100)), math.nan)  # every target ignored: 0 / 0


def test_cross_entropy_and_nll_errors():
    x, t = make(X), _idx("cpu")
    raises(IndexError, "Target 5 is out of bounds.", lambda: F.cross_entropy(x, torch.tensor([1, 0, 5, 2])))
    raises(IndexError, "Target -1 is out of bounds.", lambda: F.nll_loss(x, torch.tensor([1, 0, -1, 2])))
    raises(IndexError, "Target 7 is out of bounds.", lambda: F.nll_loss(x, torch.tensor([1, 7, 0, 2]),
                                                                         weight=make(W5)))
    raises(IndexError, "Target 0 is out of bounds.", lambda: F.cross_entropy(make(np.zeros((3, 0))),
                                                                              torch.zeros(3, dtype=torch.int64)))
    raises(ValueError, "Expected input batch_size (4) to match target batch_size (3).",
           lambda: F.cross_entropy(x, t[:3]))
    raises(ValueError, "Expected input batch_size (4) to match target batch_size (0).",
           lambda: F.nll_loss(x, torch.tensor(1)))
    raises(RuntimeError, "expected target dtype to be Long or Byte, but got Float",
           lambda: F.cross_entropy(x, t.float()))
    raises(RuntimeError, "expected target dtype to be Long or Byte, but got Int",
           lambda: F.nll_loss(x, t.to(torch.int32)))
    raises(RuntimeError, "weight tensor should be defined either for all 5 classes or no classes but got weight "
           "tensor of shape: [4]", lambda: F.cross_entropy(x, t, weight=make(W5[:4])))
    raises(RuntimeError, "cross_entropy: weight tensor should be defined either for all 5 classes or no classes but "
           "got weight tensor of shape: [4]", lambda: F.cross_entropy(x, make(P), weight=make(W5[:4])))
    raises(RuntimeError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
           lambda: F.cross_entropy(x, t, label_smoothing=1.5))
    raises(RuntimeError, "Expected floating point type for target with class probabilities, got Long",
           lambda: F.cross_entropy(x, t.reshape(4, 1).expand(4, 5)))
    raises(RuntimeError, "ignore_index is not supported for floating point target",
           lambda: F.cross_entropy(x, make(P), ignore_index=1))
    raises(ValueError, "Expected 1 or more dimensions (got 0)", lambda: F.nll_loss(make(1.0), torch.tensor(0)))
    raises(ValueError, "For 1D input, 1D target must have size 1, but got target size: 2",
           lambda: F.nll_loss(make(X[0]), torch.tensor([0, 1])))
    raises(RuntimeError, "0D or 1D target tensor expected, multi-target not supported",
           lambda: F.nll_loss(x, t.reshape(4, 1).expand(4, 2)))
    x4 = make(np.zeros((2, 3, 4, 5)))
    raises(RuntimeError, "size mismatch (got input: [2, 3, 4, 5] , target: [2, 4, 4]",
           lambda: F.cross_entropy(x4, torch.zeros(2, 4, 4, dtype=torch.int64)))
    raises(RuntimeError, "Expected target size [2, 4], got [2, 5]",
           lambda: F.cross_entropy(x4[..., 0], torch.zeros(2, 5, dtype=torch.int64)))
    raises(NotImplementedError, '"nll_loss_out_frame" not implemented for \'Long\'', lambda: F.nll_loss(t.reshape(2, 2),
                                                                                                       t[:2]))
    w = make(W5).requires_grad_()
    raises(RuntimeError, "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
           "This input cannot have requires_grad True.", lambda: F.cross_entropy(x, t, weight=w))
    raises(RuntimeError, "expected scalar type Double but found Float",
           lambda: F.cross_entropy(x, t, weight=make(W5, dtype="float32")))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss, F.mse_loss, F.l1_loss, F.binary_cross_entropy,
                                F.binary_cross_entropy_with_logits, F.smooth_l1_loss, F.huber_loss],
                         ids=lambda f: f.__name__)
def test_invalid_reduction(fn):
    target = _idx("cpu") if fn in (F.cross_entropy, F.nll_loss) else make(T)
    raises(ValueError, "bogus is not a valid value for reduction", lambda: fn(make(P), target, reduction="bogus"))


def test_legacy_reduction_arguments_warn():
    x, t = make(X), make(T)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use "
                                         "reduction='sum' instead."):
        close(F.mse_loss(x, t, size_average=False), ((X - T) ** 2).sum())
    with pytest.warns(UserWarning, match="reduction='none' instead"):
        close(F.cross_entropy(x, _idx("cpu"), reduce=False), np_cross_entropy(X, IDX, "none"))


def test_regression_losses_broadcast_weights_and_errors():
    x, t = make(X), make(T[:, :1])
    msg = (f"Using a target size ({NAME}.Size([4, 1])) that is different to the input size ({NAME}.Size([4, 5])). "
           "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.")
    for fn, ref in ((F.mse_loss, lambda d: d * d), (F.l1_loss, np.abs), (F.huber_loss, lambda d: _huber(d, 1.0)),
                    (F.smooth_l1_loss, lambda d: _smooth_l1(d, 1.0))):
        with pytest.warns(UserWarning, match=re.escape(msg)):
            close(fn(x, t), ref(X - T[:, :1]).mean())
    with pytest.warns(UserWarning):
        raises(RuntimeError, "The size of tensor a (5) must match the size of tensor b (3) at non-singleton dimension 1",
               lambda: F.mse_loss(x, make(T[:, :3])))
    with pytest.warns(UserWarning):  # a broadcast target gets the gradient summed back to its shape
        gradcheck(lambda a, b: F.mse_loss(a, b, reduction="sum"), X[:2, :3], T[:2, :1])
    w = make(P)
    close(F.mse_loss(x, make(T), weight=w), ((X - T) ** 2 * P).sum() / P.sum())
    close(F.l1_loss(x, make(T), weight=w, reduction="sum"), (np.abs(X - T) * P).sum())
    close(F.huber_loss(x, make(T), delta=0.5, weight=w), (_huber(X - T, 0.5) * P).mean())
    for fn in (F.mse_loss, F.l1_loss, F.huber_loss):
        raises(ValueError, "Weights and input must have the same size.", lambda: fn(x, make(T), weight=make(P[0])))
    close(F.smooth_l1_loss(x, make(T), beta=0.0), np.abs(X - T).mean())
    raises(RuntimeError, "smooth_l1_loss does not support negative values for beta.",
           lambda: F.smooth_l1_loss(x, make(T), beta=-1.0))
    for delta in (0.0, -1.0):
        raises(RuntimeError, "huber_loss does not support non-positive values for delta.",
               lambda: F.huber_loss(x, make(T), delta=delta))
    i = torch.tensor([1, 2])
    raises(NotImplementedError, '"mse_cpu" not implemented for \'Long\'', lambda: F.mse_loss(i, i))
    raises(NotImplementedError, '"huber_cpu" not implemented for \'Long\'', lambda: F.huber_loss(i, i))
    close(F.mse_loss(i, make([1.0, 4.0], dtype="float32")), 2.0, "float32")
    close(F.mse_loss(make(np.zeros(0)), make(np.zeros(0))), math.nan)


def test_binary_cross_entropy_edges_and_errors():
    p, t = make(P), make(T)
    close(F.binary_cross_entropy(make([0.0, 1.0, 0.0]), make([1.0, 0.0, 0.0]), reduction="none"),
          [100.0, 100.0, 0.0])
    close(F.binary_cross_entropy(p, t, weight=make(W5), reduction="sum"), (np_bce(P, T) * W5).sum())
    raises(ValueError, f"Using a target size ({NAME}.Size([4, 4])) that is different to the input size "
           f"({NAME}.Size([4, 5])) is deprecated. Please ensure they have the same size.",
           lambda: F.binary_cross_entropy(p, make(T[:, :4])))
    raises(RuntimeError, "all elements of input should be between 0 and 1",
           lambda: F.binary_cross_entropy(p * 2, t))
    raises(RuntimeError, "Found dtype Float but expected Double", lambda: F.binary_cross_entropy(p, t.float()))
    raises(RuntimeError, "The function 'binary_cross_entropy' is not differentiable with respect to argument "
           "'weight'. This input cannot have requires_grad True.",
           lambda: F.binary_cross_entropy(p, t, weight=make(W5).requires_grad_()))


def test_bce_with_logits_edges_and_errors():
    x = make([-200.0, 200.0, 0.0, 30.0])
    close(F.binary_cross_entropy_with_logits(x, make([1.0, 0.0, 1.0, 1.0]), reduction="none"),
          [200.0, 200.0, math.log(2), math.log1p(math.exp(-30))])
    raises(ValueError, f"Target size ({NAME}.Size([4, 4])) must be the same as input size ({NAME}.Size([4, 5]))",
           lambda: F.binary_cross_entropy_with_logits(make(X), make(T[:, :4])))
    raises(RuntimeError, "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1",
           lambda: F.binary_cross_entropy_with_logits(make(X), make(T), pos_weight=make(W5[:4])))
    for arg in ("weight", "pos_weight"):
        raises(RuntimeError, f"The function 'binary_cross_entropy_with_logits' is not differentiable with respect to "
               f"argument '{arg}'. This input cannot have requires_grad True.",
               lambda: F.binary_cross_entropy_with_logits(make(X), make(T), **{arg: make(W5).requires_grad_()}))
    raises(RuntimeError, "result type Float can't be cast to the desired output type Long",
           lambda: F.binary_cross_entropy_with_logits(make(X, dtype="float32"), torch.ones(4, 5, dtype=torch.int64)))


def test_kl_div_reductions_and_warning():
    x, t = make(X), make(P)
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size and the "
                                         "support size."):
        close(F.kl_div(x, t), _kl(X, P, "mean"))
    close(F.kl_div(x, t, reduction="batchmean"), _kl(X, P, "batchmean"))
    close(F.kl_div(x[0, 0], t[0, 0], reduction="batchmean"), _kl(X[0, 0], P[0, 0], "sum"))
    zeros = np.array([0.0, 0.5, 0.5])
    close(F.kl_div(make(np.log([0.2, 0.3, 0.5])), make(zeros), reduction="none"),
          np.where(zeros == 0, 0.0, zeros * (np.log(np.where(zeros == 0, 1, zeros)) - np.log([0.2, 0.3, 0.5]))))
    raises(ValueError, "bogus is not a valid value for reduction", lambda: F.kl_div(x, t, reduction="bogus"))
    assert type(F.kl_div(x.requires_grad_(), t, reduction="none").grad_fn).__name__ == "SubBackward0"


def test_hot_losses_on_wgpu_match_cpu_gradients():
    device = on("wgpu")
    for name in ("cross_entropy", "nll_loss", "mse_loss", "bce_with_logits"):
        arrays, n, call, _, _ = LOSSES[name]
        grads = []
        for d in ("cpu", device):
            leaves = [make(a, d, "float32").requires_grad_() for a in arrays[:n]]
            call(d, *leaves, *_tensors(name, d, "float32")[n:], "mean").backward()
            grads.append([leaf.grad.cpu().numpy() for leaf in leaves])
        for g_cpu, g_gpu in zip(*grads):
            np.testing.assert_allclose(g_gpu, g_cpu, rtol=1e-5, atol=1e-7)
