"""Derivatives of the shape, index and sort ops of the structured op table (``tests/op_db_structured.py``)
that ``install.py`` does not cover; their formulas are in ``derivatives_structured.py``."""


def install():
    """Records the structured ops' entry points (called after ``install.install()``)."""
