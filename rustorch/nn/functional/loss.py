"""Loss functions: ``cross_entropy``, ``nll_loss``, ``mse_loss``, ``l1_loss``, ``smooth_l1_loss``,
``huber_loss``, ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``, ``kl_div``.

Every loss takes ``reduction`` ('none' | 'mean' | 'sum'; the deprecated ``size_average``/``reduce`` too).
The losses PyTorch computes in one kernel are one recorded node here, with PyTorch's name and its
derivative written directly (``NllLossBackward0``, ``MseLossBackward0``, ``BinaryCrossEntropyBackward0``...);
the others are compositions of recorded ops, as in PyTorch. ``cross_entropy`` is ``log_softmax`` then
``nll_loss``: two nodes, each with a direct formula."""

from __future__ import annotations

import warnings

import rustorch as R

from ... import _C, _dtype
from ..._tensor import Tensor
from ...autograd.record import recorded
from .activation import log_softmax

__all__ = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]

_T = _dtype.TORCH_NAME


# ---- reduction and argument checks ---------------------------------------------------------------------

def _legacy(size_average, reduce, reduction):
    """The reduction the deprecated ``size_average``/``reduce`` flags mean (with PyTorch's warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                  stacklevel=3)
    return ret


def _check_reduction(reduction):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _size_warning(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


def _not_differentiable(fn, name, t):
    if isinstance(t, Tensor) and t.requires_grad and R.is_grad_enabled():
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. "
                           "This input cannot have requires_grad True.")


def _float_result(kernel, *tensors):
    d = tensors[0].dtype
    for t in tensors[1:]:
        d = R.promote_types(d, t.dtype)
    if not d.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_T[d.name]}'")


def _numel_of_broadcast(a, b):
    """The element count of ``a``'s and ``b``'s broadcast shape (they broadcast: the forward ran)."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    count = 1
    for x, y in zip(sa, sb):
        count *= x if y == 1 else y
    return count


# ---- elementwise losses: one node each, the reduction inside -------------------------------------------

def _loss_node(name, forward, d_input, d_target):
    """A recorded loss ``reduce(forward(input, target, *params))``: the gradients of input and target are
    ``g * d_input(...)`` and ``g * d_target(...)`` (elementwise; tensor params such as weights get none)."""

    def impl(x, t, reduction, *params):
        return _reduce(forward(x, t, *params), reduction)

    def formula(c, g):
        x, t, reduction = c.saved(0), c.saved(1), c.args[2]
        params = [c.saved(i) if isinstance(a, Tensor) else a for i, a in enumerate(c.args) if i > 2]
        if reduction == "mean":
            g = g / _numel_of_broadcast(x, t)
        needs = c.needs
        res = [g * d_input(x, t, *params) if needs[0] else None]
        if len(needs) > 1:
            res.append(g * d_target(x, t, *params) if needs[1] else None)
        res.extend(None for _ in needs[2:])
        return tuple(res)

    impl.__name__ = name
    return recorded(name, impl, formula, (0, 1, 3, 4))


_mse = _loss_node("MseLossBackward0", lambda x, t: (x - t).square(), lambda x, t: (x - t) * 2,
                  lambda x, t: (x - t) * -2)


def _smooth_l1_forward(x, t, beta):
    d = x - t
    a = d.abs()
    return R.where(a < beta, d * d * (0.5 / beta), a - 0.5 * beta)


def _smooth_l1_grad(x, t, beta):
    d = x - t
    return R.where(d.abs() < beta, d / beta, d.sign())


_smooth_l1 = _loss_node("SmoothL1LossBackward0", _smooth_l1_forward, _smooth_l1_grad,
                        lambda x, t, beta: -_smooth_l1_grad(x, t, beta))


def _huber_forward(x, t, delta):
    d = x - t
    a = d.abs()
    return R.where(a < delta, d * d * 0.5, (a - 0.5 * delta) * delta)


def _huber_grad(x, t, delta):
    d = x - t
    return d.clamp(-delta, delta)


