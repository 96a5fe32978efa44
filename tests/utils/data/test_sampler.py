"""Samplers against PyTorch's where the order is deterministic, and by their properties where
it comes from a generator (ember's streams are not PyTorch's)."""

import collections
import sys
import types

import pytest
import torch.utils.data as tdata

import ember
import ember.utils.data as edata


def test_sequential_sampler_matches_torch():
    assert list(edata.SequentialSampler(range(7))) == list(tdata.SequentialSampler(range(7)))
    assert len(edata.SequentialSampler(range(7))) == 7


def test_random_sampler_is_a_permutation_reproducible_from_manual_seed():
    sampler = edata.RandomSampler(range(50))
    ember.manual_seed(0)
    first = list(sampler)
    second = list(sampler)
    ember.manual_seed(0)
    assert list(sampler) == first
    assert sorted(first) == list(range(50)) and first != list(range(50))
    assert second != first  # each pass draws a new order


def test_random_sampler_with_generator_ignores_default_generator():
    g = ember.Generator().manual_seed(1)
    first = list(edata.RandomSampler(range(20), generator=g))
    g.manual_seed(1)
    ember.manual_seed(123)
    assert list(edata.RandomSampler(range(20), generator=g)) == first


@pytest.mark.parametrize("num_samples", [5, 20, 23])
def test_random_sampler_num_samples_without_replacement(num_samples):
    drawn = list(edata.RandomSampler(range(10), num_samples=num_samples))
    assert len(drawn) == num_samples
    counts = collections.Counter(drawn)
    # Whole permutations first: every index appears floor or ceil of num_samples / n times.
    assert set(counts.values()) <= {num_samples // 10, -(-num_samples // 10)}


def test_random_sampler_with_replacement_draws_in_range():
    ember.manual_seed(0)
    drawn = list(edata.RandomSampler(range(4), replacement=True, num_samples=70))
    assert len(drawn) == 70 and set(drawn) == {0, 1, 2, 3}


@pytest.mark.parametrize(
    "kwargs", [{"replacement": 1}, {"num_samples": 0}, {"num_samples": 2.0}, {"num_samples": -1}]
)
def test_random_sampler_errors_match_torch(kwargs):
    with pytest.raises(Exception) as theirs:
        tdata.RandomSampler(range(3), **kwargs)
    with pytest.raises(type(theirs.value)) as ours:
        edata.RandomSampler(range(3), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_subset_random_sampler_permutes_the_indices():
    indices = [10, 20, 30, 40]
    drawn = list(edata.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(2)))
    assert sorted(drawn) == indices and len(edata.SubsetRandomSampler(indices)) == 4


def test_weighted_random_sampler_follows_weights():
    g = ember.Generator().manual_seed(0)
    drawn = list(edata.WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=g))
    counts = collections.Counter(drawn)
    assert 0 not in counts
    assert 0.7 < counts[2] / 4000 < 0.8  # expected 0.75; 4000 draws keep it within 0.05
    unique = list(edata.WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False))
    assert sorted(unique) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "args",
    [([1.0, 2.0], 0), ([1.0, 2.0], True), ([[1.0], [2.0]], 2), ([1.0, 2.0], 2, "yes")],
)
def test_weighted_random_sampler_errors_match_torch(args):
    with pytest.raises(ValueError) as theirs:
        tdata.WeightedRandomSampler(*args)
    with pytest.raises(ValueError) as ours:
        edata.WeightedRandomSampler(*args)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True)])
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    ours = edata.BatchSampler(edata.SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tdata.BatchSampler(tdata.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


@pytest.mark.parametrize("batch_size, drop_last", [(0, False), (True, False), (2, 1)])
def test_batch_sampler_errors_match_torch(batch_size, drop_last):
    with pytest.raises(ValueError) as theirs:
        tdata.BatchSampler(range(3), batch_size, drop_last)
    with pytest.raises(ValueError) as ours:
        edata.BatchSampler(range(3), batch_size, drop_last)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("n", [10, 11, 3])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_partition_matches_torch(n, replicas, drop_last):
    for rank in range(replicas):
        ours = edata.DistributedSampler(range(n), replicas, rank, False, drop_last=drop_last)
        theirs = tdata.DistributedSampler(range(n), replicas, rank, False, drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert len(ours) == len(theirs)
        assert ours.total_size == theirs.total_size


@pytest.mark.parametrize("n, replicas", [(10, 3), (12, 4), (2, 5)])
def test_distributed_sampler_shuffled_shares_cover_the_data(n, replicas):
    shares = [
        list(edata.DistributedSampler(range(n), replicas, r, seed=7)) for r in range(replicas)
    ]
    theirs = [
        list(tdata.DistributedSampler(range(n), replicas, r, seed=7)) for r in range(replicas)
    ]
    assert [len(s) for s in shares] == [len(s) for s in theirs]
    flat = [i for s in shares for i in s]
    assert set(flat) == set(range(n))
    # Padding repeats as few indices as PyTorch's does.
    assert len(flat) - n == sum(len(s) for s in theirs) - n


def test_distributed_sampler_set_epoch_changes_and_reproduces_order():
    sampler = edata.DistributedSampler(range(40), num_replicas=2, rank=1, seed=3)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert first != second
    sampler.set_epoch(0)
    assert list(sampler) == first


def test_distributed_sampler_invalid_rank_matches_torch():
    with pytest.raises(ValueError) as theirs:
        tdata.DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError) as ours:
        edata.DistributedSampler(range(4), num_replicas=2, rank=2)
    assert str(ours.value) == str(theirs.value)


def test_distributed_sampler_without_process_group_raises_as_torch():
    with pytest.raises(Exception) as theirs:
        tdata.DistributedSampler(range(4))
    with pytest.raises(type(theirs.value)) as ours:
        edata.DistributedSampler(range(4))
    assert str(ours.value) == str(theirs.value)


def test_distributed_sampler_reads_an_initialised_process_group(monkeypatch):
    class FakeGroup(types.ModuleType):
        initialized = True

        def is_available(self):
            return True

        def is_initialized(self):
            return self.initialized

        def get_world_size(self):
            return 3

        def get_rank(self):
            return 2

    fake = FakeGroup("ember.distributed")
    monkeypatch.setitem(sys.modules, "ember.distributed", fake)
    sampler = edata.DistributedSampler(range(9), shuffle=False)
    assert (sampler.num_replicas, sampler.rank, list(sampler)) == (3, 2, [2, 5, 8])
    fake.initialized = False
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        edata.DistributedSampler(range(9))
