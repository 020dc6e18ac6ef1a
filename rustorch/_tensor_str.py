"""Text rendering of tensors, laid out exactly like PyTorch's ``repr()``.

PyTorch's printed form is the specification: same number formatting, column
widths, summarisation, line wrapping and suffix order.  The one deliberate
difference is the dtype suffix, which names this module (``rustorch.int32``)
instead of ``torch.int32``.

The Tensor class calls :func:`format_tensor` with its values already copied
into a numpy array; everything here is plain Python + numpy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from typing import Any

__all__ = ["format_tensor", "set_printoptions", "get_printoptions"]

_FLOAT_DTYPES = frozenset({"float32", "float64", "float16", "bfloat16"})
# A non-empty tensor of one of these dtypes prints without a ``dtype=``
# suffix: float32 is the default dtype, and int64/bool are what a literal
# like ``tensor([1, 2])`` or ``tensor([True])`` would produce anyway.
_IMPLIED_DTYPES = frozenset({"float32", "int64", "bool"})
# An empty tensor has no literals to infer a dtype from, so only the default
# float dtype is left implicit.
_DEFAULT_DTYPE = "float32"
# Module name shown in ``dtype=`` suffixes.
_DTYPE_PREFIX = "rustorch."

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}

_options = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Change how tensors print; mirrors ``torch.set_printoptions``.

    precision: digits after the decimal point for floats (default 4).
    threshold: element count above which the output is summarised (1000).
    edgeitems: items kept at each edge of a summarised dimension (3).
    linewidth: characters per line before wrapping (80).
    profile:   "default", "short" or "full"; applied first, so explicit
               arguments in the same call win.  Like torch, an unknown
               profile name is ignored.
    sci_mode:  True/False forces scientific notation on/off; None lets the
               values decide.  As in torch it is *always* assigned, so any
               call that omits it resets it to None.
    """
    if profile in _PROFILES:
        _options.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _options[key] = value
    _options["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return a copy of the current print options as a dict."""
    return dict(_options)


class _Formatter:
    """Decides one number style and one column width for a whole tensor.

    torch picks the style from all (summarised) values at once, so every
    element of a tensor shares the same notation and is right-aligned to the
    widest one.
    """

    def __init__(self, flat, is_float):
        self.is_float = is_float
        self.int_mode = True     # floats that are all whole numbers print "3."
        self.sci_mode = False
        self.width = 1
        precision = _options["precision"]
        if not is_float:
            self.width = max((len(str(v)) for v in flat.tolist()), default=1)
        else:
            # Only finite non-zero values steer the style and the width; zero,
            # nan and inf are just padded (or overflow) to the width they set.
            vals = flat[np.isfinite(flat) & (flat != 0)]
            if vals.size:
                mags = np.abs(vals)
                lo, hi = float(mags.min()), float(mags.max())
                self.int_mode = bool(np.all(vals == np.ceil(vals)))
                # Switch to scientific notation when fixed point would need
                # too many digits: a wide spread or a huge magnitude, or (for
                # non-whole values only) something too small for `precision`.
                self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8
                if not self.int_mode:
                    self.sci_mode = self.sci_mode or lo < 1.0e-4
                # A user's sci_mode wins, but only here: torch ignores it when
                # there are no finite non-zero values (zeros stay "0.").
                if _options["sci_mode"] is not None:
                    self.sci_mode = _options["sci_mode"]
                # The width is measured in the notation finally chosen (so
                # a forced sci_mode=False widens the column to fixed point).
                if self.sci_mode:
                    spec, extra = ".{}e".format(precision), 0
                elif self.int_mode:
                    spec, extra = ".0f", 1          # +1 for the trailing "."
                else:
                    spec, extra = ".{}f".format(precision), 0
                self.width = max(len(format(v, spec))
                                 for v in vals.tolist()) + extra

    def format(self, value):
        precision = _options["precision"]
        if not self.is_float:
            text = str(value)
        elif self.sci_mode:
            text = format(value, "{}.{}e".format(self.width, precision))
        elif self.int_mode:
            text = format(value, ".0f")
            if math.isfinite(value):
                text += "."
        else:
            text = format(value, ".{}f".format(precision))
        return text.rjust(self.width)


def _summary_sample(arr):
    """The values that stay visible after summarisation (edges of each dim).

    The formatter is built from these only, so hidden values cannot change
    the notation or the column width.
    """
    edge = _options["edgeitems"]
    for axis, n in enumerate(arr.shape):
        if n > 2 * edge:
            keep = np.r_[0:edge, n - edge:n]
            arr = np.take(arr, keep, axis=axis)
    return arr


def _render(arr, indent, summarize, fmt):
    """Nested-bracket text for ``arr``, whose first line starts at ``indent``."""
    if arr.ndim == 0:
        return fmt.format(arr.item())
    edge = _options["edgeitems"]
    n = arr.shape[0]
    cut = summarize and n > 2 * edge     # replace the middle by "..."
    if arr.ndim == 1:
        if summarize and not edge:
            items = ["..."]
        elif cut:
            items = ([fmt.format(v) for v in arr[:edge].tolist()] + [" ..."]
                     + [fmt.format(v) for v in arr[n - edge:].tolist()])
        else:
            items = [fmt.format(v) for v in arr.tolist()]
        # Each element takes its width plus ", ".  The count per line is fixed
        # from that, even though the last one on a line carries only ",".
        per_line = max(1, int((_options["linewidth"] - indent)
                              // (fmt.width + 2)))
        lines = [", ".join(items[i:i + per_line])
                 for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if cut:
        rows = ([_render(arr[i], indent + 1, summarize, fmt)
                 for i in range(edge)] + ["..."]
                + [_render(arr[i], indent + 1, summarize, fmt)
                   for i in range(n - edge, n)])
    else:
        rows = [_render(sub, indent + 1, summarize, fmt) for sub in arr]
    # Sub-blocks of a k-D tensor are separated by k-1 newlines, i.e. k-2
    # blank lines: none between rows of a matrix, one between matrices, ...
    sep = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def _append_suffixes(text, suffixes, indent):
    """Append ``, suffix`` parts and the closing ``)``, wrapping at linewidth.

    torch measures the last line as its visible length plus two and starts
    a new line (indented to align with the values) when that plus
    ``len(suffix) + 2`` exceeds ``linewidth``; so a line that would end
    exactly at ``linewidth`` is wrapped.  After a wrap it forgets the "+2",
    so the next suffix may then overshoot the width by one, as in torch.
    """
    parts = [text]
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _options["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(values, dtype_name, device="cpu", grad_fn_name=None,
                  requires_grad=False):
    """Full ``repr()`` text of a tensor.

    values:        numpy array with the tensor's values and shape (float16
                   arrays for float16; float32 arrays holding bf16-exact
                   values for bfloat16).
    dtype_name:    "float32", "int64", "bool", ... (without module prefix).
    device:        "cpu" or e.g. "wgpu:0"; shown only when not on the CPU.
    grad_fn_name:  name of the node that produced the tensor, if any.
    requires_grad: shown (for leaves only) when there is no grad_fn.
    """
    arr = np.asarray(values)
    prefix = "tensor("
    indent = len(prefix)
    size_suffix = "size=" + str(tuple(int(d) for d in arr.shape))
    dtype_suffix = "dtype=" + _DTYPE_PREFIX + dtype_name

    suffixes = []
    if str(device).split(":")[0] != "cpu":
        suffixes.append("device='{}'".format(device))
    if arr.size == 0:
        # "[]" alone reads as shape (0,), so any other shape is spelled out.
        if arr.ndim != 1:
            suffixes.append(size_suffix)
        if dtype_name != _DEFAULT_DTYPE:
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        # With edgeitems=0 a summary would hide every value, leaving the
        # shape as the only information; torch then adds size= whether or
        # not this particular tensor is summarised.
        if not _options["edgeitems"]:
            suffixes.append(size_suffix)
        if dtype_name not in _IMPLIED_DTYPES:
            suffixes.append(dtype_suffix)
        # No up-front conversion (a copy of a huge tensor): .tolist() turns
        # every element into a Python float/int/bool, and Python's
        # formatting of that exact widened value is what torch prints too.
        is_float = dtype_name in _FLOAT_DTYPES
        summarize = arr.size > _options["threshold"]
        sample = _summary_sample(arr) if summarize else arr
        fmt = _Formatter(sample.reshape(-1), is_float)
        body = _render(arr, indent, summarize, fmt)

    if grad_fn_name is not None:
        suffixes.append("grad_fn=<{}>".format(grad_fn_name))
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _append_suffixes(prefix + body, suffixes, indent)
