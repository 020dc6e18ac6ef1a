"""Types of ``rustorch.return_types``, whose classes are made at import by ``_structseq``: each a named
tuple ``(values, indices)``, as ``torch.return_types``. Checked by stubtest (tests/test_typing.py)."""

from typing import NamedTuple

from ._tensor import Tensor

class max(NamedTuple):
    values: Tensor
    indices: Tensor

class min(NamedTuple):
    values: Tensor
    indices: Tensor

class sort(NamedTuple):
    values: Tensor
    indices: Tensor

class topk(NamedTuple):
    values: Tensor
    indices: Tensor

class kthvalue(NamedTuple):
    values: Tensor
    indices: Tensor

class median(NamedTuple):
    values: Tensor
    indices: Tensor

class nanmedian(NamedTuple):
    values: Tensor
    indices: Tensor
