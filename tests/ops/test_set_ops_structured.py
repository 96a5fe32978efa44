"""unique/unique_consecutive/searchsorted/bucketize and block_diag/cartesian_prod/
tril_indices/triu_indices: errors, dtypes and gradients the registry does not cover, against
PyTorch."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _raises_like(fn, exc=RuntimeError):
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc, match=re.escape(str(theirs.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.unique(T.ones(2, 0), dim=0),
        lambda T: T.searchsorted(T.tensor([[1, 3], [2, 4]]), T.tensor([[1, 2, 3]]).T),
        lambda T: T.searchsorted(T.tensor([1, 3]), T.tensor([2]), side="left", right=True),
        lambda T: T.searchsorted(T.tensor([1, 3]), T.tensor([2]), side="up"),
        lambda T: T.bucketize(T.tensor([1]), T.tensor([[1, 3]])),
        lambda T: T.cartesian_prod(T.tensor(1)),
        lambda T: T.cartesian_prod(T.tensor([1, 2]), T.tensor([[1]])),
        lambda T: T.block_diag(T.ones(1, 1, 1)),
        lambda T: T.tril_indices(-1, 3),
        lambda T: T.triu_indices(3, -2),
    ],
)
def test_errors_match_torch(fn):
    _raises_like(fn)


def test_indices_dtype_errors_and_results():
    _raises_like(lambda T: T.tril_indices(3, 3, dtype=T.float32), NotImplementedError)
    for args in [(3, 4, 1), (4, 3, -1), (0, 0, 0), (3, 3, -5), (2, 5, 7)]:
        for name in ("tril_indices", "triu_indices"):
            got = getattr(ember, name)(*args, dtype=ember.int32)
            expected = getattr(torch, name)(*args, dtype=torch.int32)
            assert got.dtype is ember.int32
            assert got.tolist() == expected.tolist()


def test_unique_of_a_tensor_requiring_grad_has_no_derivative():
    x = ember.tensor([3.0, 1.0, 3.0], requires_grad=True)
    values, inverse = ember.unique(x, return_inverse=True)
    assert values.requires_grad and not inverse.requires_grad
    with pytest.raises(RuntimeError, match="derivative for '_unique2' is not implemented"):
        values.sum().backward()


def test_unique_sorted_false_still_matches_torch_on_cpu():
    x = [3, 1, 2, 1, 7]
    assert ember.unique(ember.tensor(x), sorted=False).tolist() == sorted(set(x))


def test_searchsorted_sorter_and_out():
    seq, values = [4.0, 1.0, 3.0], [[2.0, 5.0], [0.0, 3.0]]
    sorter = [1, 2, 0]
    got = ember.searchsorted(
        ember.tensor(seq), ember.tensor(values), sorter=ember.tensor(sorter), right=True
    )
    expected = torch.searchsorted(
        torch.tensor(seq), torch.tensor(values), sorter=torch.tensor(sorter), right=True
    )
    assert got.tolist() == expected.tolist()
    out = ember.empty(0, dtype=ember.int64)
    assert ember.bucketize(ember.tensor(values), ember.tensor([1.0, 3.0]), out=out) is out
    assert out.tolist() == torch.bucketize(torch.tensor(values), torch.tensor([1.0, 3.0])).tolist()


def test_bucketize_python_scalar_gives_0d():
    got = ember.bucketize(3, ember.tensor([1, 3, 5, 7]), right=True)
    expected = torch.bucketize(3, torch.tensor([1, 3, 5, 7]), right=True)
    assert got.shape == expected.shape and got.item() == expected.item()


def test_block_diag_promotes_and_handles_no_input():
    got = ember.block_diag(ember.tensor(1), ember.tensor([2.0, 3.0]), ember.ones(2, 2).int())
    expected = torch.block_diag(torch.tensor(1), torch.tensor([2.0, 3.0]), torch.ones(2, 2).int())
    assert_close(got, expected)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert tuple(ember.block_diag().shape) == tuple(torch.block_diag().shape)


def test_cartesian_prod_single_tensor_is_returned():
    x = ember.tensor([1.0, 2.0])
    assert ember.cartesian_prod(x) is x


def test_unique_consecutive_method_matches_torch():
    x = np.array([[1, 1, 2], [1, 1, 2], [3, 1, 2]])
    got = ember.tensor(x).unique_consecutive(return_counts=True, dim=0)
    expected = torch.tensor(x).unique_consecutive(return_counts=True, dim=0)
    for g, e in zip(got, expected):
        assert g.tolist() == e.tolist()
