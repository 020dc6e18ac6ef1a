"""The handle a hook registration returns (``torch.utils.hooks.RemovableHandle``)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class RemovableHandle:
    """Removes the hook it was returned for: ``handle.remove()``, or leaving a ``with handle:`` block.

    ``hooks_dict`` maps hook ids to hooks; the id is also deleted from ``extra_dict`` (one dict or a list
    of them: the per-hook flags such as ``with_kwargs``). The handle holds weak references only.
    """

    next_id = 0

    def __init__(self, hooks_dict: dict[int, Any], *,
                 extra_dict: dict[int, Any] | list[dict[int, Any]] | None = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if isinstance(extra_dict, dict):
            self.extra_dict_ref = (weakref.ref(extra_dict),)
        elif isinstance(extra_dict, list):
            self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)
        else:
            self.extra_dict_ref = ()

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        from collections import OrderedDict

        self.hooks_dict_ref = weakref.ref(OrderedDict() if state[0] is None else state[0])
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        extra = state[2] if len(state) > 2 and state[2] is not None else ()
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra if d is not None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, type: object, value: object, tb: object) -> None:
        self.remove()
