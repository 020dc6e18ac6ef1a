"""``rustorch.Size``: the tuple subclass ``Tensor.shape`` returns."""


class Size(tuple):
    """Sizes of a tensor's dimensions: a tuple, printed as ``rustorch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"rustorch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (Size, (tuple(self),))
