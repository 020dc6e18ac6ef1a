"""einsum: an equation turned into diagonal views, sums and pairwise batched products, in PyTorch's
order (so that the result's dtype and the errors are PyTorch's too).

The equation is parsed as PyTorch parses it (spaces ignored, errors naming the position in the
string). Each operand's repeated letters become a diagonal view (no copy); every operand is then
viewed with all the labels in one order, the output's first and the summed ones after, a missing
label a dim of size 1. One operand: the summed labels are summed (``sum`` promotes integers and
bool to int64, as torch.sum does). Several: they are contracted left to right, each pair summing
first a label that only one of the two still holds, then multiplying (``mul`` when no label is
shared and summed, else one batched product ``[batch, rows, summed] @ [batch, summed, cols]``, the
shape ``_C.bmm`` takes, with bmm's dtype rules).
"""

from __future__ import annotations

import math
import string
from typing import TYPE_CHECKING, overload

from ._tensor import Tensor

if TYPE_CHECKING:
    from collections.abc import Sequence

_LETTERS = set(string.ascii_letters)


def _label_error(eq, i):
    return RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be "
                        f"in [a-zA-Z]")


def _parse(eq, operands):
    """(labels per operand with "..." for an ellipsis, output labels or None when implicit)."""
    arrow = eq.find("->")
    lhs = eq if arrow < 0 else eq[:arrow]
    terms, ellipsis, i = [[]], False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            op = len(terms) - 1
            if ellipsis:
                raise RuntimeError(f"einsum(): found '.' for operand {op} for which an ellipsis was already found")
            if not lhs.startswith("...", i):
                raise RuntimeError(f"einsum(): found '.' for operand {op} that is not part of any ellipsis")
            terms[-1].append("...")
            ellipsis, i = True, i + 2
        elif c == ",":
            if len(terms) == len(operands):
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            terms.append([])
            ellipsis = False
        elif c != " ":
            if c not in _LETTERS:
                raise _label_error(eq, i)
            terms[-1].append(c)
        i += 1
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if arrow < 0:
        return terms, None
    out, ellipsis, i = [], False, 0
    rhs = eq[arrow + 2:]
    while i < len(rhs):
        c = rhs[i]
        if c == ".":
            if ellipsis:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
            if not rhs.startswith("...", i):
                raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
            out.append("...")
            ellipsis, i = True, i + 2
        elif c != " ":
            if c not in _LETTERS:
                raise _label_error(eq, len(lhs) + 2 + i)
            if c in out or not any(c in t for t in terms):
                raise RuntimeError(f"einsum(): output subscript {c}"
                                   + (" appears more than once in the output" if c in out else
                                      " does not appear in the equation for any input operand"))
            out.append(c)
        i += 1
    return terms, out


def _align(operands, terms, out):
    """Every operand as a view with the same labels in one order: the output's (``n_out`` of them)
    then the summed ones; (views, n_out, per label the number of operands where its size is not 1)."""
    ell_dims = 0
    for i, (t, term) in enumerate(zip(operands, terms)):
        n = sum(1 for c in term if c != "...")
        if "..." in term:
            if n > t.dim():
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the number "
                                   f"of dimensions ({t.dim()}) for operand {i}")
            ell_dims = max(ell_dims, t.dim() - n)
        elif n != t.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the number of "
                               f"dimensions ({t.dim()}) for operand {i} and no ellipsis was given")
    ell = [str(j) for j in range(ell_dims)]  # the ellipsis dims' private labels, right-aligned
    if out is None:  # implicit: the ellipsis dims, then the letters used once, in alphabetical order
        counts = {}
        for term in terms:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        out = ["..."] + sorted((c for c, k in counts.items() if k == 1 and c != "..."),
                               key=lambda c: (c.islower(), c))
    order = [x for c in out for x in (ell if c == "..." else [c])]
    n_out = len(order)
    if "..." not in out:
        order += ell
    order += sorted({c for term in terms for c in term if c != "..." and c not in order},
                    key=lambda c: (c.islower(), c))
    sizes, ell_sizes, counts, views = {}, {}, [0] * len(order), []
    for i, (t, term) in enumerate(zip(operands, terms)):
        labels = [x for c in term for x in (ell[ell_dims - (t.dim() - len(term) + 1):] if c == "..." else [c])]
        shape, strides, where = [], [], {}
        for d, (c, size, st) in enumerate(zip(labels, t.shape, t.stride())):
            if c in where:  # repeated: the diagonal
                j = where[c]
                if shape[j] != size:
                    raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't "
                                       f"match, {size} != {shape[j]}")
                strides[j] += st
                continue
            if size != 1:
                seen = (ell_sizes if c.isdigit() else sizes).get(c, 1)
                if seen != 1 and seen != size:
                    if c.isdigit():
                        raise RuntimeError(f"einsum(): dimension {d} covered by ellipsis in operand {i}has size "
                                           f"{size} which does not broadcast with previously seen ellipsis with "
                                           f"size {seen} for the respective dimension")
                    raise RuntimeError(f"einsum(): subscript {c} has size {size} for operand {i} which does not "
                                       f"broadcast with previously seen size {seen}")
                (ell_sizes if c.isdigit() else sizes)[c] = size
                counts[order.index(c)] += 1
            where[c] = len(shape)
            shape.append(size)
            strides.append(st)
        views.append(t.as_strided([shape[where[c]] if c in where else 1 for c in order],
                                  [strides[where[c]] if c in where else 0 for c in order], t.storage_offset()))
    return views, n_out, counts


