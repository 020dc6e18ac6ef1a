"""Random numbers: generators, seeding, rand/randn/randint/randperm/normal/bernoulli
and the in-place fills ``uniform_``, ``normal_``, ``bernoulli_``, ``random_``."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, overload

from . import _C, _dtype
from ._creation import _check_grad, _like, _placed
from ._device import native_name as _native_device, resolve as _resolve_device
from ._tensor import Tensor, _dims, _empty_like, _wrap

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._typing import DeviceLike, DTypeLike, TensorOrNumber, _bool, _int, _size, _size_arg

Generator = _C.Generator
default_generator = _C.default_generator


def manual_seed(seed: _int) -> Generator:
    """Seeds the default generator; returns it.

    >>> _ = rustorch.manual_seed(0); a = rustorch.rand(2); _ = rustorch.manual_seed(0); rustorch.equal(a, rustorch.rand(2))
    True
    """
    _C.manual_seed(builtins.int(seed))
    return default_generator


def seed() -> _int:
    """Seeds the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> _int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> tuple[_int, _int]:
    """The default generator's state (restore it with ``set_rng_state``)."""
    return default_generator.get_state()


def set_rng_state(state: Sequence[_int]) -> None:
    default_generator.set_state(tuple(state))


def _empty_float(fn, size, dtype, device, requires_grad):
    dev = _native_device(_resolve_device(device))
    _check_grad(requires_grad)
    d = _dtype.resolve(dtype, _dtype.get_default_dtype())
    # Made on the device: the fill then runs there (the same numbers as on the CPU).
    return _wrap(_C.empty(_dims(size, fn), d.name, dev))


