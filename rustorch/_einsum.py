"""einsum: an equation turned into diagonal views, sums and pairwise batched products.

Each operand's repeated letters become a diagonal view (no copy); letters no one else needs are
summed away first; operands are then contracted left to right, each pair as one batched product
([batch, rows, contracted] @ [batch, contracted, cols]), exactly the shape ``_C.bmm`` takes.
"""

import builtins
import math
import string

from ._tensor import Tensor

_LETTERS = set(string.ascii_letters)


def _parse(equation, operands):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum(): more operands were provided than specified in the equation"
                         if len(operands) > len(terms) else
                         "einsum(): fewer operands were provided than specified in the equation")
    ell_rank = 0
    parsed = []
    for term, op in zip(terms, operands):
        if term.count("...") > 1 or "." in term.replace("...", ""):
            raise ValueError("einsum(): found '.' for operand that is not part of any ellipsis")
        letters = [c for c in term.replace("...", "")]
        for c in letters:
            if c not in _LETTERS:
                raise ValueError(f"einsum(): invalid subscript given at index {eq.index(c)} in the equation "
                                 f"string, subscripts must be in [a-zA-Z]")
        if "..." in term:
            n = op.dim() - len(letters)
            if n < 0:
                raise ValueError(f"einsum(): the number of subscripts in the equation ({len(letters)}) is more "
                                 f"than the number of dimensions ({op.dim()}) for operand {len(parsed)}")
            ell_rank = builtins.max(ell_rank, n)
        elif len(letters) != op.dim():
            raise ValueError(f"einsum(): the number of subscripts in the equation ({len(letters)}) does not match "
                             f"the number of dimensions ({op.dim()}) for operand {len(parsed)} and no ellipsis "
                             f"was given")
        parsed.append(term)
    # Ellipsis dims get private labels (digits), right-aligned across operands as PyTorch does.
    ell = [str(i) for i in range(ell_rank)]
    labels = []
    for term, op in zip(parsed, operands):
        if "..." in term:
            pre, post = term.split("...")
            n = op.dim() - len(pre) - len(post)
            labels.append(list(pre) + ell[ell_rank - n:] + list(post))
        else:
            labels.append(list(term))
    if arrow:
        if rhs.count("...") > 1:
            raise ValueError("einsum(): found '.' for output that is not part of any ellipsis")
        pre, dots, post = rhs.partition("...")
        out = list(pre) + (ell if dots else []) + list(post)
        seen = set()
        for c in out:
            if c in seen:
                raise ValueError(f"einsum(): output subscript {c} appears more than once in the output")
            if not c.isdigit() and c not in _LETTERS:
                raise ValueError(f"einsum(): invalid subscript given at index {eq.index(c)} in the equation "
                                 f"string, subscripts must be in [a-zA-Z]")
            if not c.isdigit() and not any(c in lab for lab in labels):
                raise ValueError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                 f"input operand")
            seen.add(c)
    else:
        # Implicit output: the ellipsis dims, then the letters used once, in alphabetical order.
        counts = {}
        for lab in labels:
            for c in lab:
                counts[c] = counts.get(c, 0) + 1
        out = ell + sorted(c for c, n in counts.items() if n == 1 and not c.isdigit())
    return labels, out


def _diagonal(t, labels):
    """Repeated labels of one operand -> one dim (a strided view of the diagonal)."""
    uniq, shape, strides = [], [], []
    for c, size, st in zip(labels, t.shape, t.stride()):
        if c in uniq:
            j = uniq.index(c)
            if shape[j] != size:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand but the sizes don't match, "
                                   f"{shape[j]} != {size}")
            strides[j] += st
        else:
            uniq.append(c)
            shape.append(size)
            strides.append(st)
    if len(uniq) == len(labels):
        return t, labels
    return t.as_strided(shape, strides, t.storage_offset()), uniq


def _contract(a, la, b, lb, keep):
    """a (labels la) times b (labels lb), summing the shared labels not in ``keep``."""
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    rows = [c for c in la if c not in lb]
    cols = [c for c in lb if c not in la]
    size = {}
    for lab, t in ((la, a), (lb, b)):
        for c, s in zip(lab, t.shape):
            if c in size and size[c] != s and size[c] != 1 and s != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes (original->remapped):"
                                   f" {list(a.shape)}->{list(a.shape)} {list(b.shape)}->{list(b.shape)}")
            size[c] = builtins.max(size.get(c, s), s) if size.get(c, s) != 0 and s != 0 else 0
    a = a.permute(*[la.index(c) for c in batch + rows + summed])
    b = b.permute(*[lb.index(c) for c in batch + summed + cols])
    a = a.expand(*[size[c] for c in batch + rows + summed])
    b = b.expand(*[size[c] for c in batch + summed + cols])
    n = lambda cs: math.prod(size[c] for c in cs)  # noqa: E731
    from ._linalg import _bmm

    r = _bmm(a.reshape(n(batch), n(rows), n(summed)), b.reshape(n(batch), n(summed), n(cols)))
    return r.view(*[size[c] for c in batch + rows + cols]), batch + rows + cols


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
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    equation, operands = args[0], list(args[1:])
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' must be str, not {type(equation).__name__}")
    if not operands:
        raise ValueError("einsum(): must provide at least one operand")
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): argument 'tensors' must be tuple of Tensors, not {type(op).__name__}")
    dtypes = {op.dtype for op in operands}
    if len(dtypes) > 1:
        raise RuntimeError(f"einsum(): expected all operands to have the same dtype, but got "
                           f"{', '.join(str(op.dtype) for op in operands)}")
    labels, out = _parse(equation, operands)
    terms = [_diagonal(t, lab) for t, lab in zip(operands, labels)]
    # Sum away, per operand, the letters that neither the output nor another operand uses.
    for i, (t, lab) in enumerate(terms):
        others = set(out).union(*(terms[j][1] for j in range(len(terms)) if j != i))
        lone = [d for d, c in enumerate(lab) if c not in others]
        if lone:
            t = t.sum(dim=lone, dtype=t.dtype)
            lab = [c for c in lab if c in others]
        terms[i] = (t, lab)
    t, lab = terms[0]
    for i in range(1, len(terms)):
        keep = set(out).union(*(terms[j][1] for j in range(i + 1, len(terms))))
        t, lab = _contract(t, lab, terms[i][0], terms[i][1], keep)
    if len(terms) == 1:
        lone = [d for d, c in enumerate(lab) if c not in out]
        if lone:
            t = t.sum(dim=lone, dtype=t.dtype)
            lab = [c for c in lab if c in out]
    return t.permute(*[lab.index(c) for c in out]) if lab != out else t
