"""Optimization algorithms (``torch.optim``): the ``Optimizer`` base class and the learning-rate
schedulers in ``rustorch.optim.lr_scheduler``."""

from . import lr_scheduler  # noqa: F401
from .optimizer import Optimizer  # noqa: F401

# The algorithms, one module each (``from .sgd import SGD  # noqa: F401``), are imported here.

__all__ = ["Optimizer", "lr_scheduler"]