_huber = _loss_node("HuberLossBackward0", _huber_forward, _huber_grad, lambda x, t, delta: -_huber_grad(x, t, delta))


def _weighted(v, w):
    return v if w is None else v * w


def _bce_forward(x, t, w):
    # log clamped at -100 (PyTorch's bound): a probability of exactly 0 or 1 gives a finite loss
    loss = (t - 1) * (-x).log1p().clamp(min=-100) - t * x.log().clamp(min=-100)
    return _weighted(loss, w)


_bce = _loss_node("BinaryCrossEntropyBackward0", _bce_forward,
                  lambda x, t, w: _weighted((x - t) / ((1 - x) * x).clamp(min=1e-12), w),
                  lambda x, t, w: _weighted((-x).log1p() - x.log(), w))


def _softplus_neg(x):
    """``log(1 + exp(-x))`` without overflow."""
    return (-x).clamp(min=0) + (-x.abs()).exp().log1p()


def _bce_logits_forward(x, t, w, pw):
    sp = _softplus_neg(x)
    loss = (1 - t) * x + (sp if pw is None else ((pw - 1) * t + 1) * sp)
    return _weighted(loss, w)


def _bce_logits_input_grad(x, t, w, pw):
    if pw is None:
        return _weighted(x.sigmoid() - t, w)
    return _weighted(((pw - 1) * t + 1) * x.sigmoid() - pw * t, w)


def _bce_logits_target_grad(x, t, w, pw):
    if pw is None:
        return _weighted(-x, w)
    return _weighted((pw - 1) * _softplus_neg(x) - x, w)


_bce_logits = _loss_node("BinaryCrossEntropyWithLogitsBackward0", _bce_logits_forward, _bce_logits_input_grad,
                         _bce_logits_target_grad)


