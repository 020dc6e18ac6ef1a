"""Every docstring example in the package runs and prints what it says."""
import doctest
import importlib

import numpy as np
import pytest

from _backend import IS_REFERENCE

MODULES = ["rustorch", "rustorch._functional", "rustorch._creation", "rustorch._random", "rustorch._dtype",
           "rustorch._tensor", "rustorch._tensor_str", "rustorch._sampling", "rustorch._broadcast",
           "rustorch.nn.parameter", "rustorch.autograd.function", "rustorch.serialization"]


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    import rustorch

    mod = importlib.import_module(name)
    result = doctest.testmod(mod, extraglobs={"rustorch": rustorch, "np": np}, optionflags=doctest.ELLIPSIS,
                             report=True, verbose=False)
    assert result.failed == 0
    if name in ("rustorch._functional", "rustorch._creation"):
        assert result.attempted > 10  # the examples really ran
