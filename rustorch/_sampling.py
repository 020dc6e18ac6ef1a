"""Sampling from categorical distributions: ``multinomial``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._tensor import Tensor

if TYPE_CHECKING:
    from ._C import Generator
    from ._typing import _bool, _int

__all__ = ["multinomial"]


def multinomial(input: Tensor, num_samples: _int, replacement: _bool = False, *, generator: Generator | None = None,
                out: Tensor | None = None) -> Tensor:
    """multinomial(input, num_samples, replacement=False, *, generator=None) -> LongTensor

    Indices drawn from the categorical distribution(s) given by the rows of ``input`` (non-negative
    weights, not necessarily normalised). With replacement each draw is an inverse-CDF lookup of a
    uniform number in the row's cumulative sum; without, the rows' ``num_samples`` largest Gumbel-perturbed
    log-weights (the same distribution as drawing one by one and removing each draw).

    >>> rustorch.multinomial(rustorch.tensor([0., 1., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    from . import _random
    from ._dtype import int64
    from ._sort import searchsorted

    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        from ._dtype import TORCH_NAME

        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{TORCH_NAME[input.dtype.name]}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n = input.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    w = input.detach().reshape(-1, n).double()
    if not bool((w.isfinite() & (w >= 0)).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    total = w.sum(1, keepdim=True)
    if bool((total <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rows = w.shape[0]
    if replacement:
        cdf = (w / total).cumsum(1)
        u = _random.rand(rows, num_samples, dtype=w.dtype, device=w.device, generator=generator)
        # right=True: a uniform number equal to a cumulative boundary skips zero-weight categories
        idx = searchsorted(cdf, u, right=True).clamp(max=n - 1)
    else:
        u = _random.rand(rows, n, dtype=w.dtype, device=w.device, generator=generator).clamp(min=1e-300)
        keys = w.log() - (-u.log()).log()
        idx = keys.topk(num_samples, dim=1).indices
    idx = idx.to(int64)
    res = idx.reshape(num_samples) if input.dim() == 1 else idx
    res = res if res.device == input.device else res.to(input.device)
    if out is not None:
        if out.shape != res.shape or out.dtype != res.dtype:
            raise RuntimeError(f"multinomial(): out= must be an int64 tensor of shape {list(res.shape)}")
        return out.copy_(res)
    return res


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


_multinomial_method.__name__ = "multinomial"
_multinomial_method.__doc__ = multinomial.__doc__
Tensor.multinomial = _multinomial_method
