"""Tensor repr() must match PyTorch's text exactly (dtype names aside).

Every expected string in CASES was produced by running real PyTorch 2.15 on
the same values (``repr(torch.from_numpy(values).to(dtype))``, with the
print options applied) and pasting the result here, with ``torch.`` replaced
by ``rustorch.`` in dtype suffixes.  The device cases were captured with
``device='cuda:0'`` and renamed to ``wgpu:0``, which has the same length.
The grad_fn cases came from ``t.requires_grad_() * 1`` (MulBackward0).

PyTorch is not needed to run these tests.

Note: torch decides whether a suffix still fits on the current line by its
length; ``dtype=rustorch.x`` is three characters longer than
``dtype=torch.x``, so right at the edge we may wrap where torch would not.
The cases below all wrap the same way under both names.
"""

import math

import numpy as np
import pytest

from rustorch._tensor_str import format_tensor, get_printoptions, set_printoptions

DEFAULT_OPTIONS = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}


@pytest.fixture(autouse=True)
def restore_printoptions():
    """Every test starts from torch's defaults and leaves them untouched."""
    saved = get_printoptions()
    assert saved == DEFAULT_OPTIONS, "a previous test leaked print options"
    yield
    set_printoptions(**saved)


from printing_cases_format import FORMAT_CASES  # noqa: E402
from printing_cases_summary import SUMMARY_CASES  # noqa: E402

CASES = FORMAT_CASES + SUMMARY_CASES




@pytest.mark.parametrize("make, dtype, kwargs, options, expected", CASES)
def test_matches_torch(make, dtype, kwargs, options, expected):
    set_printoptions(**options)
    assert format_tensor(make(), dtype, **kwargs) == expected


def test_default_printoptions():
    assert get_printoptions() == DEFAULT_OPTIONS


@pytest.mark.parametrize(
    "profile, expected",
    [
        ("default", dict(precision=4, threshold=1000, edgeitems=3, linewidth=80)),
        ("short", dict(precision=2, threshold=1000, edgeitems=2, linewidth=80)),
        ("full", dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)),
    ],
)
def test_profiles(profile, expected):
    # A profile resets all four options, including ones set earlier.
    set_printoptions(linewidth=40, precision=7)
    set_printoptions(profile=profile)
    assert get_printoptions() == dict(expected, sci_mode=None)


def test_profile_then_explicit_override():
    set_printoptions(profile="short", precision=6)
    assert get_printoptions() == dict(
        precision=6, threshold=1000, edgeitems=2, linewidth=80, sci_mode=None)


def test_unknown_profile_is_ignored_like_torch():
    set_printoptions(profile="no-such-profile")
    assert get_printoptions() == DEFAULT_OPTIONS


def test_options_persist_but_sci_mode_is_reset_by_any_call():
    set_printoptions(precision=2, sci_mode=True)
    assert get_printoptions()["sci_mode"] is True
    set_printoptions(linewidth=100)
    opts = get_printoptions()
    assert (opts["precision"], opts["linewidth"], opts["sci_mode"]) == (2, 100, None)


def test_get_printoptions_returns_a_copy():
    get_printoptions()["precision"] = 9
    assert get_printoptions() == DEFAULT_OPTIONS


def test_str_uses_current_options():
    values = np.array([1.0 / 3.0], dtype=np.float32)
    assert format_tensor(values, "float32") == "tensor([0.3333])"
    set_printoptions(precision=2)
    assert format_tensor(values, "float32") == "tensor([0.33])"
    set_printoptions(profile="default")
    assert format_tensor(values, "float32") == "tensor([0.3333])"


def test_requires_grad_ignored_when_grad_fn_given():
    # torch shows requires_grad=True only for leaves; a grad_fn implies it.
    values = np.array([1.0], dtype=np.float32)
    text = format_tensor(values, "float32", grad_fn_name="AddBackward0",
                         requires_grad=True)
    assert text == "tensor([1.], grad_fn=<AddBackward0>)"
