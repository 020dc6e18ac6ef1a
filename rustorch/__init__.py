"""rustorch: PyTorch's API on a Rust engine (``import rustorch as torch``)."""

# ``name as name`` marks a re-export for type checkers (mypy --strict); the op modules' functions come in
# through ``*`` imports, which re-export everything public.
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _C  # noqa: F401  (the native engine)
from ._dtype import (
    bfloat16 as bfloat16,
    can_cast as can_cast,
    dtype as dtype,
    float16 as float16,
    float32 as float32,
    float64 as float64,
    get_default_dtype as get_default_dtype,
    int8 as int8,
    int16 as int16,
    int32 as int32,
    int64 as int64,
    promote_types as promote_types,
    set_default_dtype as set_default_dtype,
    uint8 as uint8,
)
from ._dtype import bool_ as bool  # noqa: A001
from ._device import device as device
from ._size import Size as Size
from ._tensor import Tensor as Tensor, is_tensor as is_tensor
from ._functional import *  # noqa: F401,F403
from ._functional import all as all, any as any, max as max, min as min, sum as sum  # noqa: A001
from ._functional import abs as abs, pow as pow, round as round  # noqa: A001
from ._linalg import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._index_ops import *  # noqa: F401,F403
from ._scan import *  # noqa: F401,F403
from ._sort import *  # noqa: F401,F403
from ._sampling import *  # noqa: F401,F403
from ._broadcast import *  # noqa: F401,F403
from ._dlpack import from_dlpack as from_dlpack
from . import _indexing  # noqa: F401,E402  (Tensor.__getitem__ / __setitem__)
from ._creation import (
    arange as arange,
    as_tensor as as_tensor,
    empty as empty,
    empty_like as empty_like,
    eye as eye,
    from_numpy as from_numpy,
    full as full,
    full_like as full_like,
    linspace as linspace,
    logspace as logspace,
    ones as ones,
    ones_like as ones_like,
    tensor as tensor,
    zeros as zeros,
    zeros_like as zeros_like,
)
from ._random import (
    Generator as Generator,
    bernoulli as bernoulli,
    default_generator as default_generator,
    get_rng_state as get_rng_state,
    initial_seed as initial_seed,
    manual_seed as manual_seed,
    normal as normal,
    rand as rand,
    rand_like as rand_like,
    randint as randint,
    randint_like as randint_like,
    randn as randn,
    randn_like as randn_like,
    randperm as randperm,
    seed as seed,
    set_rng_state as set_rng_state,
)
from ._tensor_str import get_printoptions as get_printoptions, set_printoptions as set_printoptions
from . import return_types  # noqa: F401
from . import backends, wgpu  # noqa: F401

if TYPE_CHECKING:
    from ._typing import TensorOrNumber, _int

# PyTorch's short dtype names.
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
char = int8

__version__ = "0.1.0"


def result_type(tensor1: TensorOrNumber, tensor2: TensorOrNumber) -> dtype:
    """The dtype ``tensor1 op tensor2`` would produce (tensors or numbers).

    >>> rustorch.result_type(rustorch.tensor([1, 2]), 2.5)
    rustorch.float32
    """
    from ._tensor import _other

    return _dtype._BY_NAME[_C.result_type([_other(tensor1), _other(tensor2)])]


def numel(input: Tensor) -> _int:
    """Number of elements of ``input``."""
    return input.numel()


from . import _dtype  # noqa: E402

from . import autograd  # noqa: E402,F401  (last: it records the differentiable entry points defined above)
from .autograd import (  # noqa: E402
    enable_grad as enable_grad,
    inference_mode as inference_mode,
    is_grad_enabled as is_grad_enabled,
    no_grad as no_grad,
    set_grad_enabled as set_grad_enabled,
)
from . import nn  # noqa: E402,F401
from . import optim  # noqa: E402,F401
from .serialization import load as load, save as save  # noqa: E402
from . import utils  # noqa: E402,F401
