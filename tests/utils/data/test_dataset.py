"""Datasets and random_split against PyTorch's."""

import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata

from ._structure import plain


def _tensors(T, n=6):
    return T.arange(n * 2).reshape(n, 2).float(), T.arange(n)


class _Squares(edata.Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return self.n


class _Stream(edata.IterableDataset):
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def test_tensor_dataset_items_and_len_match_torch():
    ours, theirs = edata.TensorDataset(*_tensors(ember)), tdata.TensorDataset(*_tensors(torch))
    assert len(ours) == len(theirs) == 6
    for i in (0, 3, -1):
        assert plain(ours[i]) == plain(theirs[i])


def test_tensor_dataset_size_mismatch_raises_as_torch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        edata.TensorDataset(ember.zeros(3), ember.zeros(4))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        tdata.TensorDataset(torch.zeros(3), torch.zeros(4))


def test_dataset_base_getitem_raises_not_implemented():
    with pytest.raises(NotImplementedError):
        edata.Dataset()[0]


def test_concat_dataset_indexing_matches_torch():
    ours = edata.ConcatDataset([list(range(3)), list(range(10, 15)), [99]])
    theirs = tdata.ConcatDataset([list(range(3)), list(range(10, 15)), [99]])
    assert len(ours) == len(theirs) == 9
    assert ours.cumulative_sizes == theirs.cumulative_sizes
    assert [ours[i] for i in range(-9, 9)] == [theirs[i] for i in range(-9, 9)]
    with pytest.raises(ValueError, match="absolute value of index"):
        ours[-10]


def test_concat_dataset_rejects_empty_and_iterable():
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        edata.ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        edata.ConcatDataset([_Stream([1])])


def test_dataset_add_concatenates_and_chains():
    both = _Squares(2) + _Squares(3)
    assert isinstance(both, edata.ConcatDataset)
    assert [both[i] for i in range(5)] == [0, 1, 0, 1, 4]
    chained = _Stream([1, 2]) + _Stream([3])
    assert isinstance(chained, edata.ChainDataset)
    assert list(chained) == [1, 2, 3] and len(chained) == 3


def test_chain_dataset_rejects_map_style():
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(edata.ChainDataset([_Stream([1]), [2]]))


def test_subset_and_getitems_match_torch():
    data = list(range(10, 20))
    ours, theirs = edata.Subset(data, [3, 1, 4]), tdata.Subset(data, [3, 1, 4])
    assert len(ours) == len(theirs) == 3
    assert [ours[i] for i in range(3)] == [theirs[i] for i in range(3)]
    assert ours.__getitems__([2, 0]) == theirs.__getitems__([2, 0])


def test_subset_subclass_overriding_getitem_only_raises():
    class Doubled(edata.Subset):
        def __getitem__(self, i):
            return 2 * super().__getitem__(i)

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Doubled([1, 2], [0])


def test_stack_dataset_tuple_and_dict_match_torch():
    a, b = list(range(4)), [str(i) for i in range(4)]
    assert plain(edata.StackDataset(a, b)[2]) == plain(tdata.StackDataset(a, b)[2])
    ours, theirs = edata.StackDataset(x=a, y=b), tdata.StackDataset(x=a, y=b)
    assert ours[1] == theirs[1]
    assert ours.__getitems__([0, 3]) == theirs.__getitems__([0, 3])
    assert len(ours) == 4


@pytest.mark.parametrize(
    "args, kwargs",
    [((), {}), (([1], [1, 2]), {}), ((), {"a": [1], "b": []}), (([1],), {"b": [1]})],
)
def test_stack_dataset_errors_match_torch(args, kwargs):
    with pytest.raises(ValueError) as theirs:
        tdata.StackDataset(*args, **kwargs)
    with pytest.raises(ValueError) as ours:
        edata.StackDataset(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "n, lengths",
    [(10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]), (7, [0.1, 0.2, 0.7]), (5, [5])],
)
def test_random_split_sizes_match_torch(n, lengths):
    with warnings.catch_warnings(record=True):
        ours = edata.random_split(range(n), lengths, generator=ember.Generator().manual_seed(0))
        theirs = tdata.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    flat = [i for s in ours for i in s]
    assert sorted(flat) == list(range(n))  # a partition


def test_random_split_zero_length_warns_as_torch():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        edata.random_split(range(3), [1.0, 0.0])


@pytest.mark.parametrize("lengths", [[3, 3], [0.5, 0.6], [1.2, -0.2]])
def test_random_split_errors_match_torch(lengths):
    with pytest.raises(ValueError) as theirs:
        tdata.random_split(range(10), lengths)
    with pytest.raises(ValueError) as ours:
        edata.random_split(range(10), lengths)
    assert str(ours.value) == str(theirs.value)


def test_random_split_reproducible_from_manual_seed():
    ember.manual_seed(5)
    first = [list(s) for s in edata.random_split(range(20), [0.5, 0.5])]
    ember.manual_seed(5)
    second = [list(s) for s in edata.random_split(range(20), [0.5, 0.5])]
    assert first == second
    assert first != [list(range(10)), list(range(10, 20))]


def test_random_split_of_numpy_dataset_keeps_items():
    data = np.arange(8) * 10
    parts = edata.random_split(data, [4, 4], generator=ember.Generator().manual_seed(1))
    assert sorted(int(x) for p in parts for x in p) == list(range(0, 80, 10))


def test_classes_are_generic_as_in_torch():
    class Rows(edata.Dataset[ember.Tensor]):
        def __getitem__(self, i):
            return ember.tensor([i])

        def __len__(self):
            return 2

    class Evens(edata.Sampler[int]):
        def __iter__(self):
            return iter([0])

    loader: edata.DataLoader[ember.Tensor] = edata.DataLoader(Rows(), sampler=Evens())
    assert [b.tolist() for b in loader] == [[[0]]]
    assert edata.IterableDataset[int] is not None
