"""Reductions over wide tensors in layouts that take each kernel path: reduced dims innermost
(contiguous rows), outermost with a wide contiguous kept block (accumulated row by row without a
copy), and scattered (copied once). Every path must agree with numpy."""
import numpy as np
import pytest

from _backend import torch

RNG = np.random.default_rng(7)
BASE = RNG.standard_normal((6, 70, 9)).astype(np.float64)
BASE[2, 5, 3] = np.nan  # only in the `nan` layout


def _layouts():
    yield "dim0-wide", BASE[:, :, 0].copy(), (0,)  # [6, 70] over dim 0: kept block of 70
    yield "dims02-wide", np.ascontiguousarray(BASE.transpose(1, 0, 2)), (1,)
    yield "outer-two-dims", BASE.copy(), (0, 2)  # kept dim 1 strided: copy path
    yield "permuted", BASE.transpose(2, 0, 1), (1,)  # non-contiguous input, kept block wide
    yield "inner", BASE.copy(), (2,)


CASES = [
    ("sum", lambda t, d: t.sum(d), lambda a, d: a.sum(d)),
    ("mean", lambda t, d: t.mean(d), lambda a, d: a.mean(d)),
    ("prod", lambda t, d: t.prod(d[0]) if len(d) == 1 else t.prod(d[0]).prod(d[1] - 1),
     lambda a, d: a.prod(d)),
    ("amax", lambda t, d: t.amax(d), lambda a, d: a.max(d)),
    ("amin", lambda t, d: t.amin(d), lambda a, d: a.min(d)),
    ("var", lambda t, d: t.var(d), lambda a, d: a.var(d, ddof=1)),
    ("std0", lambda t, d: t.std(d, correction=0), lambda a, d: a.std(d)),
    ("count_nonzero", lambda t, d: torch.count_nonzero(t > 0, d), lambda a, d: np.count_nonzero(a > 0, d)),
    ("any", lambda t, d: (t > 1).any(d[0]) if len(d) == 1 else (t > 1).any(d[0]).any(d[1] - 1),
     lambda a, d: (a > 1).any(d)),
]


@pytest.mark.parametrize("name,fn,ref", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("layout", list(_layouts()), ids=lambda l: l[0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_reduction_paths_agree_with_numpy(name, fn, ref, layout, dtype):
    _, arr, dims = layout
    arr = np.where(np.isnan(arr), 0.5, arr).astype(dtype)
    t = torch.from_numpy(arr.copy()) if arr.flags.c_contiguous else torch.from_numpy(arr)
    got = fn(t, dims)
    want = ref(arr.astype(np.float64), dims)
    np.testing.assert_allclose(got.double().numpy(), want, rtol=2e-5 if dtype == "float32" else 1e-12,
                               atol=1e-6)


@pytest.mark.parametrize("layout", list(_layouts()), ids=lambda l: l[0])
def test_max_with_indices_and_nan(layout):
    _, arr, dims = layout
    t = torch.from_numpy(arr.copy())
    d = dims[0]
    values, indices = torch.max(t, d)
    np.testing.assert_array_equal(values.numpy(), np.max(arr, d))  # NaN propagates
    want_idx = np.where(np.isnan(arr).any(d), np.argmax(np.isnan(arr), d), np.argmax(arr, d))
    np.testing.assert_array_equal(indices.numpy(), want_idx)
