"""Functional forms of the layers: ``rustorch.nn.functional`` (``import rustorch.nn.functional as F``).

One file per family; each lists its public names in ``__all__``."""

from .linear import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
