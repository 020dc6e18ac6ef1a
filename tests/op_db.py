"""One table of op specs: it drives the elementwise tests (test_elementwise*.py) and the reductions
(test_reductions.py); the indexing, index, shape, scan, sort and product
ops are in op_db_structured.py (test_op_db_structured.py).

Each spec is data: the torch name, a numpy reference, the dtypes PyTorch's CPU backend accepts
and the ones it rejects (with the exception and message), the input domain per operand, the
result-dtype rule, and which call forms exist. Everything here was checked against PyTorch 2.15.

Result-dtype rules (`result`), for operands of one dtype D:
  "same"   D itself                        (add, abs, floor, ...)
  "float"  D if D is floating, else the default dtype float32    (exp(int) -> float32, div)
  "bool"   always bool                     (eq, isnan, logical_and, ...)
`result_override` lists the exceptions, e.g. square(bool) -> int64.
"""
import math
from dataclasses import dataclass, field

import numpy as np

FLOATS = ("float32", "float64", "float16", "bfloat16")
INTS = ("int64", "int32", "int16", "int8", "uint8")
ALL = FLOATS + INTS + ("bool",)
NUMERIC = FLOATS + INTS

# Input domains. float: ("uniform", lo, hi) | ("choice", values) | ("nonfinite", lo, hi);
# int / uint: ("range", lo, hi) inclusive | ("choice", values) | ("shift",) = 0..bits-1.
# bool inputs are always random True/False.
DOMAINS = {
    "real": {"float": ("uniform", -3, 3), "int": ("range", -9, 9), "uint": ("range", 0, 18)},
    "positive": {"float": ("uniform", 0.1, 5), "int": ("range", 1, 9), "uint": ("range", 1, 18)},
    "nonneg": {"float": ("uniform", 0, 5), "int": ("range", 0, 9), "uint": ("range", 0, 18)},
    "unit": {"float": ("uniform", -0.95, 0.95), "int": ("range", -1, 1), "uint": ("range", 0, 1)},
    "gt_minus1": {"float": ("uniform", -0.9, 4), "int": ("range", 0, 9), "uint": ("range", 0, 18)},
    "tan": {"float": ("uniform", -1.4, 1.4), "int": ("range", -9, 9), "uint": ("range", 0, 18)},
    "nonzero": {"float": ("choice", (-2.5, -1.75, -1, -0.625, 0.75, 1.25, 2, 3)),
                "int": ("choice", (-4, -3, -2, -1, 1, 2, 3, 4)), "uint": ("range", 1, 5)},
    # Powers of two: a / b is exact in every float dtype, so floor/trunc/remainder of it cannot
    # land on the other side of an integer because of rounding.
    "divisor": {"float": ("choice", (-4, -2, -1, -0.5, 0.5, 1, 2, 4)),
                "int": ("choice", (-4, -3, -2, -1, 1, 2, 3, 4)), "uint": ("range", 1, 4)},
    "pow_base": {"float": ("uniform", 0.1, 3), "int": ("range", -3, 3), "uint": ("range", 0, 3)},
    "pow_exp": {"float": ("uniform", -2, 2), "int": ("range", 0, 3), "uint": ("range", 0, 3)},
    "shift": {"float": ("choice", (0, 1, 2, 3)), "int": ("shift",), "uint": ("shift",)},
    # Few distinct values, so that == and logical ops see both outcomes often.
    "coarse": {"float": ("choice", (-1, -0.5, 0, 0.5, 1)), "int": ("choice", (-1, 0, 1)),
               "uint": ("choice", (0, 1, 2))},
    "weight": {"float": ("uniform", 0, 1), "int": ("range", 0, 1), "uint": ("range", 0, 1)},
    # Multiples of 1/8: sums of thousands of them are exact in float32, so a sum's expected value
    # does not depend on the order in which an implementation adds.
    "dyadic": {"float": ("dyadic", -3, 3, 8), "int": ("range", -9, 9), "uint": ("range", 0, 18)},
    "nonfinite": {"float": ("nonfinite", -3, 3), "int": ("range", -9, 9),
                  "uint": ("range", 0, 18)},
}