def _sumproduct(a, b, summed):
    """PyTorch's sumproduct_pair: ``(a * b).sum(summed, keepdim=True)`` for aligned operands, as
    one batched product (each summed dim has a size other than 1 in both)."""
    if not summed:
        return a * b
    from ._linalg import _product

    batch, rows, cols = [], [], []
    for d in range(a.dim()):
        if d in summed:
            continue
        sa, sb = a.shape[d] != 1, b.shape[d] != 1
        (batch if sa and sb else rows if sa else cols).append(d)
    n = lambda t, dims: math.prod(t.shape[d] for d in dims)  # noqa: E731
    # (a's cols and b's rows have size 1: they ride along in the permutations)
    left = a.permute(*batch, *rows, *summed, *cols).reshape(n(a, batch), n(a, rows), n(a, summed))
    right = b.permute(*batch, *summed, *cols, *rows).reshape(n(b, batch), n(b, summed), n(b, cols))
    r = _product(left, right, "bmm")
    shape = [a.shape[d] for d in batch + rows] + [1] * len(summed) + [b.shape[d] for d in cols]
    perm = batch + rows + summed + cols
    return r.view(*shape).permute(*[perm.index(d) for d in range(a.dim())])


@overload
def einsum(equation: str, /, *operands: Tensor) -> Tensor: ...
@overload
def einsum(equation: str, operands: Sequence[Tensor], /) -> Tensor: ...
def einsum(*args):
    """einsum(equation, *operands) -> Tensor

    Sums of products over the letters of ``equation`` (NumPy's notation: ``"ij,jk->ik"``, ``...``,
    repeated letters for diagonals, an implicit output when there is no ``->``).

    >>> a, b = rustorch.ones(2, 3), rustorch.ones(3, 4)
    >>> rustorch.einsum("ij,jk->ik", a, b).shape
    rustorch.Size([2, 4])
    >>> rustorch.einsum("ii", rustorch.eye(3)).item()
    3.0
    """
    equation, operands = args[0] if args else None, list(args[1:])
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(op).__name__}")
    terms, out = _parse(equation, operands)
    ops, n_out, counts = _align(operands, terms, out)
    n = ops[0].dim()
    if len(ops) == 1:
        t = ops[0]
        return t.sum(dim=list(range(n_out, n))) if n > n_out else t
    t = ops[0]
    for b in ops[1:]:
        summed, sum_a, sum_b = [], [], []
        for d in range(n_out, n):
            if t.shape[d] != 1 and b.shape[d] != 1:
                counts[d] -= 1
                if counts[d] == 1:
                    summed.append(d)
                    counts[d] = 0
            elif counts[d] == 1:
                if t.shape[d] != 1:
                    sum_a.append(d)
                    counts[d] = 0
                elif b.shape[d] != 1:
                    sum_b.append(d)
                    counts[d] = 0
        if sum_a:
            t = t.sum(dim=sum_a, keepdim=True)
        if sum_b:
            b = b.sum(dim=sum_b, keepdim=True)
        t = _sumproduct(t, b, summed)
    return t.reshape(*t.shape[:n_out]) if n > n_out else t  # the summed dims are all 1 by now
