"""Autograd details a PyTorch user can see: node names of indexing and of ops with several overloads,
method aliases recorded like their ops, copy_ differentiable, in-place errors on multi-output views and
through views of leaves, and the engine's check of gradient shapes. Runs against PyTorch too
(RUSTORCH_TEST_AGAINST=torch)."""
import pytest

from _backend import torch

INDEX_NAMES = [
    ((0,), "SelectBackward0"), ((0, 1), "SelectBackward0"), ((slice(None), 0), "SelectBackward0"),
    ((0, slice(None)), "SelectBackward0"), ((slice(1, None),), "SliceBackward0"), ((None,), "UnsqueezeBackward0"),
    ((0, None), "UnsqueezeBackward0"), ((Ellipsis, 2), "SelectBackward0"), ((-1, Ellipsis, 2), "SelectBackward0"),
    ((slice(None), slice(1, None)), "SliceBackward0"), ((slice(None),), "AliasBackward0"),
    (slice(None), "SliceBackward0"), (slice(0, None), "SliceBackward0"), ((slice(None), slice(None)), "AliasBackward0"),
    ((Ellipsis,), "AliasBackward0"), ((None, 0), "SelectBackward0"), ((0, Ellipsis, None), "UnsqueezeBackward0"),
    ((slice(None, None, 2),), "SliceBackward0"),
]


@pytest.mark.parametrize("index,name", INDEX_NAMES, ids=[str(i) for i, _ in INDEX_NAMES])
def test_basic_indexing_node_names(index, name):
    x = torch.randn(3, 4, 5, requires_grad=True)
    y = x[index]
    assert type(y.grad_fn).__name__ == name
    y.sum().backward()
    assert x.grad.sum().item() == y.numel()


def test_overload_node_names():
    a = torch.tensor([3.0, -1.0, 2.0, 0.5], requires_grad=True)
    i = torch.tensor([0, 1])
    assert type(a.scatter(0, i, 1.0).grad_fn).__name__ == "ScatterBackward1"
    assert type(a.scatter(0, i, a[:2]).grad_fn).__name__ == "ScatterBackward0"
    assert type(a.masked_fill(a > 0, torch.tensor(1.0)).grad_fn).__name__ == "MaskedFillBackward1"
    assert type(a.masked_fill(a > 0, 1.0).grad_fn).__name__ == "MaskedFillBackward0"
    assert type(a.sort(stable=True).values.grad_fn).__name__ == "SortBackward1"
    assert type(a.sort().values.grad_fn).__name__ == "SortBackward0"


def test_method_aliases_are_recorded():
    a = torch.tensor([0.5, -0.25], requires_grad=True)
    for f, name in ((lambda t: t.absolute(), "AbsBackward0"), (lambda t: t.negative(), "NegBackward0"),
                    (lambda t: t.arcsin(), "AsinBackward0"), (lambda t: t.arctan(), "AtanBackward0"),
                    (lambda t: t.fix(), "TruncBackward0"), (lambda t: t.multiply(t), "MulBackward0"),
                    (lambda t: t.subtract(t), "SubBackward0"), (lambda t: t.divide(t + 2), "DivBackward0")):
        assert type(f(a).grad_fn).__name__ == name
    b = a * 1
    b.subtract_(a)
    b.sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]


def test_copy_is_differentiable():
    w = torch.zeros(3, 4, dtype=torch.float64)
    src = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)  # float32, broadcast over rows
    y = w.copy_(src)
    assert y is w and type(w.grad_fn).__name__ == "CopyBackwards"
    (w * torch.arange(12.0, dtype=torch.float64).reshape(3, 4)).sum().backward()
    assert src.grad.dtype == torch.float32 and src.grad.tolist() == [12.0, 15.0, 18.0, 21.0]
    base = torch.ones(2, 3, requires_grad=True)
    h = base * 2
    h.copy_(torch.full((2, 3), 5.0))  # overwritten: no gradient reaches base through h
    h.sum().backward()
    assert base.grad.tolist() == [[0.0] * 3] * 2


def test_inplace_on_multi_output_views_and_views_of_leaves():
    a = torch.randn(4, requires_grad=True)
    for parts in (a.split(2), a.chunk(2), a.unbind()):
        with pytest.raises(RuntimeError, match="is a view and is being modified inplace. This view is the output of "
                                               "a function that returns multiple views"):
            (parts[1] * 1, parts[1].mul_(2))
    with pytest.raises(RuntimeError, match="^Output 1 of Split is a view"):
        a.split(2)[1].add_(1)
    x = torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        x[1:] = 1.0
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place"):
        x[torch.tensor([True, False, True])] = 1.0


def test_invalid_gradient_shape_from_a_custom_function():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return torch.ones(2)

    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Function BadBackward returned an invalid gradient at index 0 - got \[2\] "
                                           r"but expected shape compatible with \[3\]"):
        Bad.apply(x).sum().backward()