def rand(*size: _size_arg, generator: Generator | None = None, dtype: DTypeLike | None = None,
         device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Uniform samples in [0, 1).

    >>> rustorch.rand(2, 3).shape
    rustorch.Size([2, 3])
    """
    return _empty_float("rand", size, dtype, device, requires_grad).uniform_(0.0, 1.0, generator=generator)


def randn(*size: _size_arg, generator: Generator | None = None, dtype: DTypeLike | None = None,
          device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Standard normal samples.

    >>> rustorch.randn(4).dtype
    rustorch.float32
    """
    return _empty_float("randn", size, dtype, device, requires_grad).normal_(0.0, 1.0, generator=generator)


@overload
def randint(high: _int, size: _size, *, generator: Generator | None = None, dtype: DTypeLike | None = None,
            device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor: ...
@overload
def randint(low: _int, high: _int, size: _size, *, generator: Generator | None = None, dtype: DTypeLike | None = None,
            device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor: ...
def randint(*args, generator=None, dtype=None, device=None, requires_grad=False, out=None, **kw):
    """``randint(high, size)`` or ``randint(low, high, size)``: integers in [low, high) (int64 by default).

    >>> rustorch.randint(0, 10, (3,)).dtype
    rustorch.int64
    """
    names = ("low", "high", "size") if len(args) + len(kw) == 3 else ("high", "size")
    if len(args) + len(kw) not in (2, 3) or any(k not in names for k in kw):
        raise TypeError("randint() received an invalid combination of arguments: expected (high, size) or (low, high, size)")
    given = dict(zip(names, args), **kw)
    low, high, size = given.get("low", 0), given["high"], given["size"]
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' (position {len(names)}) must be tuple of ints, not {type(size).__name__}"
        )
    dev = _native_device(_resolve_device(device))
    _check_grad(requires_grad)
    d = _dtype.resolve(dtype, _dtype.int64)
    t = _wrap(_C.empty(_dims((size,), "randint"), d.name, dev))
    _C.randint_(t._c, builtins.int(low), builtins.int(high), generator)
    return t


def randperm(n: _int, *, generator: Generator | None = None, dtype: DTypeLike | None = None,
             device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """A random permutation of ``0 .. n-1``.

    >>> sorted(rustorch.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    _resolve_device(device)
    return _wrap(_C.randperm(builtins.int(n), _dtype.resolve(dtype, _dtype.int64).name, generator))


def rand_like(input: Tensor, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
              requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``rand`` with ``input``'s shape, dtype and layout."""
    return _like(input, dtype, device, requires_grad).uniform_(0.0, 1.0)


def randn_like(input: Tensor, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
               requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``randn`` with ``input``'s shape, dtype and layout."""
    return _like(input, dtype, device, requires_grad).normal_(0.0, 1.0)


def randint_like(input: Tensor, low: _int = 0, high: _int | None = None, *, dtype: DTypeLike | None = None,
                 device: DeviceLike | None = None, requires_grad: _bool = False,
                 memory_format: object = None) -> Tensor:
    """``randint`` with ``input``'s shape, dtype and layout."""
    if high is None:
        low, high = 0, low
    t = _like(input, dtype, device, requires_grad)
    _C.randint_(t._c, builtins.int(low), builtins.int(high), None)
    return t


def normal(mean: TensorOrNumber, std: TensorOrNumber = 1.0, size: _size_arg | None = None, *,
           generator: Generator | None = None, dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """Normal samples; ``mean``/``std`` are numbers (with ``size``) or tensors (broadcast).

    >>> rustorch.normal(rustorch.zeros(3), 1.0).shape
    rustorch.Size([3])
    """
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: size is required for float mean and std")
        return _empty_float("normal", (size,) if isinstance(size, builtins.int) else size, dtype, None, False).normal_(
            builtins.float(mean), builtins.float(std), generator=generator
        )
    ref = mean if isinstance(mean, Tensor) else std
    if isinstance(std, Tensor) and (std < 0).any().item():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = list((mean + std).shape) if isinstance(mean, Tensor) and isinstance(std, Tensor) else list(ref.shape)
    z = randn(shape, generator=generator, dtype=ref.dtype if ref.is_floating_point() else None)
    return mean + std * z


def bernoulli(input: Tensor, p: TensorOrNumber | None = None, *, generator: Generator | None = None,
              out: Tensor | None = None) -> Tensor:
    """Samples 1 with probability ``input`` (or ``p``), else 0, in ``input``'s dtype.

    >>> rustorch.bernoulli(rustorch.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """
    return _empty_like(input, input.dtype.name).bernoulli_(input if p is None else p, generator=generator)


# ---- in-place fills (Tensor methods) ---------------------------------------------------------------


def _uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
    from_ = kw.pop("from", from_)
    _C.uniform_(self._c, builtins.float(from_), builtins.float(to), generator)
    return self


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    _C.normal_(self._c, builtins.float(mean), builtins.float(std), generator)
    return self


def _bernoulli_(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):
        if ((p < 0) | (p > 1)).any().item():
            raise RuntimeError("bernoulli_ expects all elements of p to be in [0, 1]")
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    # float64 uniforms (53 bits, as on the CPU) where the device computes in float64.
    dev = self._c.device
    u64 = dev == "cpu" or dict(_C.wgpu_info()).get("shader_f64") == "true"
    u = _wrap(_C.empty(list(self.shape), "float64" if u64 else "float32", dev))
    _C.uniform_(u._c, 0.0, 1.0, generator)
    self.copy_(u < p)
    return self


def _random_(self, from_=0, to=None, *, generator=None):
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** 24 if self.is_floating_point() else 2 ** 63 - 1
    _C.randint_(self._c, builtins.int(from_), builtins.int(to), generator)
    return self


Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.bernoulli_ = _bernoulli_
Tensor.random_ = _random_


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


Tensor.bernoulli = _bernoulli_method


# rand / randn / randint draw on their device; the rest are made on the CPU and moved.
randperm = _placed(randperm)
rand_like = _placed(rand_like, like=True)
randn_like = _placed(randn_like, like=True)
randint_like = _placed(randint_like, like=True)
