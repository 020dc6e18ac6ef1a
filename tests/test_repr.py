"""repr/str of real tensors end to end (the formatter itself is covered by test_printing.py)."""
import pytest

from _backend import torch

NAME = torch.__name__


@pytest.mark.parametrize("make,expected", [
    (lambda: torch.tensor([1.0, 2.5]), "tensor([1.0000, 2.5000])"),
    (lambda: torch.tensor([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])"),
    (lambda: torch.tensor([1, 2], dtype=torch.int32), f"tensor([1, 2], dtype={NAME}.int32)"),
    (lambda: torch.tensor([0.5], dtype=torch.float64), f"tensor([0.5000], dtype={NAME}.float64)"),
    (lambda: torch.tensor([0.5, 1.0], dtype=torch.bfloat16), f"tensor([0.5000, 1.0000], dtype={NAME}.bfloat16)"),
    (lambda: torch.tensor([0.1], dtype=torch.float16), f"tensor([0.1000], dtype={NAME}.float16)"),
    (lambda: torch.tensor(True), "tensor(True)"),
    (lambda: torch.tensor(3), "tensor(3)"),
    (lambda: torch.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: torch.arange(6.0).reshape(2, 3).t(), "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])"),
    (lambda: torch.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (lambda: torch.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: torch.tensor([float("nan"), float("inf")]), "tensor([nan, inf])"),
])
def test_repr_matches_pytorch(make, expected):
    t = make()
    assert repr(t) == expected
    assert str(t) == expected


def test_repr_of_named_tuple_and_size():
    r = torch.max(torch.tensor([[1, 5], [7, 2]]), dim=1)
    assert repr(r) == f"{NAME}.return_types.max(\nvalues=tensor([5, 7]),\nindices=tensor([1, 0]))"
    assert repr(torch.zeros(2, 3).shape) == f"{NAME}.Size([2, 3])"
    assert repr(torch.float32) == f"{NAME}.float32"
    assert repr(torch.device("cpu")) == "device(type='cpu')"


def test_format_of_zero_d_tensors():
    assert f"{torch.tensor(2.5):.1f}" == "2.5"
