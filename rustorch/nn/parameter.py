"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import _GRAD, GradTensor, Tensor, _new, _to_grad_fields

if TYPE_CHECKING:
    from typing import Any, SupportsIndex


class Parameter(GradTensor):
    """A tensor that is a module parameter: assigned as a Module attribute, it is registered in
    ``parameters()`` and ``state_dict()``. It shares the memory of the tensor it is made from and
    requires grad unless told otherwise; ops on it give ordinary tensors.

    >>> p = rustorch.nn.Parameter(rustorch.ones(2))
    >>> p
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    >>> (p * 2).grad_fn is not None, isinstance(p, rustorch.Tensor)
    (True, True)
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from .._creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        if requires_grad and not data.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        p = _new(cls)
        c = data._c
        p._c = c.as_strided(list(c.shape), list(c.strides), c.offset)  # the same memory, its own tensor
        _to_grad_fields(p, bool(requires_grad))
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        """A parameter with its own copy of the memory (``.grad`` is not copied, as in PyTorch)."""
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor.clone(Tensor.detach(self)), self.requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, proto: SupportsIndex) -> tuple[Any, ...]:
        return (Parameter, (Tensor.detach(self), self.requires_grad))


_GRAD.add(Parameter)
