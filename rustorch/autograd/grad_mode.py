"""Grad modes: whether ops record the graph, per thread (as in PyTorch).

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work as context managers and
as decorators."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    from typing_extensions import Self

    _F = TypeVar("_F", bound=Callable[..., Any])


class _State(threading.local):
    enabled = True


_state = _State()


def is_grad_enabled() -> bool:
    """Whether ops record the autograd graph in this thread."""
    return _state.enabled


class _Mode:
    """A context manager and decorator that sets grad mode to ``self._mode`` while it is active."""

    _mode = True

    def __enter__(self) -> Self:
        self._prev = _state.enabled
        _state.enabled = self._mode
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        _state.enabled = self._prev
        return False

    def __call__(self, fn: _F) -> _F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            prev = _state.enabled
            _state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = prev

        return wrapped


class no_grad(_Mode):
    """Disables recording: results of ops never require grad.

    >>> x = rustorch.ones(2, requires_grad=True)
    >>> with rustorch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_Mode):
    """Enables recording (inside a ``no_grad`` block)."""

    _mode = True


class set_grad_enabled(_Mode):
    """``set_grad_enabled(mode)``: sets grad mode at once (a function call) and restores the previous mode
    when used as a context manager that exits."""

    def __init__(self, mode: bool) -> None:
        self._prev = _state.enabled
        self._mode = bool(mode)
        _state.enabled = self._mode

    def __enter__(self) -> Self:
        _state.enabled = self._mode
        return self


class inference_mode(_Mode):
    """``inference_mode(mode=True)``: like ``no_grad`` (no recording) while active."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode

    def __call__(self, fn: Any = None) -> Any:  # a function to wrap, or a mode: inference_mode()(False)
        if isinstance(fn, bool):
            return inference_mode(fn)
        return super().__call__(fn)
