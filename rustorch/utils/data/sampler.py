"""Samplers: the order in which a ``DataLoader`` visits a map-style dataset's indices,
one at a time (``Sampler[int]``) or a batch at a time (``BatchSampler``)."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Generic, TypeVar

from ... import Generator, as_tensor, cumsum, double, empty, int64, rand, randint, randperm, searchsorted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence, Sized

    from ..._tensor import Tensor

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]

_T_co = TypeVar("_T_co", covariant=True)


class Sampler(Generic[_T_co]):
    """Base class: subclasses define ``__iter__`` (indices, or lists of indices for a batch
    sampler) and, where they can, ``__len__``."""

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``, always in that order.

    >>> list(SequentialSampler("abc"))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _fresh_generator():
    # One draw from the default generator seeds a private one, so every pass is a new order
    # that ``rustorch.manual_seed`` makes reproducible.
    seed = int(empty((), dtype=int64).random_().item())
    return Generator().manual_seed(seed)


class RandomSampler(Sampler):
    """Indices in random order: a fresh permutation per pass (``num_samples`` beyond the
    dataset's length chains several), or ``num_samples`` independent draws with ``replacement``.

    >>> g = rustorch.Generator().manual_seed(0)
    >>> sorted(RandomSampler(range(5), generator=g))
    [0, 1, 2, 3, 4]
    >>> len(RandomSampler(range(5), replacement=True, num_samples=12))
    12
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = _fresh_generator() if self.generator is None else self.generator
        if self.replacement:
            # Drawn in blocks of 32 so that a long stream does not materialise at once.
            for _ in range(self.num_samples // 32):
                yield from randint(0, n, (32,), dtype=int64, generator=generator).tolist()
            yield from randint(0, n, (self.num_samples % 32,), dtype=int64, generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from randperm(n, generator=generator).tolist()
            yield from randperm(n, generator=generator).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one each pass).

    >>> sorted(SubsetRandomSampler([7, 3, 5]))
    [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


def _check_distribution(p, num_samples, replacement):
    values = p.tolist()
    if any(not v >= 0 for v in values):  # NaN fails this comparison too
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if any(math.isinf(v) for v in values):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    if not replacement and num_samples > len(values):
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not sum(values) > 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return values


def _multinomial(p, num_samples, replacement, generator):
    """``num_samples`` indices drawn with probabilities proportional to the 1-d float64 ``p``."""
    values = _check_distribution(p, num_samples, replacement)
    u = rand(num_samples if replacement else len(values), dtype=double, generator=generator)
    if replacement:
        # Inverse CDF: the first bucket whose running total exceeds u * total.
        cdf = cumsum(p, 0)
        picks = searchsorted(cdf, u * cdf[-1], right=True).tolist()
        last = max(i for i, v in enumerate(values) if v > 0)  # rounding at the top end
        return [min(i, last) for i in picks]
    # Without replacement: sort by exponential race times -log(u) / p; weight 0 never wins a race.
    keys = [-math.log1p(-x) / v if v > 0 else math.inf for x, v in zip(u.tolist(), values)]
    return sorted(range(len(values)), key=keys.__getitem__)[:num_samples]


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in ``0 .. len(weights)-1``, each drawn with probability
    proportional to its weight (weights need not sum to 1).

    >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 4))
    [1, 1, 1, 1]
    >>> sorted(WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False))
    [0, 1, 2]
    """

    def __init__(self, weights: Sequence[float] | Tensor, num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights_tensor = as_tensor(weights, dtype=double)
        if len(weights_tensor.shape) != 1:
            raise ValueError(
                "weights should be a 1d sequence but given " f"weights have shape {tuple(weights_tensor.shape)}"
            )
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        yield from _multinomial(self.weights, self.num_samples, self.replacement, self.generator)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; ``drop_last`` drops a
    short final batch.

    >>> list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6]]
    >>> len(BatchSampler(range(7), 3, drop_last=True))
    2
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
