"""The DataLoader in the main process: batching, len, options and their validation, against
PyTorch's DataLoader on the same data."""

import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata

from ._structure import plain


def _pairs(T, n=10):
    return T.arange(n * 3).reshape(n, 3).float(), T.arange(n) % 3


def _loaders(**kwargs):
    ours = edata.DataLoader(edata.TensorDataset(*_pairs(ember)), **kwargs)
    theirs = tdata.DataLoader(tdata.TensorDataset(*_pairs(torch)), **kwargs)
    return ours, theirs


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"batch_size": 4},
        {"batch_size": 4, "drop_last": True},
        {"batch_size": 5, "drop_last": True},
        {"batch_size": 20},
        {"batch_size": None},
    ],
)
def test_batches_and_len_match_torch(kwargs):
    ours, theirs = _loaders(**kwargs)
    assert len(ours) == len(theirs)
    assert plain(list(ours)) == plain(list(theirs))


def test_sampler_and_batch_sampler_options_match_torch():
    for make in (
        lambda d: d.DataLoader(list(range(10)), sampler=[9, 1, 4], batch_size=2),
        lambda d: d.DataLoader(list(range(10)), batch_sampler=[[3, 1], [0], [7, 8, 9]]),
        lambda d: d.DataLoader([{"a": i, "b": [i, -i]} for i in range(5)], batch_size=2),
        lambda d: d.DataLoader(list(range(5)), batch_size=2, collate_fn=lambda b: sum(b)),
    ):
        assert plain(list(make(edata))) == plain(list(make(tdata)))
        assert len(make(edata)) == len(make(tdata))


class _Stream(edata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class _TorchStream(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize(
    "kwargs", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}]
)
def test_iterable_dataset_batches_and_len_match_torch(kwargs):
    ours = edata.DataLoader(_Stream(8), **kwargs)
    theirs = tdata.DataLoader(_TorchStream(8), **kwargs)
    assert len(ours) == len(theirs)
    assert plain(list(ours)) == plain(list(theirs))


def test_shuffle_is_reproducible_from_manual_seed_and_generator():
    data = list(range(30))
    ember.manual_seed(0)
    first = [b.tolist() for b in edata.DataLoader(data, batch_size=7, shuffle=True)]
    second = [b.tolist() for b in edata.DataLoader(data, batch_size=7, shuffle=True)]
    ember.manual_seed(0)
    again = [b.tolist() for b in edata.DataLoader(data, batch_size=7, shuffle=True)]
    assert first == again and first != second
    assert sorted(sum(first, [])) == data
    g = ember.Generator().manual_seed(4)
    with_g = [b.tolist() for b in edata.DataLoader(data, batch_size=7, shuffle=True, generator=g)]
    g.manual_seed(4)
    ember.manual_seed(99)
    assert [b.tolist() for b in edata.DataLoader(data, 7, True, generator=g)] == with_g


def test_numpy_samples_become_tensors():
    data = [(np.full(2, i, np.float32), np.int64(i)) for i in range(4)]
    (x, y), _ = list(edata.DataLoader(data, batch_size=2))
    assert isinstance(x, ember.Tensor) and x.dtype == ember.float32 and x.shape == (2, 2)
    assert y.dtype == ember.int64 and y.tolist() == [0, 1]


def test_pin_memory_is_accepted_and_warns_as_torch():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(edata.DataLoader(list(range(4)), batch_size=2, pin_memory=True))
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3]]


def test_frozen_attributes_raise_as_torch():
    for d in (edata, tdata):
        loader = d.DataLoader(list(range(4)))
        with pytest.raises(ValueError, match="batch_size attribute should not be set after"):
            loader.batch_size = 2
    loader.num_workers = 0  # the other options stay settable


def test_timeout_without_workers_asserts_as_torch():
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(tdata.DataLoader(list(range(4)), timeout=1))
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(edata.DataLoader(list(range(4)), timeout=1))


BAD_OPTIONS = [
    {"num_workers": -1},
    {"timeout": -1},
    {"prefetch_factor": 2},
    {"num_workers": 1, "prefetch_factor": -1},
    {"persistent_workers": True},
    {"shuffle": True, "sampler": [0, 1]},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"multiprocessing_context": "fork"},
    {"num_workers": 1, "multiprocessing_context": "no-such-method"},
    {"num_workers": 1, "multiprocessing_context": 3},
    {"batch_size": 0},
]


@pytest.mark.parametrize("kwargs", BAD_OPTIONS)
def test_option_errors_match_torch(kwargs):
    with pytest.raises(Exception) as theirs:
        tdata.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(type(theirs.value)) as ours:
        edata.DataLoader(list(range(4)), **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]], "batch_size": 1}]
)
def test_iterable_dataset_option_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as theirs:
        tdata.DataLoader(_TorchStream(3), **kwargs)
    with pytest.raises(ValueError) as ours:
        edata.DataLoader(_Stream(3), **kwargs)
    # Both messages print the offending option; a sampler's repr names its framework.
    assert str(ours.value).split(", but got")[0] == str(theirs.value).split(", but got")[0]


def test_too_many_workers_warns_as_torch():
    with pytest.warns(UserWarning, match="worker processes in total") as ours:
        edata.DataLoader(list(range(4)), num_workers=1000)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        tdata.DataLoader(list(range(4)), num_workers=1000)
    assert str(ours[0].message) == str(theirs[0].message)


def test_iterable_dataset_longer_than_its_len_warns_as_torch():
    class Liar(_Stream):
        def __len__(self):
            return 2

    loader = edata.DataLoader(Liar(4), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2") as ours:
        assert list(loader) == [0, 1, 2, 3]
    assert "but 3 samples have been fetched" in str(ours[0].message)
