import importlib, os
# The module under test. RUSTORCH_TEST_AGAINST=torch runs the same suite against PyTorch itself,
# which is how we check that the tests encode PyTorch's behaviour.
torch = importlib.import_module(os.environ.get("RUSTORCH_TEST_AGAINST", "rustorch"))
IS_REFERENCE = torch.__name__ == "torch"
