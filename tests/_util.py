"""Helpers shared by the test files.

Inputs are built in numpy with values that are exactly representable in the target dtype, then
handed to the module under test through `from_numpy(...).to(dtype)`; references are computed by
numpy from those same exact values. So a test never depends on how the module under test rounds
when it converts, only on the op being tested.
"""
import numpy as np

from _backend import torch

FLOAT_NAMES = ("float32", "float64", "float16", "bfloat16")
INT_NAMES = ("int64", "int32", "int16", "int8", "uint8")
DTYPE_NAMES = FLOAT_NAMES + INT_NAMES + ("bool",)
HALF_NAMES = ("float16", "bfloat16")

# numpy dtype that holds the exact values of each dtype (numpy has no bfloat16: float32 holds it)
STORAGE_NP = {
    "float32": np.float32, "float64": np.float64, "float16": np.float16, "bfloat16": np.float32,
    "int64": np.int64, "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8,
    "bool": np.bool_,
}

# PyTorch's default comparison tolerances (torch.testing.assert_close): (rtol, atol)
DEFAULT_TOLS = {
    "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5),
}

# torch's C++ ScalarType names, used in its "not implemented for 'Long'" style messages
CPP_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "bool": "Bool",
}


def dt(name):
    return getattr(torch, name)


def dtype_name(dtype):
    """'float32' for torch.float32 and for rustorch.float32 alike."""
    return str(dtype).rsplit(".", 1)[-1]


def kind(name):
    """'b' bool, 'u' unsigned, 'i' signed int, 'f' float (numpy's dtype.kind letters)."""
    if name == "bool":
        return "b"
    if name == "uint8":
        return "u"
    return "i" if name in INT_NAMES else "f"


def is_float(name):
    return kind(name) == "f"


def can_cast(src, dst):
    """torch.can_cast: no cast to a lower category (float -> int, int -> bool)."""
    order = {"b": 0, "u": 1, "i": 1, "f": 2}
    return order[kind(src)] <= order[kind(dst)]


def round_bf16(a):
    """Round float32 values to the nearest bfloat16 (ties to even), kept in float32."""
    a = np.asarray(a, dtype=np.float32)
    bits = a.view(np.uint32).astype(np.uint64)
    u = np.uint64  # typed constants: numpy 1.x would promote uint64 op int to float64
    bits = (bits + u(0x7FFF) + ((bits >> u(16)) & u(1))) & u(0xFFFF0000)
    out = bits.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(a), np.float32(np.nan), out)


def exact(name, values):
    """`values` rounded to dtype `name`, held in its storage numpy dtype."""
    values = np.asarray(values)
    with np.errstate(all="ignore"):
        if name == "bfloat16":
            return round_bf16(values.astype(np.float32))
        return values.astype(STORAGE_NP[name])


def sample(domain, name, shape, rng):
    """Random values of dtype `name` from a domain of op_db.DOMAINS, exactly representable."""
    shape = tuple(shape)
    k = kind(name)
    if k == "b":
        return rng.random(shape) < 0.5
    rule = domain["float" if k == "f" else ("uint" if k == "u" else "int")]
    how = rule[0]
    if how == "uniform":
        vals = rng.uniform(rule[1], rule[2], shape)
    elif how == "dyadic":  # multiples of 1 / rule[3]
        vals = np.round(rng.uniform(rule[1], rule[2], shape) * rule[3]) / rule[3]
    elif how == "choice":
        vals = rng.choice(np.array(rule[1], dtype=np.float64), shape)
    elif how == "range":
        vals = rng.integers(rule[1], rule[2] + 1, shape)
    elif how == "shift":  # a valid shift amount for this integer width
        bits = np.dtype(STORAGE_NP[name]).itemsize * 8
        vals = rng.integers(0, bits, shape)
    elif how == "nonfinite":  # uniform values with nan, inf and -inf sprinkled in
        vals = rng.uniform(rule[1], rule[2], shape)
        flat = vals.reshape(-1)
        specials = np.array([np.nan, np.inf, -np.inf])
        flat[rng.random(flat.shape) < 0.3] = np.nan
        pick = rng.random(flat.shape) < 0.2
        flat[pick] = rng.choice(specials, int(pick.sum()))
    else:
        raise ValueError(how)
    return exact(name, vals)


def to_tensor(arr, name):
    """A fresh contiguous tensor of dtype `name` holding the exact values of `arr`."""
    arr = np.array(arr, dtype=STORAGE_NP[name], order="C", copy=True)
    return torch.from_numpy(arr).to(dt(name))


def to_np(t):
    """The tensor's values as a numpy array (bfloat16 goes through float32)."""
    if t.dtype == torch.bfloat16:
        return t.float().numpy()
    return t.numpy()


class Built:
    """A tensor with a given logical layout, plus the base tensor it views and a recipe that
    selects the same elements from a numpy copy of the base (to check writes through views)."""

    def __init__(self, tensor, values, base=None, np_base=None, select=None):
        self.tensor = tensor
        self.values = values  # logical values (numpy, storage dtype)
        self.base = tensor if base is None else base
        self.np_base = values if np_base is None else np_base
        self.select = (lambda b: b) if select is None else select

    def expected_base(self, new_values):
        """The base's expected contents after `new_values` were written through the view."""
        out = np.array(self.np_base, copy=True)
        self.select(out)[...] = new_values
        return out