NOT_IMPL = (NotImplementedError, "not implemented for '{T}'")  # {T}: torch's 'Long', 'Bool', ...
ADDCDIV_INT = (RuntimeError, "Integer division with addcdiv is no longer supported")


@dataclass(frozen=True)
class OpSpec:
    id: str                      # test id (unique); `name` is the torch function/method name
    name: str
    ref: object                  # numpy reference taking the operands (kwargs are baked in)
    arity: int = 1
    dtypes: tuple = ALL          # tested as supported
    rejects: tuple = ()          # dtypes torch's CPU backend refuses...
    error: tuple = NOT_IMPL      # ...with this (exception, message regex)
    domain: tuple = ("real",)    # one DOMAINS key per operand
    result: str = "same"
    result_override: dict = field(default_factory=dict)
    operand_dtypes: tuple = ()   # fixed dtypes for some operands, e.g. where's condition: "bool"
    kwargs: dict = field(default_factory=dict)
    method: bool = True          # x.name(...)
    inplace: bool = True         # x.name_(...)
    scalar_other: bool = False   # torch.name(tensor, python_number) accepted
    tol: dict = field(default_factory=dict)  # result dtype -> (rtol, atol), overriding defaults


# ---- numpy references that need more than one numpy call ----------------------------------------
def _erf(x):
    return np.array([math.erf(v) for v in np.ravel(x)], dtype=np.float64).reshape(np.shape(x))


def _sign(x):
    if x.dtype == np.bool_:
        return x.copy()
    return np.where(np.isnan(x), 0, np.sign(x)) if x.dtype.kind == "f" else np.sign(x)


def _trunc_div(a, b):
    q = np.trunc(np.true_divide(a, b))
    return q.astype(a.dtype) if a.dtype.kind in "iu" else q


def _clamp(lo=None, hi=None):
    """torch.clamp: x < lo -> lo, then x > hi -> hi. Written with `where` rather than
    maximum/minimum because torch keeps x itself when it is not out of range: -0.0 stays -0.0
    in relu / clamp(min=0), and nan stays nan."""
    def ref(x, *bounds):
        lo_, hi_ = bounds if bounds else (lo, hi)
        if lo_ is not None:
            x = np.where(x < lo_, np.asarray(lo_).astype(x.dtype), x)
        if hi_ is not None:
            x = np.where(x > hi_, np.asarray(hi_).astype(x.dtype), x)
        return x
    return ref


def _lerp(a, b, w):
    return a + w * (b - a)


_NEG_BOOL = (NotImplementedError, "Negation, the `-` operator, on a bool tensor is not supported")
_SUB_BOOL = (NotImplementedError,
             "Subtraction, the `-` operator, with two bool tensors is not supported")
_BOOL = ("bool",)
# Compound ops (alpha, value=, lerp) may round an intermediate such as alpha * b to the half
# dtype before the final add; the error then scales with the operands, not with the result.
_HALF_COMPOUND_TOL = {"float16": (1e-3, 1e-2), "bfloat16": (1.6e-2, 1e-1)}
_NO_INPLACE = dict(inplace=False)

