"""numpy references of the structured ops (op_db_structured.py): the ones that need more than one
numpy call."""
import numpy as np

from op_db import FLOATS


def _both(f):
    """fn and ref of an op written the same way for tensors and arrays (indexing)."""
    return dict(fn=lambda t, *a: f(*a), ref=f)


def _setitem(key, value=None):
    """x[key(*index operands)] = value (None: the last operand); numpy works on a copy."""
    def f(x, *rest):
        v = value
        if value is None:
            *rest, v = rest
        if isinstance(x, np.ndarray):
            x = x.copy()
        x[key(*rest)] = v
        return x
    return f


def _int64_for_ints(dtype):
    return dtype if dtype in FLOATS else "int64"


def _coords(index, axis):
    """The full coordinates that scatter-like ops address: `index` along `axis`, the position
    itself along every other dim."""
    pos = list(np.indices(index.shape))
    pos[axis] = index
    return tuple(pos)


def _lead(src, shape):
    return src[tuple(slice(0, n) for n in shape)]


def _scatter(axis, reduce=None, include_self=True):
    """scatter (reduce None: assignment, distinct targets) / scatter_add / scatter_reduce."""
    def ref(x, index, src):
        out, pos, vals = np.array(x, copy=True), _coords(index, axis), _lead(src, index.shape)
        if reduce is None:
            out[pos] = vals
        elif reduce == "mean":
            total, count = np.array(x, dtype=np.float64), np.ones(x.shape)
            if not include_self:
                total[pos], count[pos] = 0, 0
            np.add.at(total, pos, vals)
            np.add.at(count, pos, 1)
            mean = total / count
            out = np.floor(mean) if x.dtype.kind in "iu" else mean
        else:
            ufunc = {"sum": np.add, "prod": np.multiply, "amax": np.maximum,
                     "amin": np.minimum}[reduce]
            if not include_self:  # the scattered positions start from the identity / a source
                out[pos] = {"sum": 0, "prod": 1}.get(reduce, vals)
            ufunc.at(out, pos, vals)
        return out
    return ref


def _index_put(axis, ufunc=None, alpha=1):
    """index_copy (ufunc None) / index_add along `axis`: the source's slices go to index's rows."""
    def ref(x, index, src):
        out = np.moveaxis(np.array(x, copy=True), axis, 0)
        src = np.moveaxis(src, axis, 0)
        if ufunc is None:
            out[index] = src
        else:
            ufunc.at(out, index, src * alpha if alpha != 1 else src)
        return np.moveaxis(out, 0, axis)
    return ref


def _index_fill(axis, value):
    def ref(x, index):
        out = np.moveaxis(np.array(x, copy=True), axis, 0)
        out[index] = value
        return np.moveaxis(out, 0, axis)
    return ref


def _masked_scatter(x, mask, src):
    out, mask = np.array(x, copy=True), np.broadcast_to(mask, x.shape)
    out[mask] = src.reshape(-1)[:int(mask.sum())]
    return out


def _split_at(size_or_sizes, axis):
    def ref(x):
        n = x.shape[axis]
        if isinstance(size_or_sizes, int):
            cuts = list(range(size_or_sizes, n, size_or_sizes))
        else:
            cuts = list(np.cumsum(size_or_sizes)[:-1])
        return np.split(x, cuts, axis)
    return ref