def build(arr, name, layout):
    """A tensor of dtype `name` whose logical values are `arr` (or, for "expanded", arr's first
    row broadcast), laid out in memory as `layout` says. No __getitem__ is used: views come from
    t/permute/as_strided/narrow/select/transpose/expand, which this issue covers."""
    arr = np.asarray(arr, dtype=STORAGE_NP[name])
    zeros = lambda shape: np.zeros(shape, dtype=STORAGE_NP[name])  # noqa: E731
    if layout == "contiguous":
        return Built(to_tensor(arr, name), arr)
    if layout == "transposed":  # column-major 2-D: base is arr.T, the test sees base.t()
        base = to_tensor(arr.T, name)
        return Built(base.t(), arr, base, np.array(arr.T), lambda b: b.T)
    if layout == "permuted":  # 3-D, base holds dims in order (2, 0, 1)
        np_base = np.array(np.transpose(arr, (2, 0, 1)))
        base = to_tensor(np_base, name)
        return Built(base.permute(1, 2, 0), arr, base, np_base,
                     lambda b: np.transpose(b, (1, 2, 0)))
    if layout == "strided":  # every 2nd row and 3rd column, with a storage offset
        r, c = arr.shape
        np_big = zeros((2 * r + 1, 3 * c))
        np_big[1::2, ::3] = arr
        base = to_tensor(np_big.reshape(-1), name)
        t = torch.as_strided(base, (r, c), (6 * c, 3), 3 * c)
        return Built(t, arr, base, np_big.reshape(-1),
                     lambda b: b.reshape(2 * r + 1, 3 * c)[1::2, ::3])
    if layout == "narrowed":  # an interior block: rows are not adjacent in memory
        r, c = arr.shape
        np_big = zeros((r + 2, c + 3))
        np_big[1:1 + r, 2:2 + c] = arr
        base = to_tensor(np_big, name)
        return Built(base.narrow(0, 1, r).narrow(1, 2, c), arr, base, np_big,
                     lambda b: b[1:1 + r, 2:2 + c])
    if layout == "selected_t":  # select() with an offset, then transpose()
        r, c = arr.shape
        np_big = zeros((2, c, r))
        np_big[1] = arr.T
        base = to_tensor(np_big, name)
        return Built(base.select(0, 1).transpose(0, 1), arr, base, np_big, lambda b: b[1].T)
    if layout == "expanded":  # stride 0 along dim 0 (read-only: several elements alias)
        row = np.array(arr[:1])
        base = to_tensor(row, name)
        values = np.array(np.broadcast_to(row, arr.shape))
        return Built(base.expand(*arr.shape), values, base, row, None)
    raise ValueError(layout)


def reference(fn, arrays, result):
    """Apply numpy `fn` in the precision that models torch: float results from float64 copies of
    the exact inputs; integer results in the result dtype itself (same wrap-around); bool results
    from the bool inputs themselves or float64 copies."""
    k = kind(result)
    if k == "f" or (k == "b" and not all(a.dtype == np.bool_ for a in arrays)):
        ins = [np.asarray(a, dtype=np.float64) for a in arrays]
    elif k == "b":
        ins = list(arrays)
    else:
        ins = [np.asarray(a).astype(STORAGE_NP[result]) for a in arrays]
    with np.errstate(all="ignore"):
        return np.asarray(fn(*ins))


def assert_values(actual, expected, name, rtol=None, atol=None):
    """`actual` (a tensor) has dtype `name`, expected's shape, and expected's values: exactly for
    bool/int dtypes, within tolerance for floats (nan == nan, inf == inf)."""
    assert dtype_name(actual.dtype) == name, (actual.dtype, name)
    expected = np.asarray(expected)
    assert tuple(actual.shape) == expected.shape, (tuple(actual.shape), expected.shape)
    got = to_np(actual)
    assert got.shape == expected.shape
    if is_float(name):
        d_rtol, d_atol = DEFAULT_TOLS[name]
        # round the (float64) reference to the result dtype: overflow to inf happens there too
        np.testing.assert_allclose(
            got.astype(np.float64), exact(name, expected).astype(np.float64),
            rtol=d_rtol if rtol is None else rtol, atol=d_atol if atol is None else atol,
            equal_nan=True)
    else:
        with np.errstate(all="ignore"):
            exp = expected.astype(STORAGE_NP[name])
        np.testing.assert_array_equal(got, exp)


def spec_cases(dtypes_of):
    """pytest params (spec, dtype) of op_db.OPS, for the dtypes ``dtypes_of(spec)`` lists."""
    import pytest

    import op_db
    for spec in op_db.OPS:
        for dtype in dtypes_of(spec):
            yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


def scalar_cases():
    """The specs that take a Python number as second operand, with their dtypes."""
    return spec_cases(lambda spec: spec.dtypes if spec.scalar_other else ())


def rejected_cases():
    """The specs with the dtypes they refuse."""
    return spec_cases(lambda spec: spec.rejects)


def call_reduction(spec, t, dim, keep):
    """A REDUCTIONS spec applied to ``t`` over ``dim`` (None: all dims), as the torch function."""
    fn = getattr(torch, spec.name)
    if dim is None:
        return fn(t, **spec.kwargs)
    if spec.name == "count_nonzero":
        return fn(t, dim=dim, **spec.kwargs)
    return fn(t, dim=dim, keepdim=keep, **spec.kwargs)