OPS = [
    # ---- unary --------------------------------------------------------------------------------
    OpSpec("abs", "abs", np.abs, dtypes=NUMERIC, rejects=_BOOL),
    OpSpec("neg", "neg", np.negative, dtypes=NUMERIC, rejects=_BOOL, error=_NEG_BOOL),
    OpSpec("exp", "exp", np.exp, result="float"),
    OpSpec("exp2", "exp2", np.exp2, result="float"),
    OpSpec("expm1", "expm1", np.expm1, result="float"),
    OpSpec("log", "log", np.log, domain=("positive",), result="float"),
    OpSpec("log2", "log2", np.log2, domain=("positive",), result="float"),
    OpSpec("log10", "log10", np.log10, domain=("positive",), result="float"),
    OpSpec("log1p", "log1p", np.log1p, domain=("gt_minus1",), result="float"),
    OpSpec("sqrt", "sqrt", np.sqrt, domain=("nonneg",), result="float"),
    OpSpec("rsqrt", "rsqrt", lambda x: 1 / np.sqrt(x), domain=("positive",), result="float"),
    OpSpec("sin", "sin", np.sin, result="float"),
    OpSpec("cos", "cos", np.cos, result="float"),
    OpSpec("tan", "tan", np.tan, domain=("tan",), result="float"),
    OpSpec("asin", "asin", np.arcsin, domain=("unit",), result="float"),
    OpSpec("acos", "acos", np.arccos, domain=("unit",), result="float"),
    OpSpec("atan", "atan", np.arctan, result="float"),
    OpSpec("sinh", "sinh", np.sinh, result="float"),
    OpSpec("cosh", "cosh", np.cosh, result="float"),
    OpSpec("tanh", "tanh", np.tanh, result="float"),
    OpSpec("sigmoid", "sigmoid", lambda x: 1 / (1 + np.exp(-x)), result="float"),
    OpSpec("erf", "erf", _erf, result="float"),
    OpSpec("relu", "relu", _clamp(lo=0), dtypes=NUMERIC,
           rejects=_BOOL, error=(NotImplementedError, "Boolean inputs not supported for relu")),
    OpSpec("floor", "floor", np.floor, dtypes=NUMERIC, rejects=_BOOL),
    OpSpec("ceil", "ceil", np.ceil, dtypes=NUMERIC, rejects=_BOOL),
    OpSpec("round", "round", np.round, dtypes=NUMERIC, rejects=_BOOL),  # half to even
    OpSpec("trunc", "trunc", np.trunc, dtypes=NUMERIC, rejects=_BOOL),
    OpSpec("frac", "frac", lambda x: x - np.trunc(x), dtypes=FLOATS, rejects=INTS + _BOOL),
    OpSpec("sign", "sign", _sign),  # sign(nan) is 0 in torch (numpy: nan)
    OpSpec("reciprocal", "reciprocal", lambda x: 1 / x, domain=("nonzero",), result="float"),
    OpSpec("square", "square", np.square, result_override={"bool": "int64"}),
    OpSpec("bitwise_not", "bitwise_not", np.invert, dtypes=INTS + _BOOL, rejects=FLOATS),
    OpSpec("logical_not", "logical_not", np.logical_not, domain=("coarse",), result="bool"),
    OpSpec("isnan", "isnan", np.isnan, domain=("nonfinite",), result="bool", **_NO_INPLACE),
    OpSpec("isinf", "isinf", np.isinf, domain=("nonfinite",), result="bool", **_NO_INPLACE),
    OpSpec("isfinite", "isfinite", np.isfinite, domain=("nonfinite",), result="bool",
           **_NO_INPLACE),
    OpSpec("nan_to_num", "nan_to_num",
           lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0), domain=("nonfinite",),
           kwargs=dict(nan=0.5, posinf=9.0, neginf=-9.0)),
    # clamp with Python-number bounds: int bounds keep int dtypes; bool is promoted to int64
    # by the int scalars (so clamp_ on bool cannot write its int64 result back).
    OpSpec("clamp", "clamp", _clamp(-1, 2), kwargs=dict(min=-1, max=2),
           dtypes=FLOATS + INTS[:-1]),
    OpSpec("clamp_uint8", "clamp", _clamp(1, 5), kwargs=dict(min=1, max=5),
           dtypes=("uint8", "bool"), result_override={"bool": "int64"}),
    OpSpec("clamp_min", "clamp", _clamp(lo=0), kwargs=dict(min=0), dtypes=NUMERIC),
    OpSpec("clamp_max", "clamp", _clamp(hi=1), kwargs=dict(max=1), dtypes=NUMERIC),
    # float bounds promote integer (and bool) inputs to the default float dtype
    OpSpec("clamp_float_bounds", "clamp", _clamp(-0.5, 1.5), kwargs=dict(min=-0.5, max=1.5),
           result="float"),

    # ---- binary -------------------------------------------------------------------------------
    OpSpec("add", "add", np.add, arity=2, domain=("real", "real"), scalar_other=True),
    OpSpec("add_alpha", "add", lambda a, b: a + 2 * b, arity=2, domain=("real", "real"),
           dtypes=NUMERIC, kwargs=dict(alpha=2), scalar_other=True, tol=_HALF_COMPOUND_TOL),
    OpSpec("sub", "sub", np.subtract, arity=2, domain=("real", "real"), dtypes=NUMERIC,
           rejects=_BOOL, error=_SUB_BOOL, scalar_other=True),
    OpSpec("sub_alpha", "sub", lambda a, b: a - 3 * b, arity=2, domain=("real", "real"),
           dtypes=NUMERIC, kwargs=dict(alpha=3), scalar_other=True, tol=_HALF_COMPOUND_TOL),
    OpSpec("mul", "mul", np.multiply, arity=2, domain=("real", "real"), scalar_other=True),
    OpSpec("div", "div", np.true_divide, arity=2, domain=("real", "nonzero"), result="float",
           scalar_other=True),
    OpSpec("div_trunc", "div", _trunc_div, arity=2, domain=("real", "divisor"), dtypes=NUMERIC,
           rejects=_BOOL, kwargs=dict(rounding_mode="trunc"), scalar_other=True),
    OpSpec("div_floor", "div", np.floor_divide, arity=2, domain=("real", "divisor"),
           dtypes=NUMERIC, rejects=_BOOL, kwargs=dict(rounding_mode="floor"), scalar_other=True),
    OpSpec("floor_divide", "floor_divide", np.floor_divide, arity=2, domain=("real", "divisor"),
           dtypes=NUMERIC, rejects=_BOOL, scalar_other=True),
    OpSpec("remainder", "remainder", np.remainder, arity=2, domain=("real", "divisor"),
           dtypes=NUMERIC, rejects=_BOOL, scalar_other=True),  # sign of the divisor
    OpSpec("fmod", "fmod", np.fmod, arity=2, domain=("real", "divisor"), dtypes=NUMERIC,
           rejects=_BOOL, scalar_other=True),  # sign of the dividend
    OpSpec("pow", "pow", np.power, arity=2, domain=("pow_base", "pow_exp"), dtypes=NUMERIC,
           rejects=_BOOL, scalar_other=True),
    OpSpec("atan2", "atan2", np.arctan2, arity=2, domain=("real", "real"), result="float"),
    OpSpec("maximum", "maximum", np.maximum, arity=2, domain=("coarse", "real"), **_NO_INPLACE),
    OpSpec("minimum", "minimum", np.minimum, arity=2, domain=("coarse", "real"), **_NO_INPLACE),
    OpSpec("eq", "eq", np.equal, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("ne", "ne", np.not_equal, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("lt", "lt", np.less, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("le", "le", np.less_equal, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("gt", "gt", np.greater, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("ge", "ge", np.greater_equal, arity=2, domain=("coarse", "coarse"), result="bool",
           scalar_other=True),
    OpSpec("bitwise_and", "bitwise_and", np.bitwise_and, arity=2, domain=("real", "real"),
           dtypes=INTS + _BOOL, rejects=FLOATS, scalar_other=True),
    OpSpec("bitwise_or", "bitwise_or", np.bitwise_or, arity=2, domain=("real", "real"),
           dtypes=INTS + _BOOL, rejects=FLOATS, scalar_other=True),
    OpSpec("bitwise_xor", "bitwise_xor", np.bitwise_xor, arity=2, domain=("real", "real"),
           dtypes=INTS + _BOOL, rejects=FLOATS, scalar_other=True),
    OpSpec("bitwise_left_shift", "bitwise_left_shift", np.left_shift, arity=2,
           domain=("real", "shift"), dtypes=INTS, rejects=FLOATS + _BOOL, scalar_other=True),
    OpSpec("bitwise_right_shift", "bitwise_right_shift", np.right_shift, arity=2,
           domain=("real", "shift"), dtypes=INTS, rejects=FLOATS + _BOOL, scalar_other=True),
    OpSpec("logical_and", "logical_and", np.logical_and, arity=2, domain=("coarse", "coarse"),
           result="bool"),
    OpSpec("logical_or", "logical_or", np.logical_or, arity=2, domain=("coarse", "coarse"),
           result="bool"),
    OpSpec("logical_xor", "logical_xor", np.logical_xor, arity=2, domain=("coarse", "coarse"),
           result="bool"),
    OpSpec("isclose", "isclose", np.isclose, arity=2, domain=("coarse", "coarse"), result="bool",
           **_NO_INPLACE),
    OpSpec("lerp", "lerp", lambda a, b: _lerp(a, b, 0.3), arity=2, domain=("real", "real"),
           dtypes=FLOATS, rejects=INTS + _BOOL, kwargs=dict(weight=0.3), tol=_HALF_COMPOUND_TOL),

    # ---- ternary ------------------------------------------------------------------------------
    OpSpec("where", "where", np.where, arity=3, domain=("real", "real", "real"),
           operand_dtypes=("bool", None, None), method=False, inplace=False),
    OpSpec("clamp_tensor", "clamp", _clamp(), arity=3, domain=("real", "real", "real"),
           dtypes=NUMERIC, rejects=_BOOL),
    OpSpec("lerp_tensor", "lerp", _lerp, arity=3, domain=("real", "real", "weight"),
           dtypes=FLOATS, rejects=INTS + _BOOL, tol=_HALF_COMPOUND_TOL),
    OpSpec("addcmul", "addcmul", lambda a, b, c: a + 2 * b * c, arity=3,
           domain=("real", "real", "real"), dtypes=NUMERIC, rejects=_BOOL,
           kwargs=dict(value=2), tol=_HALF_COMPOUND_TOL),
    OpSpec("addcdiv", "addcdiv", lambda a, b, c: a + 2 * b / c, arity=3,
           domain=("real", "real", "nonzero"), dtypes=FLOATS, rejects=INTS + _BOOL,
           error=ADDCDIV_INT, kwargs=dict(value=2), tol=_HALF_COMPOUND_TOL),
]

assert len({s.id for s in OPS}) == len(OPS), "spec ids must be unique"


def result_dtype(spec, dtype):
    """The result dtype of `spec` applied to operands of dtype `dtype` (see module docstring)."""
    if dtype in spec.result_override:
        return spec.result_override[dtype]
    if spec.result == "same":
        return dtype
    if spec.result == "float":
        return dtype if dtype in FLOATS else "float32"
    assert spec.result == "bool", spec.result
    return "bool"


# ---- reductions ---------------------------------------------------------------------------------
# Result rules: "same"; "int64_for_ints" (sum/prod: bool and integer inputs accumulate in int64);
# "int64" (argmax, count_nonzero); "bool_or_uint8" (all/any: bool, except uint8 stays uint8).
@dataclass(frozen=True)
class ReductionSpec:
    id: str
    name: str
    ref: object                  # numpy reference: ref(array, axis=tuple|None, keepdims=bool)
    dtypes: tuple = ALL
    rejects: tuple = ()
    error: tuple = NOT_IMPL
    result: str = "same"
    multi_dim: bool = True       # dim may be a tuple
    needs_dim: bool = False      # no all-dims form (logsumexp)
    kwargs: dict = field(default_factory=dict)
    domain: str = "real"
    empty_value: object = None   # full reduction of 0 elements: a value, or an exception type
    empty_error: tuple = None    # (exception, message) when reducing a 0-length dim
    tol: dict = field(default_factory=dict)


def _var(correction):
    def ref(x, axis=None, keepdims=False):
        return np.var(x, axis=axis, ddof=correction, keepdims=keepdims)
    return ref


def _std(correction):
    def ref(x, axis=None, keepdims=False):
        return np.std(x, axis=axis, ddof=correction, keepdims=keepdims)
    return ref


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _norm(p):
    def ref(x, axis=None, keepdims=False):
        a = np.abs(x)
        if p == 0:
            return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
        if p == np.inf:
            return np.max(a, axis=axis, keepdims=keepdims)
        return np.sum(a ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)
    return ref


def _count_nonzero(x, axis=None, keepdims=False):
    return np.sum(x != 0, axis=axis, keepdims=keepdims)


_EMPTY_DIM_MAX = (IndexError, r"Expected reduction dim 0 to have non-zero size")
_FLOAT_ONLY_VAR = (NotImplementedError, "std and var only support floating point")
_FLOAT_ONLY_NORM = (NotImplementedError, "Expected a floating point or complex tensor as input")
_MEAN_INT = (NotImplementedError, "mean\\(\\): could not infer output dtype")
_ARG_BOOL = (NotImplementedError, "does not support bool input")

REDUCTIONS = [
    ReductionSpec("sum", "sum", np.sum, result="int64_for_ints", domain="dyadic", empty_value=0),
    ReductionSpec("mean", "mean", np.mean, dtypes=FLOATS, rejects=INTS + _BOOL, error=_MEAN_INT,
                  domain="dyadic", empty_value=float("nan")),
    ReductionSpec("prod", "prod", np.prod, result="int64_for_ints", multi_dim=False,
                  domain="coarse", empty_value=1),
    ReductionSpec("amax", "amax", np.max, empty_value=RuntimeError, empty_error=_EMPTY_DIM_MAX),
    ReductionSpec("amin", "amin", np.min, empty_value=RuntimeError, empty_error=_EMPTY_DIM_MAX),
    ReductionSpec("argmax", "argmax", np.argmax, dtypes=NUMERIC, rejects=_BOOL, error=_ARG_BOOL,
                  result="int64", multi_dim=False, empty_value=IndexError,
                  empty_error=_EMPTY_DIM_MAX),
    ReductionSpec("argmin", "argmin", np.argmin, dtypes=NUMERIC, rejects=_BOOL, error=_ARG_BOOL,
                  result="int64", multi_dim=False, empty_value=IndexError,
                  empty_error=_EMPTY_DIM_MAX),
    ReductionSpec("var", "var", _var(1), dtypes=FLOATS, rejects=INTS + _BOOL,
                  error=_FLOAT_ONLY_VAR),
    ReductionSpec("var_correction0", "var", _var(0), dtypes=FLOATS, kwargs=dict(correction=0)),
    ReductionSpec("var_correction2", "var", _var(2), dtypes=FLOATS, kwargs=dict(correction=2)),
    ReductionSpec("var_biased", "var", _var(0), dtypes=FLOATS, kwargs=dict(unbiased=False)),
    ReductionSpec("std", "std", _std(1), dtypes=FLOATS, rejects=INTS + _BOOL,
                  error=_FLOAT_ONLY_VAR),
    ReductionSpec("std_correction0", "std", _std(0), dtypes=FLOATS, kwargs=dict(correction=0)),
    ReductionSpec("std_unbiased", "std", _std(1), dtypes=FLOATS, kwargs=dict(unbiased=True)),
    ReductionSpec("logsumexp", "logsumexp", _logsumexp, result="float_for_ints", needs_dim=True),
    ReductionSpec("norm", "norm", _norm(2), dtypes=FLOATS, rejects=INTS + _BOOL,
                  error=_FLOAT_ONLY_NORM, empty_value=0),
    ReductionSpec("norm_p1", "norm", _norm(1), dtypes=FLOATS, kwargs=dict(p=1)),
    ReductionSpec("norm_inf", "norm", _norm(np.inf), dtypes=FLOATS, kwargs=dict(p=float("inf"))),
    ReductionSpec("norm_fro", "norm", _norm(2), dtypes=FLOATS, kwargs=dict(p="fro")),
    ReductionSpec("norm_p0", "norm", _norm(0), dtypes=FLOATS, kwargs=dict(p=0), domain="coarse"),
    ReductionSpec("all", "all", np.all, result="bool_or_uint8", domain="coarse",
                  empty_value=True),
    ReductionSpec("any", "any", np.any, result="bool_or_uint8", domain="coarse",
                  empty_value=False),
    ReductionSpec("count_nonzero", "count_nonzero", _count_nonzero, result="int64",
                  domain="coarse", empty_value=0),
]

assert len({s.id for s in REDUCTIONS}) == len(REDUCTIONS), "reduction ids must be unique"


def reduction_result_dtype(spec, dtype):
    rule = spec.result
    if rule == "same":
        return dtype
    if rule == "int64":
        return "int64"
    if rule == "int64_for_ints":
        return dtype if dtype in FLOATS else "int64"
    if rule == "float_for_ints":
        return dtype if dtype in FLOATS else "float32"
    assert rule == "bool_or_uint8", rule
    return "uint8" if dtype == "uint8" else "bool"
