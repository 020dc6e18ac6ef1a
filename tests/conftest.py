"""Test configuration shared by every file.

The suite is written against PyTorch's behaviour; `tests/_backend.py` picks the module under test
(rustorch by default, `RUSTORCH_TEST_AGAINST=torch` for the reference run)."""
import os
import sys

# Test files import `_backend`, `_util` and `op_db` as plain modules, whatever the import mode.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Deterministic, bounded property tests: no deadline (the first call into a kernel may be slow),
# no example database written into the work tree, and a budget that keeps the suite short.
settings.register_profile("rustorch", max_examples=40, deadline=None, database=None,
                          print_blob=True)
# `pytest --hypothesis-profile=thorough` for a longer search before a release
settings.register_profile("thorough", parent=settings.get_profile("rustorch"), max_examples=1000)
settings.load_profile("rustorch")


@pytest.fixture(autouse=True)
def _no_device_error_left():
    """A wgpu test ends with a synchronisation point: an index check it left failing (raised at the
    next one, as CUDA's device-side asserts) errors this test, not whichever test runs next."""
    yield
    mod = sys.modules.get("rustorch")
    if mod is not None and getattr(mod, "_C", None) is not None and mod._C.wgpu_has_context():
        mod.wgpu.synchronize()
