"""dtype objects (``rustorch.float32`` ...), the default dtype and promotion helpers."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, overload

from . import _C

if TYPE_CHECKING:
    from ._typing import DTypeLike


class dtype:
    """A tensor element type, as ``torch.dtype``: compare with ``is`` or ``==``."""

    __slots__ = ("name", "itemsize", "is_floating_point", "is_signed", "_np")

    name: str
    itemsize: builtins.int
    is_floating_point: builtins.bool
    is_signed: builtins.bool

    def __init__(self, name: str, itemsize: builtins.int, is_floating_point: builtins.bool, is_signed: builtins.bool,
                 np_name: str | None) -> None:
        self.name = name
        self.itemsize = itemsize
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self._np = np_name

    @property
    def is_complex(self) -> builtins.bool:
        return False

    def __repr__(self) -> str:
        return f"rustorch.{self.name}"

    def __reduce__(self):
        # Pickles as a reference to the module attribute, so identity survives.
        return (_by_name, (self.name,))

    def to_real(self) -> dtype:
        return self

    def to_complex(self) -> dtype:
        raise NotImplementedError("rustorch has no complex dtypes")


float32 = dtype("float32", 4, True, True, "float32")
float64 = dtype("float64", 8, True, True, "float64")
float16 = dtype("float16", 2, True, True, "float16")
bfloat16 = dtype("bfloat16", 2, True, True, None)
int64 = dtype("int64", 8, False, True, "int64")
int32 = dtype("int32", 4, False, True, "int32")
int16 = dtype("int16", 2, False, True, "int16")
int8 = dtype("int8", 1, False, True, "int8")
uint8 = dtype("uint8", 1, False, False, "uint8")
bool_ = dtype("bool", 1, False, False, "bool")

# C++ scalar names PyTorch uses in some messages ("Long did not match Float"), and
# the C type names of others ("expected dtype float ... but got dtype double").
TORCH_NAME = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
              "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
C_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
          "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool"}

ALL = (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool_)
_BY_NAME = {d.name: d for d in ALL}
# Python types accepted where PyTorch accepts them (dtype=float means float64).
_PY_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool_}


def _by_name(name):
    return _BY_NAME[name]


@overload
def resolve(d: DTypeLike, default: dtype | None = None) -> dtype: ...
@overload
def resolve(d: None, default: dtype) -> dtype: ...
@overload
def resolve(d: DTypeLike | None, default: None = None) -> dtype | None: ...
def resolve(d, default=None):
    """A dtype from a dtype object, a Python type, or None (-> ``default``)."""
    if d is None:
        return default
    if type(d) is dtype:
        return d
    t = _PY_TYPES.get(d)
    if t is not None:
        return t
    raise TypeError(f"dtype must be a rustorch.dtype, got {type(d).__name__}")


def from_numpy_dtype(np_dtype):
    if not np_dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. "
            "Conversion between byte orders is currently not supported."
        )
    name = str(np_dtype)
    d = _BY_NAME.get(name)
    if d is None or name == "bfloat16":
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{name}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        )
    return d


def get_default_dtype() -> dtype:
    """The dtype of floats created without one (``float32`` unless changed)."""
    return _BY_NAME[_C.get_default_dtype()]


def set_default_dtype(d: DTypeLike) -> None:
    """Sets the dtype of floats created without one: ``rustorch.set_default_dtype(rustorch.float64)``."""
    _C.set_default_dtype(resolve(d).name)


def promote_types(type1: DTypeLike, type2: DTypeLike) -> dtype:
    """The smallest dtype both convert to: ``promote_types(rustorch.uint8, rustorch.int8)`` is ``int16``."""
    return _BY_NAME[_C.promote_types(resolve(type1).name, resolve(type2).name)]


def can_cast(from_: DTypeLike, to: DTypeLike) -> builtins.bool:
    """Whether a cast is allowed by type promotion: ``can_cast(rustorch.float32, rustorch.int32)`` is False."""
    return _C.can_cast(resolve(from_).name, resolve(to).name)
