"""Helpers behind the ``DataLoader``: ``collate`` (batching samples into tensors)."""

from . import collate

__all__ = ["collate"]
