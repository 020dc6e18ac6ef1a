"""Neural-network building blocks with PyTorch's API: ``rustorch.nn``."""

from .parameter import Parameter

__all__ = ["Parameter"]