def _weighted_sum_mean(unweighted, weight, reduction):
    """``mse_loss``/``l1_loss`` with weights: the mean is the weighted sum over the sum of the weights."""
    loss = unweighted * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / weight.sum()


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """The squared error ``(input - target) ** 2``, reduced.

    >>> rustorch.nn.functional.mse_loss(rustorch.tensor([1., 2.]), rustorch.tensor([0., 0.]))
    tensor(2.5000)
    """
    _size_warning(input, target)
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    _float_result("mse_cpu", input, target)
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _weighted_sum_mean(_mse(input, target, "none"), weight, reduction)
    return _mse(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """The absolute error ``|input - target|``, reduced.

    >>> rustorch.nn.functional.l1_loss(rustorch.tensor([1., -2.]), rustorch.tensor([0., 0.]), reduction='sum')
    tensor(3.)
    """
    _size_warning(input, target)
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _weighted_sum_mean((input - target).abs(), weight, reduction)
    return _reduce((input - target).abs(), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """``0.5 * d ** 2 / beta`` where ``|d| < beta`` (``d = input - target``), ``|d| - 0.5 * beta`` elsewhere.

    >>> rustorch.nn.functional.smooth_l1_loss(rustorch.tensor([0.5, 3.]), rustorch.tensor([0., 0.]), reduction='none')
    tensor([0.1250, 2.5000])
    """
    _size_warning(input, target)
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _float_result("smooth_l1_cpu", input, target)
    return _smooth_l1(input, target, reduction, float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """``0.5 * d ** 2`` where ``|d| < delta`` (``d = input - target``), ``delta * (|d| - 0.5 * delta)``
    elsewhere.

    >>> rustorch.nn.functional.huber_loss(rustorch.tensor([0.5, 3.]), rustorch.tensor([0., 0.]), delta=2.0, reduction='none')
    tensor([0.1250, 4.0000])
    """
    _size_warning(input, target)
    reduction = _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _float_result("huber_cpu", input, target)
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _reduce(_huber(input, target, "none", float(delta)) * weight, reduction)
    return _huber(input, target, reduction, float(delta))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``-(target * log(input) + (1 - target) * log(1 - input))`` for probabilities ``input`` (each log
    clamped at -100), times ``weight`` when given.

    >>> rustorch.nn.functional.binary_cross_entropy(rustorch.tensor([0.5, 1.]), rustorch.tensor([1., 1.]))
    tensor(0.3466)
    """
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        _not_differentiable("binary_cross_entropy", "weight", weight)
        weight = weight.expand(tuple(target.shape)) if weight.shape != target.shape else weight
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_T[target.dtype.name]} but expected {_T[input.dtype.name]}")
    if input.numel() and not bool(((input >= 0) & (input <= 1)).all()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return _bce(input, target, reduction, weight)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` computed from the logits without overflow;
    ``pos_weight`` weighs the positive term.

    >>> rustorch.nn.functional.binary_cross_entropy_with_logits(rustorch.tensor([-200., 0.]), rustorch.tensor([0., 1.]), reduction='none')
    tensor([0.0000, 0.6931])
    """
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"result type {_T[R.promote_types(input.dtype, target.dtype).name]} can't be cast to the "
                           f"desired output type {_T[target.dtype.name]}")
    _not_differentiable("binary_cross_entropy_with_logits", "weight", weight)
    _not_differentiable("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    _float_result("log_sigmoid_cpu", input, target)
    return _bce_logits(input, target, reduction, weight, pos_weight)


def _xlogy_self(t):
    """``t * log(t)``, 0 where ``t == 0``."""
    zero = t == 0
    return R.where(zero, 0.0, t * R.where(zero, 1.0, t).log())


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """The pointwise KL divergence ``target * (log(target) - input)`` of log-probabilities ``input``
    (``target`` in log space too with ``log_target=True``); ``reduction='batchmean'`` divides the sum by
    the batch size.

    >>> p = rustorch.tensor([[0.5, 0.5]])
    >>> rustorch.nn.functional.kl_div(p.log(), p, reduction='batchmean')
    tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        if reduction != "batchmean":
            reduction = _check_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogy_self(target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() != 0 else total
    return _reduce(loss, reduction)


# ---- negative log likelihood and cross entropy ---------------------------------------------------------

def _nll_forward(x, idx, wt, total, reduction):
    """``x`` (M, C) log-probabilities, ``idx`` (M, 1) the classes (ignored ones as 0), ``wt`` (M,) each
    row's weight (0 where ignored), ``total`` the weights' sum (for 'mean')."""
    loss = x.gather(1, idx).reshape(-1) * wt
    loss.neg_()
    if reduction == "none":
        return loss
    s = loss.sum()
    return s if reduction == "sum" else s / total


def _nll_grad(c, g):
    idx, wt, reduction = c.saved(1), c.saved(2), c.args[4]
    if reduction == "mean":
        g = g / c.saved(3)
    gx = R.zeros(c.extra["in"][0][0], dtype=g.dtype, device=g.device).scatter(1, idx, (-(wt * g)).unsqueeze(1))
    return (gx,) + (None,) * (len(c.needs) - 1)


_nll_node = recorded("NllLossBackward0", _nll_forward, _nll_grad, (1, 2, 3))
_nll2d_node = recorded("NllLoss2DBackward0", _nll_forward, _nll_grad, (1, 2, 3))


def _nll_rows(input, target):
    """``input`` as (M, C) rows, ``target`` as (M,) and the shape of the unreduced loss; PyTorch's checks."""
    ndim = input.dim()
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim != 1:
        tb = target.shape[0] if target.dim() > 0 else 0
        if input.shape[0] != tb:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({tb}).")
    if target.dtype is not R.int64 and target.dtype is not R.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_T[target.dtype.name]}")
    if ndim <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if ndim == 1:
        if target.dim() == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        return input.unsqueeze(0), target.reshape(1), ()
    if ndim == 2:
        return input, target, None
    expected = [input.shape[0]] + list(input.shape[2:])
    if list(target.shape) != expected:
        if ndim == 4:
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    return input.movedim(1, -1).reshape(-1, input.shape[1]), target.reshape(-1), tuple(target.shape)


def _out_of_bounds(t, valid, classes):
    bad = valid & ((t < 0) | (t >= classes))
    if bool(bad.any()):
        raise IndexError(f"Target {t[bad][0].item()} is out of bounds.")


def _nll(input, target, weight, ignore_index, reduction, fn="nll_loss_forward"):
    x, t, out_shape = _nll_rows(input, target)
    if not x.dtype.is_floating_point:
        kernel = "nll_loss_out_frame" if input.dim() <= 2 else "nll_loss2d_forward_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_T[x.dtype.name]}'")
    classes = x.shape[1]
    if weight is not None:
        if weight.dim() != 1 or weight.shape[0] != classes:
            raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
        if weight.dtype is not x.dtype:
            raise RuntimeError(f"expected scalar type {_T[x.dtype.name]} but found {_T[weight.dtype.name]}")
        _not_differentiable(fn, "weight", weight)
    if t.dtype is not R.int64:
        t = t.long()
    valid = t != ignore_index
    safe = t.masked_fill(valid.logical_not(), 0)
    node = _nll_node if input.dim() <= 2 else _nll2d_node
    if x.device.type != "cpu":  # checked on the device, raised at the next synchronisation point
        _C.check_range(safe._c, 0, classes, "nll_loss", "index", "Target {} is out of bounds.")
    try:
        if weight is None:
            wt = valid.to(x.dtype)
        else:
            wt = weight.detach().index_select(0, safe).masked_fill_(valid.logical_not(), 0.0)
        total = wt.sum() if reduction == "mean" else None
        loss = node(x, safe.unsqueeze(1), wt, total, reduction)
    except (IndexError, RuntimeError):
        _out_of_bounds(t, valid, classes)
        raise
    return loss.reshape(out_shape) if out_shape is not None and reduction == "none" else loss


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """The negative log likelihood of class indices ``target`` under log-probabilities ``input``
    ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``: ``-weight[t] * input[n, t]``; 'mean' divides by the total
    weight of the targets that are not ``ignore_index``.

    >>> logp = rustorch.tensor([[-0.1, -2.3], [-1.2, -0.4]])
    >>> rustorch.nn.functional.nll_loss(logp, rustorch.tensor([0, 1]))
    tensor(0.2500)
    """
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    return _nll(input, target, weight, ignore_index, reduction)


def _class_shape(input, class_dim, classes):
    shape = [1] * input.dim()
    shape[class_dim] = classes
    return shape


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, class_dim):
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{_T[target.dtype.name]}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.shape[0] != classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    prod = log_softmax(input, class_dim) * target
    if weight is not None:
        prod = prod * weight.reshape(_class_shape(input, class_dim, classes))
    if reduction == "none":
        return -prod.sum(class_dim)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum() / (input.numel() // classes if classes else 0)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """The cross entropy between ``softmax(input)`` along the class dim (dim 1, or 0 for an unbatched
    ``(C,)`` input) and ``target``: class indices (as ``nll_loss``: ``weight``, ``ignore_index``) or class
    probabilities (the shape of ``input``). ``label_smoothing`` mixes the target with the uniform
    distribution.

    >>> logits = rustorch.tensor([[2., 0.], [0., 0.]])
    >>> rustorch.nn.functional.cross_entropy(logits, rustorch.tensor([0, 1]), reduction='none')
    tensor([0.1269, 0.6931])
    """
    reduction = _check_reduction(_legacy(size_average, reduce, reduction))
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.dim() == 1 else 1
    if input.shape == target.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, class_dim)
    if input.dim() == 0:
        return _nll(input, target, weight, ignore_index, reduction)
    logp = log_softmax(input, class_dim)
    loss = _nll(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return loss
    classes = input.shape[class_dim]
    ignored = target == ignore_index
    if weight is not None:
        smooth = -(logp * weight.reshape(_class_shape(input, class_dim, classes))).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        kept = ignored.logical_not()
        if weight is not None:
            smooth = smooth.sum() / weight.index_select(0, target.masked_select(kept).long()).sum()
        else:
            smooth = smooth.sum() / kept.sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / classes)
