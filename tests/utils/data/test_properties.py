"""Property: one epoch of a DataLoader visits every index exactly once, whatever the size,
batch size, shuffling, drop_last (up to the dropped tail) and number of workers."""

from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import ember.utils.data as edata


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 40),
    batch_size=st.integers(1, 9),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    num_workers=st.sampled_from([0, 0, 0, 1, 2]),
    seed=st.integers(0, 2**32),
)
def test_epoch_visits_each_index_once(n, batch_size, shuffle, drop_last, num_workers, seed):
    ember.manual_seed(seed)
    loader = edata.DataLoader(
        list(range(n)),
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=drop_last,
        num_workers=num_workers,
    )
    batches = [b.tolist() for b in loader]
    seen = [i for b in batches for i in b]
    assert len(seen) == len(set(seen))
    assert len(batches) == len(loader)
    if drop_last:
        assert len(seen) == n - n % batch_size
        assert all(len(b) == batch_size for b in batches)
    else:
        assert sorted(seen) == list(range(n))
    if not shuffle:
        assert seen == sorted(seen)
