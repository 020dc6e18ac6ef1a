"""The structured ops of op_db_structured.STRUCTURED (indexing and index assignment, gather/scatter and the
index_* ops, masks, nonzero, joining/splitting, repeats, triangles and diagonals, scans, sorting
and selection, products) on cpu and wgpu against their numpy references.

Every spec runs for each of its dtypes on contiguous operands and on non-contiguous views of the
same values (dims reversed in memory, the outermost one stepped, with a storage offset), then on
its empty operands (a 0-size dim), and each of its error cases must raise PyTorch's exception with
PyTorch's message. Results are compared in dtype, shape and values: exactly for integers and
bool, within PyTorch's default tolerances for floats (widened to _wgpu.TOL on wgpu). Where an op
may pick any of several equal elements (topk, kthvalue, median indices, unique's NaNs), the spec
leaves that output to its `check`, which verifies the indices point at the right values."""
import numpy as np
import pytest

import op_db
import op_db_structured
from _backend import IS_REFERENCE, torch
from _util import DEFAULT_TOLS, STORAGE_NP, assert_values, exact, is_float, sample, to_np, to_tensor
from _wgpu import TOL, f64_error, raises_by_sync, require, seed

DEVICES = ("cpu", "wgpu")
# PyTorch warns that searchsorted copies non-contiguous operands: the strided runs mean to pass
# such operands.
pytestmark = pytest.mark.filterwarnings("ignore:.*non-contiguous:UserWarning")


# Where rustorch differs from PyTorch: the tests keep PyTorch's behaviour and are xfailed
# (strictly: a fix makes them fail until the entry goes) for rustorch only. test -> {param id or
# its prefix up to a "-": why}.
RUSTORCH_DIFFERS = {}

# wgpu combines scatter reductions with atomics, and WGSL has none of 64 bits: float64 and (but
# for sum and mean) int64 reductions raise NotImplementedError there. spec id -> reduction.
WGPU_ATOMIC_REDUCE = {
    "scatter_add": "sum", "scatter_reduce_sum": "sum", "scatter_reduce_sum_exclude_self": "sum",
    "scatter_reduce_prod": "prod", "scatter_reduce_mean": "mean",
    "scatter_reduce_mean_exclude_self": "mean", "scatter_reduce_amax": "amax",
    "scatter_reduce_amin_exclude_self": "amin", "index_add": "sum", "index_add_alpha": "sum",
}


def _device(device, dtype, spec=None):
    """Skips wgpu without an adapter; the (exception, regex) that the case must raise on wgpu
    (float64 without SHADER_F64; a 64-bit atomic reduction), or None when it computes."""
    if device != "wgpu":
        return None
    err = f64_error(require(), dtype)
    reduce = WGPU_ATOMIC_REDUCE.get(spec.id) if spec is not None else None
    if err is None and reduce and (dtype == "float64" or
                                   (dtype == "int64" and reduce not in ("sum", "mean"))):
        err = (NotImplementedError, rf"scatter_reduce\(reduce='{reduce}'\) is not implemented "
                                    rf"for {dtype} on the wgpu device")
    return err


def _operand(arg, dtype, rng):
    """(numpy values, dtype name) of one op_db_structured.Arg, `dtype` being the dtype under test."""
    name = arg.dtype or dtype
    if arg.kind == "data":
        return sample(op_db.DOMAINS[arg.domain], name, arg.shape, rng), name
    if arg.kind == "sorted":
        return np.sort(sample(op_db.DOMAINS[arg.domain], name, arg.shape, rng), axis=-1), name
    if arg.kind == "mask":
        return rng.random(arg.shape) < 0.5, "bool"
    if arg.kind == "index":
        return rng.integers(arg.lo, arg.hi, arg.shape).astype(STORAGE_NP[name]), name
    if arg.kind == "perm":  # each line along `axis`: distinct values drawn from [0, hi)
        shape = list(arg.shape)
        n, shape[arg.axis] = shape[arg.axis], arg.hi
        order = np.argsort(rng.random(shape), axis=arg.axis)
        return np.take(order, range(n), axis=arg.axis).astype(np.int64), name
    assert arg.kind == "const", arg.kind
    return exact(name, np.array(arg.values)), name


def _operands(args, dtype, *salt):
    rng = np.random.default_rng(seed(*salt, dtype))
    return [_operand(a, dtype, rng) for a in args]


def _strided(arr):
    """(base, view): `view(tensor of base)` holds `arr`'s values, non-contiguous for any ndim >=
    1: the dims are stored in reverse order, the outermost stored one takes every 2nd slot, and
    the view starts past the first (unused) slot."""
    nd = arr.ndim
    stored = np.transpose(arr, tuple(reversed(range(nd))))
    base = np.zeros((2 * stored.shape[0] + 1,) + stored.shape[1:], dtype=arr.dtype)
    base[1::2] = stored
    inner = [int(np.prod(base.shape[k + 1:])) for k in range(nd)]  # base's strides (elements)
    strides = [inner[nd - 1 - d] * (2 if d == nd - 1 else 1) for d in range(nd)]
    return base, lambda t: t.as_strided(arr.shape, strides, inner[0])


