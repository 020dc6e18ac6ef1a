"""Broadcasting as functions: ``broadcast_shapes``, ``broadcast_tensors``; and the top-level and Tensor
forms of softmax and log_softmax (the implementations live in ``nn.functional``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._size import Size
from ._tensor import Tensor

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._typing import DTypeLike, _int

__all__ = ["broadcast_shapes", "broadcast_tensors", "softmax", "log_softmax"]


def broadcast_shapes(*shapes: _int | Sequence[_int]) -> Size:
    """broadcast_shapes(*shapes) -> Size: the shape the given shapes broadcast to (no tensors made).

    >>> rustorch.broadcast_shapes((2, 1), (3,))
    rustorch.Size([2, 3])
    """
    dims = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    nd = max((len(s) for s in dims), default=0)
    out = [1] * nd
    for k, s in enumerate(dims):
        for i in range(1, len(s) + 1):
            d = s[-i]
            if d < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {d}: {list(s)}")
            if d == out[-i] or d == 1:
                continue
            if out[-i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {d} at {-i}! Mismatching argument "
                                   f"at index {k} had {s}; but expected shape should be broadcastable to "
                                   f"{list(out[nd - len(s):]) if len(s) < nd else list(out)}")
            out[-i] = d
    return Size(out)


def broadcast_tensors(*tensors: Tensor | Sequence[Tensor]) -> tuple[Tensor, ...]:
    """broadcast_tensors(*tensors) -> tuple of Tensors: each expanded (a view) to their common shape.

    >>> a, b = rustorch.broadcast_tensors(rustorch.ones(2, 1), rustorch.ones(3))
    >>> a.shape, b.stride()
    (rustorch.Size([2, 3]), (0, 1))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = tensors[0].shape if tensors else ()
    for t in tensors[1:]:
        shape = _pair(shape, t.shape)
    return tuple(t.expand(*shape) for t in tensors)


def _pair(a, b):
    """Two shapes broadcast, with the error PyTorch raises for tensors that do not broadcast."""
    nd = max(len(a), len(b))
    a = (1,) * (nd - len(a)) + tuple(a)
    b = (1,) * (nd - len(b)) + tuple(b)
    for i in range(nd - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")
    return tuple(x if y == 1 else y for x, y in zip(a, b))


def softmax(input: Tensor, dim: _int, dtype: DTypeLike | None = None) -> Tensor:
    """softmax(input, dim, dtype=None) -> Tensor: ``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> rustorch.softmax(rustorch.tensor([0., 0.]), 0)
    tensor([0.5000, 0.5000])
    """
    from .nn import functional as F

    return F.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: _int, dtype: DTypeLike | None = None) -> Tensor:
    """log_softmax(input, dim, dtype=None) -> Tensor: ``x - logsumexp(x, dim)``.

    >>> rustorch.log_softmax(rustorch.tensor([0., 0.]), 0)
    tensor([-0.6931, -0.6931])
    """
    from .nn import functional as F

    return F.log_softmax(input, dim, dtype=dtype)


def _softmax_method(self, dim, dtype=None):
    return softmax(self, dim, dtype)


def _log_softmax_method(self, dim, dtype=None):
    return log_softmax(self, dim, dtype)


_softmax_method.__name__, _log_softmax_method.__name__ = "softmax", "log_softmax"
# Compositions of recorded ops: autograd records their parts (its guard leaves them alone).
broadcast_tensors._composite = softmax._composite = log_softmax._composite = True
Tensor.softmax = _softmax_method
Tensor.log_softmax = _log_softmax_method
