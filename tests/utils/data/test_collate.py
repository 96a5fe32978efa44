"""default_collate and default_convert against PyTorch's on the same samples."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata

from ._structure import plain

Point = collections.namedtuple("Point", ["x", "y"])


def _samples(T):
    """Batches of samples built with namespace ``T`` (ember or torch)."""
    rng = np.random.default_rng(0)
    arrays = rng.standard_normal((3, 2, 2)).astype(np.float32)
    return {
        "tensors": [T.tensor(a) for a in arrays],
        "int64 tensors": [T.tensor([i, i + 1]) for i in range(3)],
        "numpy arrays": [a for a in arrays],
        "numpy int32 scalars": [np.int32(i) for i in range(3)],
        "numpy float64 scalars": [np.float64(i) / 3 for i in range(3)],
        "floats": [0.5, 1.5, 2.0],
        "ints": [1, 2, 3],
        "bools": [True, False, True],
        "ints then float": [1, 2.5],
        "strings": ["a", "bc", "d"],
        "bytes": [b"a", b"b"],
        "dicts": [{"x": T.tensor([i]), "label": i, "name": str(i)} for i in range(3)],
        "named tuples": [Point(float(i), np.arange(2) + i) for i in range(3)],
        "tuples": [(T.tensor(i), i * 1.0) for i in range(3)],
        "lists": [[i, i + 1, "s"] for i in range(3)],
        "nested": [{"a": [(i, {"b": np.float32(i)})]} for i in range(2)],
    }


@pytest.mark.parametrize("case", list(_samples(torch)))
def test_default_collate_matches_torch(case):
    ours = edata.default_collate(_samples(ember)[case])
    theirs = tdata.default_collate(_samples(torch)[case])
    assert plain(ours) == plain(theirs)


@pytest.mark.parametrize("case", list(_samples(torch)))
def test_default_convert_matches_torch(case):
    ours = edata.default_convert(_samples(ember)[case])
    theirs = tdata.default_convert(_samples(torch)[case])
    assert plain(ours) == plain(theirs)


def test_default_convert_single_sample_matches_torch():
    sample = (np.arange(3), {"k": np.float32(2)}, "s", [np.array(["x"])])
    assert plain(edata.default_convert(sample)) == plain(tdata.default_convert(sample))


def test_default_collate_stacks_without_copy_semantics_leaking():
    batch = [ember.ones(2), ember.zeros(2)]
    out = edata.default_collate(batch)
    out[0, 0] = 5.0  # the batch is a new tensor, not a view of a sample
    assert batch[0][0].item() == 1.0


ERROR_CASES = {
    "object": lambda T: [object(), object()],
    "string arrays": lambda T: [np.array(["a"]), np.array(["b"])],
    "object arrays": lambda T: [np.array([None]), np.array([None])],
    "ragged lists": lambda T: [[1, 2], [1]],
    "ragged tensors": lambda T: [T.ones(2), T.ones(3)],
    "none": lambda T: [None, None],
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_default_collate_errors_match_torch(case):
    with pytest.raises(Exception) as theirs:
        tdata.default_collate(ERROR_CASES[case](torch))
    with pytest.raises(type(theirs.value)) as ours:
        edata.default_collate(ERROR_CASES[case](ember))
    assert str(ours.value) == str(theirs.value)


def test_default_collate_keeps_gradients_and_promotes_as_torch():
    def batch(T):
        return [T.ones(2, requires_grad=True), T.full((2,), 3.0, requires_grad=True)]

    ours, theirs = edata.default_collate(batch(ember)), tdata.default_collate(batch(torch))
    assert ours.requires_grad and theirs.requires_grad
    assert plain(ours.detach()) == plain(theirs.detach())
    mixed = [ember.ones(2, dtype=ember.int64), ember.ones(2)]
    tmixed = [torch.ones(2, dtype=torch.int64), torch.ones(2)]
    assert plain(edata.default_collate(mixed)) == plain(tdata.default_collate(tmixed))
