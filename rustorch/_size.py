"""``rustorch.Size``: the tuple subclass ``Tensor.shape`` returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, SupportsIndex, overload

if TYPE_CHECKING:
    _Ints = tuple[int, ...]  # the element type, for type checkers only (no generic alias at run time)
else:
    _Ints = tuple


class Size(_Ints):
    """Sizes of a tensor's dimensions: a tuple, printed as ``rustorch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"rustorch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    @overload  # type: ignore[override]
    def __getitem__(self, key: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, key: slice) -> Size: ...
    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other: tuple[int, ...]) -> Size:  # type: ignore[override]
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (Size, (tuple(self),))