def _chunk(chunks, axis):
    """torch.chunk: pieces of ceil(n / chunks); a 0-size dim gives `chunks` empty pieces."""
    def ref(x):
        n = x.shape[axis]
        return _split_at(-(-n // chunks), axis)(x) if n else [x] * chunks
    return ref


def _unfold(axis, size, step):
    def ref(x):
        w = np.lib.stride_tricks.sliding_window_view(x, size, axis=axis)
        return np.take(w, range(0, w.shape[axis], step), axis=axis)
    return ref


def _argsort(x, axis, descending=False):
    """PyTorch's stable sort order: NaN after every number (before them when descending),
    -0.0 equal to 0.0, equal values in their original order either way."""
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    nan = np.isnan(x)
    v = np.where(nan, 0.0, x)
    idx = np.lexsort((-v, ~nan) if descending else (v, nan), axis=-1)
    return np.moveaxis(idx, -1, axis)


def _sort(axis, descending=False):
    def ref(x):
        idx = _argsort(x, axis, descending)
        return np.take_along_axis(x, idx, axis), idx
    return ref


def _topk(k, axis, largest=True):
    """Values only: which of several equal elements is picked is unspecified (see _points)."""
    def ref(x):
        vals, _ = _sort(axis, largest)(x)
        return np.take(vals, range(k), axis=axis), None
    return ref


def _kthvalue(k, axis, keepdim=False):
    def ref(x):
        vals = np.take(_sort(axis)(x)[0], [k - 1], axis=axis)
        return (vals if keepdim else np.squeeze(vals, axis)), None
    return ref


def _median_all(x):
    x = np.asarray(x).reshape(-1)
    if x.dtype.kind == "f" and np.isnan(x).any():
        return np.array(np.nan)
    return np.sort(x)[(x.size - 1) // 2]


def _median(axis, keepdim=False):
    """The lower median along `axis`, NaN where the line holds a NaN; indices left to _points."""
    def ref(x):
        lines = np.moveaxis(x, axis, -1)
        vals = np.empty(lines.shape[:-1], dtype=x.dtype)
        for pos in np.ndindex(vals.shape):
            vals[pos] = _median_all(lines[pos])
        return (np.expand_dims(vals, axis) if keepdim else vals), None
    return ref


def _points(axis, keepdim=False):
    """Check: the indices (output 1) pick the values (output 0) out of the input along `axis`,
    each line's indices distinct."""
    def check(arrays, outputs):
        vals, idx = outputs[0], outputs[1]
        if not keepdim:
            vals, idx = np.expand_dims(vals, axis), np.expand_dims(idx, axis)
        picked = np.take_along_axis(np.asarray(arrays[0], dtype=np.float64), idx, axis)
        np.testing.assert_array_equal(picked, vals.astype(np.float64))
        lines = np.moveaxis(idx, axis, -1).reshape(-1, idx.shape[axis])
        assert all(len(set(line)) == len(line) for line in lines), "repeated index"
    return check


def _unique(x, return_inverse=False, return_counts=False):
    """torch.unique: sorted; NaNs are not equal to each other (each is its own value)."""
    u, inv, cnt = np.unique(x.reshape(-1), return_inverse=True, return_counts=True,
                            equal_nan=False)
    outs = (u,) + ((inv.reshape(x.shape),) if return_inverse else ()) + \
        ((cnt,) if return_counts else ())
    return outs if len(outs) > 1 else u


def _unique_nan(x):
    """Values and counts; the inverse (which of the NaNs an element maps to is unspecified) is
    left to _inverse_maps."""
    u, _, cnt = _unique(x, True, True)
    return u, None, cnt


def _inverse_maps(arrays, outputs):
    """Check: every element's inverse index points at its own value (NaN at a NaN)."""
    x = np.asarray(arrays[0], dtype=np.float64)
    np.testing.assert_array_equal(outputs[0].astype(np.float64)[outputs[1]], x)


def _searchsorted(right=False):
    def ref(seq, vals):
        side = "right" if right else "left"
        if seq.ndim == 1:
            return np.searchsorted(seq, vals, side)
        out = np.empty(vals.shape, dtype=np.int64)
        for pos in np.ndindex(seq.shape[:-1]):
            out[pos] = np.searchsorted(seq[pos], vals[pos], side)
        return out
    return ref


def _mm_add(beta, alpha):
    return lambda c, a, b: beta * c + alpha * np.matmul(a, b)
