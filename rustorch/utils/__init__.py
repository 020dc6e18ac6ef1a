"""Utilities with PyTorch's API: ``rustorch.utils.data`` (datasets, samplers, DataLoader) and
``rustorch.utils.dlpack``."""

from . import data, dlpack

__all__ = ["data", "dlpack"]
