"""Optimization algorithms (``torch.optim``): the ``Optimizer`` base class and the learning-rate
schedulers in ``rustorch.optim.lr_scheduler``."""

from . import lr_scheduler  # noqa: F401
from .optimizer import Optimizer  # noqa: F401

# The algorithms, one module each (``from .sgd import SGD  # noqa: F401``), are imported here.
from .adadelta import Adadelta  # noqa: F401
from .adagrad import Adagrad  # noqa: F401
from .adam import Adam  # noqa: F401
from .adamax import Adamax  # noqa: F401
from .adamw import AdamW  # noqa: F401
from .nadam import NAdam  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .sgd import SGD  # noqa: F401

__all__ = ["Optimizer", "lr_scheduler", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam"]
