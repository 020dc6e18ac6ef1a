"""Type aliases shared by rustorch's annotations. A stub with no module behind it: the package imports
it only under ``typing.TYPE_CHECKING``, so annotations cost nothing at run time.

The builtin names get aliases (``_int``, ``_float``, ``_bool``) because ``Tensor`` and ``nn.Module``
have methods called ``int``, ``float``, ``bool`` and ``type``, and the package defines ``rustorch.int``
and ``rustorch.float`` (dtypes): inside those scopes the plain names are not the builtin types.
"""

import builtins
from collections.abc import Iterable, Sequence
from types import EllipsisType
from typing import Any, SupportsFloat, SupportsIndex

from typing_extensions import TypeAlias

from ._device import device
from ._dtype import dtype
from ._tensor import Tensor

_int: TypeAlias = builtins.int
_float: TypeAlias = builtins.float
_bool: TypeAlias = builtins.bool
_str: TypeAlias = builtins.str

# A Python number where PyTorch takes a Scalar (bool is an int).
Number: TypeAlias = builtins.int | builtins.float
# numpy scalars and other number-likes are accepted too (they convert through __index__ / __float__).
NumberLike: TypeAlias = SupportsFloat | SupportsIndex
# The second operand of an elementwise op.
TensorOrNumber: TypeAlias = Tensor | NumberLike

# Sizes: a Size, tuple or list of ints.
_size: TypeAlias = Sequence[builtins.int]
# A size given as varargs, ``zeros(2, 3)``, or as one sequence, ``zeros((2, 3))``.
_size_arg: TypeAlias = builtins.int | Sequence[builtins.int]
# One dim or several (reductions' ``dim=``).
_dims: TypeAlias = builtins.int | Sequence[builtins.int]

# Where a dtype is taken: a dtype, or the Python type PyTorch maps to one (float -> float64).
DTypeLike: TypeAlias = dtype | type[builtins.float] | type[builtins.int] | type[builtins.bool]
# Where a device is taken: a device, "cpu" / "wgpu" / "wgpu:0", or a wgpu ordinal.
DeviceLike: TypeAlias = device | builtins.str | builtins.int

# What ``tensor(data)`` accepts: nested sequences of numbers, numpy arrays, tensors, scalars.
ArrayLike: TypeAlias = Any

# One entry of ``t[...]``: ints and slices make views; tensors, lists, arrays and bools select copies.
_IndexItem: TypeAlias = SupportsIndex | slice | None | EllipsisType | Tensor | Sequence[Any]
Index: TypeAlias = _IndexItem | tuple[_IndexItem, ...]

# What an optimizer takes: tensors, (name, tensor) pairs, or parameter-group dicts ({"params": ..., "lr": ...}).
ParamsT: TypeAlias = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[builtins.str, Tensor]]
