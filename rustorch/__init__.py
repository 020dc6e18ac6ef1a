"""rustorch: PyTorch's API on a Rust engine (``import rustorch as torch``)."""

from . import _C  # noqa: F401  (the native engine)
from ._dtype import (  # noqa: F401
    bfloat16,
    can_cast,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._dtype import bool_ as bool  # noqa: A001
from ._device import device  # noqa: F401
from ._size import Size  # noqa: F401
from ._tensor import Tensor, is_tensor  # noqa: F401
from ._functional import *  # noqa: F401,F403
from ._functional import all, any, max, min, sum, abs, pow, round  # noqa: A001,F401
from ._linalg import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._index_ops import *  # noqa: F401,F403
from ._scan import *  # noqa: F401,F403
from ._sort import *  # noqa: F401,F403
from ._sampling import *  # noqa: F401,F403
from ._broadcast import *  # noqa: F401,F403
from ._dlpack import from_dlpack as from_dlpack
from . import _indexing  # noqa: F401,E402  (Tensor.__getitem__ / __setitem__)
from ._creation import (  # noqa: F401
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._random import (  # noqa: F401
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
)
from ._tensor_str import get_printoptions, set_printoptions  # noqa: F401
from . import return_types  # noqa: F401
from . import backends, wgpu  # noqa: F401

# PyTorch's short dtype names.
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
char = int8

__version__ = "0.1.0"


def result_type(tensor1, tensor2):
    """The dtype ``tensor1 op tensor2`` would produce (tensors or numbers).

    >>> rustorch.result_type(rustorch.tensor([1, 2]), 2.5)
    rustorch.float32
    """
    from ._tensor import _other

    return _dtype._BY_NAME[_C.result_type([_other(tensor1), _other(tensor2)])]


def numel(input):
    """Number of elements of ``input``."""
    return input.numel()


from . import _dtype  # noqa: E402

from . import autograd  # noqa: E402,F401  (last: it records the differentiable entry points defined above)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402,F401
from . import nn  # noqa: E402,F401
from . import optim  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from . import utils  # noqa: E402,F401