def _tensors(operands, device, strided=False):
    """The operands on `device`; strided: views of a base uploaded as is, so that the device's
    kernels see the non-contiguous layout itself."""
    out = []
    for arr, name in operands:
        base, view = _strided(arr) if strided and arr.ndim else (arr, lambda t: t)
        t = to_tensor(base, name)
        out.append(view(t if device == "cpu" else t.to(device)))
    return out


def _ref_inputs(operands):
    """What the numpy references see: floats as float64, integers and bool as they are."""
    return [a.astype(np.float64) if is_float(n) else a for a, n in operands]


def _tol(spec, name, device):
    rtol, atol = spec.tol.get(name, DEFAULT_TOLS.get(name, (0, 0)))
    if device == "wgpu" and name in TOL:
        rtol, atol = max(rtol, TOL[name][0]), max(atol, TOL[name][1])
    return rtol, atol


def _outputs(result):
    """A result as a tuple of tensors (a tensor, a tuple, a list or a named tuple)."""
    return (result,) if hasattr(result, "shape") else tuple(result)


def _check(spec, dtype, device, operands, result):
    inputs = _ref_inputs(operands)
    want = spec.ref(*inputs)
    wants = tuple(want) if isinstance(want, (tuple, list)) else (want,)
    gots = _outputs(result)
    assert len(gots) == len(wants), (len(gots), len(wants))
    for got, expected, name in zip(gots, wants, spec.out_names(dtype, len(wants))):
        assert got.device.type == device, (got.device, device)
        got = got.cpu()
        if expected is None:  # left to spec.check
            assert str(got.dtype).rsplit(".", 1)[-1] == name, (got.dtype, name)
        else:
            assert_values(got, expected, name, *_tol(spec, name, device))
    if spec.check is not None:
        spec.check(inputs, [to_np(g.cpu()) for g in gots])


def _param(test, spec, key, *values):
    """pytest.param(spec, *values) with id `key`, xfailed for rustorch where RUSTORCH_DIFFERS
    says so, and for PyTorch where the spec's reference_fails does (the run kind: key's last
    part)."""
    marks = []
    known = RUSTORCH_DIFFERS.get(test, {})
    reason = next((why for k, why in known.items() if key == k or key.startswith(k + "-")), None)
    if reason and not IS_REFERENCE:
        marks.append(pytest.mark.xfail(reason=f"rustorch differs from PyTorch: {reason}"))
    reason = spec.reference_fails.get(key.rsplit("-", 1)[-1])
    if reason and IS_REFERENCE:
        marks.append(pytest.mark.xfail(reason=reason))
    return pytest.param(spec, *values, id=key, marks=marks)


def _cases(test, layouts=("",), select=lambda spec: True):
    for spec in op_db_structured.STRUCTURED:
        if select(spec):
            for dtype in spec.dtypes:
                for layout in layouts:
                    key = f"{spec.id}-{dtype}" + (f"-{layout}" if layout else "")
                    yield _param(test, spec, key, dtype, *((layout,) if layout else ()))


def _run_and_check(spec, dtype, device, args, salt, strided=False):
    # (an empty index reduces nothing, so it needs no atomics)
    err = _device(device, dtype, spec if salt == "values" else None)
    operands = _operands(args, dtype, spec.id, salt)
    run = lambda: spec.fn(torch, *_tensors(operands, device, strided))  # noqa: E731
    if err is not None:
        with pytest.raises(err[0], match=err[1]):
            run()
        return
    _check(spec, dtype, device, operands, run())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec,dtype,layout",
                         list(_cases("test_matches_numpy", ("contiguous", "strided"))))
def test_matches_numpy(spec, dtype, layout, device):
    _run_and_check(spec, dtype, device, spec.args, "values", strided=layout == "strided")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec,dtype",
                         list(_cases("test_empty", select=lambda spec: spec.empty is not None)))
def test_empty(spec, dtype, device):
    _run_and_check(spec, dtype, device, spec.empty, "empty")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec,err", [_param("test_errors", spec, f"{spec.id}-{k}", err)
                                      for spec in op_db_structured.STRUCTURED
                                      for k, err in enumerate(spec.errors)])
def test_errors(spec, err, device):
    dtype = err.dtype or spec.dtypes[0]
    _device(device, dtype)
    tensors = _tensors(_operands(err.args, dtype, spec.id, "error"), device)
    with raises_by_sync(device, err.exc, match=err.match):  # wgpu raises index checks there
        (err.fn or spec.fn)(torch, *tensors)
