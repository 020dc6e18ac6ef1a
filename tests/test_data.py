"""rustorch.utils.data: datasets, samplers, DataLoader and default collation.

Shuffled orders are NOT compared with PyTorch's (the generators differ): only that they are
permutations, reproducible for a seed, and new every epoch. Everything else (batching, lengths,
collated values/dtypes/shapes, errors) is PyTorch's behaviour, checked with RUSTORCH_TEST_AGAINST=torch.
"""
import collections
import doctest
import importlib
import re

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import dtype_name

data = importlib.import_module(torch.__name__ + ".utils.data")
DataLoader = data.DataLoader
default_collate = data.default_collate


class Range(data.Dataset):
    """Sample i is the int i."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i


class Stream(data.IterableDataset):
    def __init__(self, n, with_len=True):
        self.n, self.with_len = n, with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("no length")
        return self.n


def flat(loader):
    return [i for batch in loader for i in batch.tolist()]


def seeded(seed):
    return torch.Generator().manual_seed(seed)


def test_import_paths():
    mod = importlib.import_module(torch.__name__ + ".utils.data")
    assert mod.DataLoader is torch.utils.data.DataLoader
    assert torch.utils.data.default_collate is default_collate


# ---- ordering, batching, lengths -----------------------------------------------------------------
def test_sequential_order_and_batches():
    batches = [b.tolist() for b in DataLoader(Range(7), batch_size=3)]
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Range(3))] == [[0], [1], [2]]  # batch_size=1 by default


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True),
                                            (2, 5, False), (2, 5, True), (1, 1, False)])
def test_batch_sizes_and_len(n, bs, drop_last):
    loader = DataLoader(Range(n), batch_size=bs, drop_last=drop_last)
    sizes = [len(b) for b in loader]
    full, rest = divmod(n, bs)
    expected = [bs] * full + ([rest] if rest and not drop_last else [])
    assert sizes == expected and len(loader) == len(expected)
    assert flat(loader) == list(range(sum(expected)))


def test_shuffle_is_a_reproducible_permutation_that_changes_every_epoch():
    n = 40
    loader = DataLoader(Range(n), batch_size=8, shuffle=True, generator=seeded(0))
    epoch1, epoch2 = flat(loader), flat(loader)
    assert sorted(epoch1) == sorted(epoch2) == list(range(n))
    assert epoch1 != epoch2 and epoch1 != list(range(n))
    again = DataLoader(Range(n), batch_size=8, shuffle=True, generator=seeded(0))
    assert flat(again) == epoch1 and flat(again) == epoch2
    other = DataLoader(Range(n), batch_size=8, shuffle=True, generator=seeded(1))
    assert flat(other) != epoch1


def test_shuffle_without_generator_follows_the_global_seed():
    loader = DataLoader(Range(30), batch_size=4, shuffle=True)
    torch.manual_seed(3)
    first = flat(loader)
    torch.manual_seed(3)
    assert flat(loader) == first
    assert flat(loader) != first
    assert sorted(first) == list(range(30))


def test_shuffle_drop_last_keeps_whole_batches():
    loader = DataLoader(Range(10), batch_size=4, shuffle=True, drop_last=True, generator=seeded(5))
    batches = [b.tolist() for b in loader]
    assert [len(b) for b in batches] == [4, 4] and len(loader) == 2
    seen = sum(batches, [])
    assert len(set(seen)) == 8 and set(seen) <= set(range(10))


def test_custom_sampler_and_batch_sampler():
    assert flat(DataLoader(Range(5), batch_size=2, sampler=[4, 3, 0])) == [4, 3, 0]
    loader = DataLoader(Range(6), batch_sampler=[[5, 1], [2], [0, 3, 4]])
    assert [b.tolist() for b in loader] == [[5, 1], [2], [0, 3, 4]] and len(loader) == 3
    assert loader.batch_size is None and loader.drop_last is False


def test_batch_size_none_disables_batching():
    loader = DataLoader(Range(3), batch_size=None)
    out = list(loader)
    assert out == [0, 1, 2] and len(loader) == 3  # default_convert leaves ints alone
    arrays = [np.arange(3, dtype=np.int16) + i for i in range(2)]
    converted = list(DataLoader(arrays, batch_size=None))
    assert [dtype_name(t.dtype) for t in converted] == ["int16", "int16"]
    assert [t.tolist() for t in converted] == [[0, 1, 2], [1, 2, 3]]


def test_dataset_with_getitems_is_fetched_per_batch():
    class Batched(Range):
        calls = []

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [10 * i for i in indices]

    ds = Batched(5)
    assert flat(DataLoader(ds, batch_size=2)) == [0, 10, 20, 30, 40]
    assert ds.calls == [[0, 1], [2, 3], [4]]


def test_num_workers_runs_and_gives_the_same_batches():
    loader = DataLoader(Range(7), batch_size=3, num_workers=2)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    assert loader.prefetch_factor == 2
    assert data.get_worker_info() is None  # in the main process


# ---- samplers ------------------------------------------------------------------------------------
def test_sequential_sampler():
    s = data.SequentialSampler("abcd")
    assert list(s) == [0, 1, 2, 3] and len(s) == 4


def test_random_sampler_permutation_and_num_samples():
    s = data.RandomSampler(range(6), generator=seeded(0))
    order = list(s)
    assert sorted(order) == list(range(6)) and len(s) == 6
    s = data.RandomSampler(range(4), num_samples=10, generator=seeded(0))
    order = list(s)
    assert len(order) == len(s) == 10
    assert sorted(order[:4]) == sorted(order[4:8]) == [0, 1, 2, 3] and len(set(order[8:])) == 2
    same = [list(data.RandomSampler(range(6), generator=seeded(9))) for _ in range(2)]
    assert same[0] == same[1]


def test_random_sampler_with_replacement():
    s = data.RandomSampler(range(3), replacement=True, num_samples=100, generator=seeded(0))
    draws = list(s)
    assert len(draws) == len(s) == 100 and set(draws) == {0, 1, 2}  # P(a value missing) ~ 1e-17


@pytest.mark.parametrize("kw,exc,msg", [
    ({"replacement": 1}, TypeError, "replacement should be a boolean value, but got replacement=1"),
    ({"num_samples": 0}, ValueError, "num_samples should be a positive integer value, but got num_samples=0"),
    ({"num_samples": 2.0}, ValueError, "num_samples should be a positive integer value, but got num_samples=2.0"),
])
def test_random_sampler_errors(kw, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        data.RandomSampler(range(3), **kw)
    with pytest.raises(ValueError, match="num_samples=0"):
        data.RandomSampler([])


def test_subset_random_sampler():
    s = data.SubsetRandomSampler([7, 3, 11, 5], generator=seeded(0))
    assert sorted(s) == [3, 5, 7, 11] and len(s) == 4
    assert list(data.SubsetRandomSampler([1, 2, 3], seeded(2))) == list(data.SubsetRandomSampler([1, 2, 3], seeded(2)))


def test_weighted_random_sampler():
    s = data.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 4000, generator=seeded(0))
    draws = list(s)
    assert len(draws) == len(s) == 4000 and set(draws) == {1, 3}
    assert abs(draws.count(3) / 4000 - 0.75) < 0.05  # > 7 standard errors
    assert dtype_name(s.weights.dtype) == "float64"
    once = list(data.WeightedRandomSampler([1, 2, 3, 4, 5], 5, replacement=False, generator=seeded(1)))
    assert sorted(once) == [0, 1, 2, 3, 4]
    some = list(data.WeightedRandomSampler([1.0, 0.0, 2.0, 5.0], 2, replacement=False, generator=seeded(1)))
    assert len(set(some)) == 2 and 1 not in some


@pytest.mark.parametrize("args,kw,msg", [
    (([1.0, 2.0], 0), {}, "num_samples should be a positive integer value, but got num_samples=0"),
    (([1.0, 2.0], True), {}, "num_samples should be a positive integer value, but got num_samples=True"),
    (([1.0, 2.0], 2), {"replacement": 0}, "replacement should be a boolean value, but got replacement=0"),
    (([[1.0, 2.0]], 2), {}, "weights should be a 1d sequence but given weights have shape (1, 2)"),
])
def test_weighted_random_sampler_argument_errors(args, kw, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        data.WeightedRandomSampler(*args, **kw)


@pytest.mark.parametrize("weights,n,replacement,msg", [
    ([1.0, -1.0], 2, True, "invalid multinomial distribution (encountering probability entry < 0)"),
    ([1.0, float("inf")], 2, True,
     "invalid multinomial distribution (encountering probability entry = infinity or NaN)"),
    ([0.0, 0.0], 2, True, "invalid multinomial distribution (sum of probabilities <= 0)"),
    ([1.0, 1.0], 3, False, "cannot sample n_sample > prob_dist.size(-1) samples without replacement"),
])
def test_weighted_random_sampler_distribution_errors(weights, n, replacement, msg):
    s = data.WeightedRandomSampler(weights, n, replacement=replacement)
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        list(s)


def test_batch_sampler():
    s = data.BatchSampler(data.SequentialSampler(range(10)), batch_size=3, drop_last=False)
    assert list(s) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]] and len(s) == 4
    s = data.BatchSampler(range(10), 3, drop_last=True)
    assert list(s) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and len(s) == 3
    assert list(data.BatchSampler(range(6), 3, True)) == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize("bs,drop_last,msg", [
    (0, False, "batch_size should be a positive integer value, but got batch_size=0"),
    (True, False, "batch_size should be a positive integer value, but got batch_size=True"),
    (2.0, False, "batch_size should be a positive integer value, but got batch_size=2.0"),
    (2, 1, "drop_last should be a boolean value, but got drop_last=1"),
])
def test_batch_sampler_errors(bs, drop_last, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        data.BatchSampler(range(4), bs, drop_last)
    if bs == 0:
        with pytest.raises(ValueError, match=re.escape(msg)):
            DataLoader(Range(4), batch_size=0)


# ---- default collation ---------------------------------------------------------------------------
def test_collate_tensors_stack_and_keep_dtype():
    batch = [torch.tensor([[1, 2, 3]], dtype=torch.int32) * i for i in range(4)]
    out = default_collate(batch)
    assert out.shape == (4, 1, 3) and out.dtype == torch.int32
    assert out[:, 0, 2].tolist() == [0, 3, 6, 9]
    scalars = default_collate([torch.tensor(1.5), torch.tensor(2.5)])
    assert scalars.shape == (2,) and scalars.dtype == torch.float32 and scalars.tolist() == [1.5, 2.5]


@pytest.mark.parametrize("batch,dtype,values", [
    ([0.5, 1.25], "float64", [0.5, 1.25]),
    ([1, 2, 3], "int64", [1, 2, 3]),
    ([True, False], "bool", [True, False]),
    ([1, 2.5], "float32", [1.0, 2.5]),  # the first element picks int collation: torch.tensor infers
])
def test_collate_python_numbers(batch, dtype, values):
    out = default_collate(batch)
    assert dtype_name(out.dtype) == dtype and out.tolist() == values


@pytest.mark.parametrize("np_dtype,dtype", [
    (np.float32, "float32"), (np.float64, "float64"), (np.int16, "int16"), (np.uint8, "uint8"), (np.bool_, "bool"),
])
def test_collate_numpy_scalars_and_arrays(np_dtype, dtype):
    scalars = default_collate([np_dtype(1), np_dtype(0)])
    assert dtype_name(scalars.dtype) == dtype and scalars.shape == (2,)
    assert scalars.tolist() == [True, False] if dtype == "bool" else scalars.tolist() == [1, 0]
    arrays = [np.arange(6).reshape(2, 3).astype(np_dtype) for _ in range(3)]
    out = default_collate(arrays)
    assert dtype_name(out.dtype) == dtype and out.shape == (3, 2, 3)
    np.testing.assert_array_equal(out.numpy(), np.stack(arrays))


def test_collate_strings_and_bytes_stay_lists():
    assert default_collate(["a", "bc"]) == ["a", "bc"]
    assert default_collate([b"x", b"y"]) == [b"x", b"y"]
    assert default_collate([np.str_("u"), np.str_("v")]) == ["u", "v"]


def test_collate_tuples_and_lists_are_transposed():
    out = default_collate([(1, 2.0, "a"), (3, 4.0, "b")])
    assert isinstance(out, list) and len(out) == 3
    assert out[0].tolist() == [1, 3] and out[0].dtype == torch.int64
    assert out[1].tolist() == [2.0, 4.0] and out[1].dtype == torch.float64
    assert out[2] == ("a", "b")  # the transposed column, as it comes out of zip
    out = default_collate([[0, 1], [2, 3]])
    assert isinstance(out, list) and [t.tolist() for t in out] == [[0, 2], [1, 3]]


def test_collate_dicts_and_namedtuples_recursively():
    Point = collections.namedtuple("Point", ["x", "y"])
    batch = [{"p": Point(i, torch.full((2,), float(i))), "meta": {"id": f"s{i}", "w": [i, -i]}} for i in range(3)]
    out = default_collate(batch)
    assert set(out) == {"p", "meta"}
    assert isinstance(out["p"], Point)
    assert out["p"].x.tolist() == [0, 1, 2]
    assert out["p"].y.shape == (3, 2) and out["p"].y[:, 1].tolist() == [0.0, 1.0, 2.0]
    assert out["meta"]["id"] == ["s0", "s1", "s2"]
    assert [t.tolist() for t in out["meta"]["w"]] == [[0, 1, 2], [0, -1, -2]]
    ordered = default_collate([collections.OrderedDict(b=1, a=2)] * 2)
    assert isinstance(ordered, collections.OrderedDict) and list(ordered) == ["b", "a"]


def test_collate_through_the_dataloader():
    X = torch.arange(12.0).reshape(6, 2)
    y = torch.tensor([0, 1, 0, 1, 1, 0])
    xb, yb = next(iter(DataLoader(data.TensorDataset(X, y), batch_size=4)))
    assert xb.shape == (4, 2) and xb.dtype == torch.float32 and yb.tolist() == [0, 1, 0, 1]
    assert xb[3].tolist() == [6.0, 7.0]
    dicts = [{"x": np.full(2, i, dtype=np.float32), "label": i} for i in range(5)]
    batch = next(iter(DataLoader(dicts, batch_size=5)))
    assert batch["x"].shape == (5, 2) and batch["x"].dtype == torch.float32
    assert batch["label"].tolist() == [0, 1, 2, 3, 4]


def test_custom_collate_fn():
    loader = DataLoader(Range(5), batch_size=2, collate_fn=lambda b: sum(b))
    assert list(loader) == [1, 5, 4]


def test_collate_errors():
    with pytest.raises(RuntimeError, match=re.escape(
            "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1")):
        default_collate([torch.zeros(2), torch.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    msg = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
    with pytest.raises(TypeError, match=re.escape(msg.format("<class 'object'>"))):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match=re.escape(msg.format("<U1"))):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        list(DataLoader([np.zeros(2), np.zeros(3)], batch_size=2))


def test_default_convert():
    out = data.default_convert({"a": np.array([1.0, 2.0]), "b": (np.int32(3), "s"), "c": 4})
    assert out["a"].dtype == torch.float64 and out["a"].tolist() == [1.0, 2.0]
    assert isinstance(out["b"], list) and out["b"][0].dtype == torch.int32 and out["b"][1] == "s"
    assert out["c"] == 4
    text = np.array(["x"])
    assert data.default_convert(text) is text


# ---- datasets ------------------------------------------------------------------------------------
def test_tensor_dataset():
    ds = data.TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([5, 6, 7]))
    assert len(ds) == 3
    x, y = ds[-1]
    assert x.tolist() == [4, 5] and y.item() == 7
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        data.TensorDataset(torch.zeros(3), torch.zeros(4))


def test_dataset_base_class():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__."):
        data.Dataset()[0]
    both = Range(2) + Range(3)
    assert isinstance(both, data.ConcatDataset) and len(both) == 5 and both[2] == 0


def test_concat_dataset_indexing():
    ds = data.ConcatDataset([Range(3), [], [10, 11]])
    assert len(ds) == 5 and ds.cumulative_sizes == [3, 3, 5]
    assert [ds[i] for i in range(5)] == [0, 1, 2, 10, 11]
    assert [ds[-i] for i in range(1, 6)] == [11, 10, 2, 1, 0]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        ds[-6]
    with pytest.raises(IndexError):
        ds[5]
    assert flat(DataLoader(ds, batch_size=2)) == [0, 1, 2, 10, 11]


def test_concat_dataset_errors():
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        data.ConcatDataset([])
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        data.ConcatDataset([Range(2), Stream(2)])


def test_subset():
    s = data.Subset(Range(10), [7, 2, 5])
    assert len(s) == 3 and [s[i] for i in range(3)] == [7, 2, 5] and s[-1] == 5
    t = data.Subset(torch.arange(10) * 10, [1, 4])
    assert t[[0, 1]].tolist() == [10, 40]
    assert flat(DataLoader(s, batch_size=2)) == [7, 2, 5]

    class Doubled(data.Subset):
        def __getitem__(self, idx):
            return 2 * super().__getitem__(idx)

    with pytest.raises(NotImplementedError, match="Doubled overrides __getitem__ but not __getitems__"):
        Doubled(Range(4), [0])


def test_stack_dataset():
    ds = data.StackDataset(Range(3), ["a", "b", "c"])
    assert len(ds) == 3 and ds[1] == (1, "b")
    named = data.StackDataset(x=Range(2), y=["p", "q"])
    batch = next(iter(DataLoader(named, batch_size=2)))
    assert batch["x"].tolist() == [0, 1] and batch["y"] == ["p", "q"]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        data.StackDataset(Range(2), Range(3))
    with pytest.raises(ValueError, match="At least one dataset should be passed"):
        data.StackDataset()


def test_random_split_counts_are_disjoint_and_reproducible():
    parts = data.random_split(Range(10), [3, 7], generator=seeded(0))
    assert [len(p) for p in parts] == [3, 7]
    items = [list(p) for p in parts]
    assert sorted(items[0] + items[1]) == list(range(10))
    again = data.random_split(Range(10), [3, 7], generator=seeded(0))
    assert [list(p) for p in again] == items
    assert all(isinstance(p, data.Subset) for p in parts)


@pytest.mark.parametrize("n,fractions,sizes", [
    (10, [0.3, 0.3, 0.4], [3, 3, 4]),
    (11, [0.3, 0.3, 0.4], [4, 3, 4]),   # floors give 3, 3, 4; the remainder goes to the first split
    (7, [0.5, 0.5], [4, 3]),
    (30, [0.1] * 10, [3] * 10),
])
def test_random_split_fractions(n, fractions, sizes):
    parts = data.random_split(range(n), fractions, generator=seeded(1))
    assert [len(p) for p in parts] == sizes
    assert sorted(i for p in parts for i in p) == list(range(n))


def test_random_split_errors_and_warnings():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        data.random_split(range(10), [3, 6])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        data.random_split(range(10), [1.0, -0.5, 0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0. This might result in an empty dataset."):
        parts = data.random_split(range(2), [0.9, 0.1])
    assert [len(p) for p in parts] == [2, 0]


# ---- iterable datasets ---------------------------------------------------------------------------
def test_iterable_dataset_with_dataloader():
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2, drop_last=True)] == [[0, 1], [2, 3]]
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert len(DataLoader(Stream(5), batch_size=2)) == 3
    assert len(DataLoader(Stream(5), batch_size=2, drop_last=True)) == 2
    with pytest.raises(TypeError, match="no length"):
        len(DataLoader(Stream(5, with_len=False)))


def test_iterable_dataset_longer_than_its_len_warns():
    class Liar(Stream):
        def __len__(self):
            return 1

    loader = DataLoader(Liar(3), batch_size=None)
    assert len(loader) == 1
    with pytest.warns(UserWarning, match="was reported to be 1"):
        assert list(loader) == [0, 1, 2]


def test_chain_dataset():
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, data.ChainDataset) and list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5
    assert flat(DataLoader(chained, batch_size=4)) == [0, 1, 0, 1, 2]
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(data.ChainDataset([Range(2)]))


@pytest.mark.parametrize("kw,msg", [
    ({"shuffle": True}, "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True"),
    ({"sampler": [0]}, "DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=[0]"),
    ({"batch_sampler": [[0]]},
     "DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=[[0]]"),
])
def test_iterable_dataset_rejects_index_options(kw, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        DataLoader(Stream(3), **kw)


# ---- DataLoader argument errors ------------------------------------------------------------------
@pytest.mark.parametrize("kw,msg", [
    ({"sampler": [0, 1], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2},
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ({"batch_sampler": [[0]], "drop_last": True},
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ({"batch_size": None, "drop_last": True},
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    ({"num_workers": -1}, "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."),
    ({"timeout": -1}, "timeout option should be non-negative"),
    ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multiprocessing."),
    ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
    ({"multiprocessing_context": "fork"},
     "multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=0"),
    ({"num_workers": 1, "multiprocessing_context": "nope"},
     "multiprocessing_context option should specify a valid start"),
])
def test_dataloader_argument_errors(kw, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        DataLoader(Range(4), **kw)


def test_dataloader_attributes_are_frozen():
    loader = DataLoader(Range(4), batch_size=2)
    for attr in ("batch_size", "sampler", "drop_last", "dataset"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
            setattr(loader, attr, None)
    assert isinstance(loader.sampler, data.SequentialSampler)
    assert isinstance(loader.batch_sampler, data.BatchSampler)
    assert isinstance(DataLoader(Range(4), shuffle=True).sampler, data.RandomSampler)


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", ["dataset", "sampler", "dataloader", "_utils.collate"])
def test_docstring_examples(name):
    import rustorch

    mod = importlib.import_module("rustorch.utils.data." + name)
    env = dict(vars(data), rustorch=rustorch, np=np)
    result = doctest.testmod(mod, extraglobs=env, optionflags=doctest.ELLIPSIS, report=True, verbose=False)
    assert result.failed == 0 and result.attempted > 0


def test_tensor_dataset_batches_equal_collated_samples():
    # A TensorDataset with the default collation is gathered a batch at a time: it must equal stacking
    # the samples one by one (a collate_fn that is not default_collate itself takes that path).
    x = torch.arange(40.0).reshape(10, 4)
    y = torch.arange(10) % 3
    ds = data.TensorDataset(x, y)
    for kw in ({"batch_size": 3}, {"batch_size": 4, "drop_last": True}, {"batch_size": 2, "shuffle": True}):
        fast = list(DataLoader(ds, generator=torch.Generator().manual_seed(5), **kw))
        slow = list(DataLoader(ds, generator=torch.Generator().manual_seed(5),
                               collate_fn=lambda b: data.default_collate(b), **kw))
        assert len(fast) == len(slow)
        for f, s in zip(fast, slow):
            assert isinstance(f, list) and len(f) == 2
            assert f[0].tolist() == s[0].tolist() and f[1].tolist() == s[1].tolist()
            assert f[0].dtype == s[0].dtype and f[1].dtype == s[1].dtype
