"""Sorting and order statistics: stability, NaN order, ties, errors, gradients, out=. PyTorch is
the oracle."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

NAN = float("nan")
TIED = np.array([[2.0, 1.0, NAN, 2.0, 1.0, NAN, 0.0], [3.0, 3.0, 3.0, -1.0, 0.0, 3.0, -1.0]])


def _same_error(fn):
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.sort(x, stable=True),
        lambda T, x: T.sort(x, descending=True, stable=True),
        lambda T, x: T.sort(x, stable=True, dim=0, descending=True),
        lambda T, x: x.sort(dim=-1, stable=True, descending=True),
        lambda T, x: T.argsort(x, stable=True),
        lambda T, x: T.argsort(x, descending=True, stable=True),
        lambda T, x: x.argsort(stable=True, dim=0, descending=True),
        lambda T, x: T.msort(x),
    ],
)
def test_stable_sort_with_ties_and_nan_matches_pytorch(fn):
    check_against_torch(fn, Sample((TIED,)))


@pytest.mark.parametrize("dtype", ["bool", "int32", "int64", "uint8"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_integer_and_bool(dtype, descending):
    data = np.array([[3, 1, 2, 1, 0], [0, 1, 1, 0, 4]]).astype(dtype)
    check_against_torch(
        lambda T, x: T.sort(x, descending=descending, stable=True), Sample((data,)), grad=False
    )


def test_sort_gradient_goes_to_each_element_once():
    # Ties in the input: each element still receives exactly the gradient of its place.
    check_against_torch(lambda T, x: T.sort(x, stable=True).values, Sample((TIED[1:],)))


def test_topk_nan_is_largest():
    data = np.array([[1.0, NAN, 3.0, 2.0], [0.5, 0.0, -1.0, NAN]])
    check_against_torch(lambda T, x: T.topk(x, 2), Sample((data,)))
    check_against_torch(lambda T, x: T.topk(x, 2, largest=False), Sample((data,)))
    check_against_torch(lambda T, x: x.topk(1, 0), Sample((data,)))


def test_topk_unsorted_has_the_same_elements():
    data = np.random.default_rng(1).standard_normal((3, 6))
    for T in (ember, torch):
        values, indices = T.topk(T.tensor(data), 3, sorted=False)
        np.testing.assert_array_equal(
            np.sort(np.asarray(values), 1), np.sort(data, 1)[:, ::-1][:, :3][:, ::-1]
        )
        np.testing.assert_array_equal(np.take_along_axis(data, np.asarray(indices), 1), values)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.topk(T.ones(3), 4),
        lambda T: T.topk(T.ones(3), -1),
        lambda T: T.topk(T.tensor(1.0), 2),
        lambda T: T.kthvalue(T.ones(3), 4),
        lambda T: T.kthvalue(T.ones(3, 2), 0, 0),
        lambda T: T.kthvalue(T.zeros(3, 0), 1),
        lambda T: T.median(T.zeros(3, 0), 1),
        lambda T: T.nanmedian(T.zeros(0, 2), 0),
        lambda T: T.mode(T.zeros(2, 0), 1),
        lambda T: T.sort(T.ones(2, 3), 2),
        lambda T: T.argsort(T.ones(2, 3), -3),
    ],
)
def test_errors_match_pytorch(fn):
    _same_error(fn)


def test_kthvalue_and_median_with_nan():
    data = np.array([[1.0, NAN, 3.0, NAN, 0.0], [4.0, 2.0, 1.0, 0.0, 5.0]])
    for fn in (
        lambda T, x: T.kthvalue(x, 3),
        lambda T, x: T.kthvalue(x, 5),
        lambda T, x: T.median(x),
        lambda T, x: T.median(x, 1),
        lambda T, x: T.nanmedian(x),
        lambda T, x: T.nanmedian(x, 1, keepdim=True),
    ):
        check_against_torch(fn, Sample((data,)))
    check_against_torch(lambda T, x: T.nanmedian(x), Sample((data[0],)))


def test_median_of_empty_is_nan():
    check_against_torch(lambda T, x: T.median(x), Sample((np.zeros(0),)), grad=False)
    check_against_torch(lambda T, x: T.nanmedian(x), Sample((np.full(3, NAN),)))


def test_median_ties_values_and_valid_indices():
    # PyTorch leaves the index among equal elements to its selection algorithm; ember picks in
    # stable-sort order. Values agree, and each index points at an element equal to the value.
    data = np.array([[3.0, 1.0, 3.0, 1.0, 3.0], [2.0, 2.0, 2.0, 0.0, 0.0]])
    for name, args in (("median", (1,)), ("kthvalue", (4, 1)), ("mode", (1,))):
        ours = getattr(ember, name)(ember.tensor(data), *args)
        theirs = getattr(torch, name)(torch.tensor(data), *args)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        picked = np.take_along_axis(data, ours.indices.numpy()[:, None], 1)[:, 0]
        np.testing.assert_array_equal(picked, ours.values.numpy())


def test_mode_matches_pytorch():
    data = np.array([[1.0, 2.0, 2.0, 1.0, 3.0], [3.0, 3.0, 1.0, 1.0, 2.0], [5.0, 4.0, 4.0, 0, 4]])
    check_against_torch(lambda T, x: T.mode(x), Sample((data,)))
    check_against_torch(lambda T, x: T.mode(x, 0, True), Sample((NonContiguous(data),)))


def test_out_arguments_return_out_types():
    x = ember.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    result = ember.sort(x, out=(values, indices))
    assert type(result) is ember.return_types.sort_out
    assert result.values is values and result.indices is indices
    np.testing.assert_array_equal(indices.numpy(), [[1, 2, 0], [0, 2, 1]])
    result = ember.median(x, 1, out=(values, indices))
    assert type(result) is ember.return_types.median_out
    np.testing.assert_array_equal(values.numpy(), [2.0, 4.0])


def test_sort_large_input_matches_numpy_stable_order():
    data = np.random.default_rng(2).integers(0, 50, size=(4, 2000)).astype(np.float32)
    result = ember.sort(ember.tensor(data), descending=True, stable=True)
    expected = torch.sort(torch.tensor(data), descending=True, stable=True)
    np.testing.assert_array_equal(result.indices.numpy(), expected.indices.numpy())
    np.testing.assert_array_equal(result.values.numpy(), expected.values.numpy())


def test_gradients_second_order():
    data = np.random.default_rng(3).standard_normal((3, 5))
    for fn in (
        lambda T, x: T.sort(x, 1).values ** 2,
        lambda T, x: T.topk(x, 2).values ** 3,
        lambda T, x: T.kthvalue(x, 2)[0] ** 2,
        lambda T, x: T.median(x, 0).values ** 2,
        lambda T, x: T.max(x, 1).values ** 2,
        lambda T, x: T.cummax(x, 1).values ** 2,
    ):
        grads = []
        for T in (ember, torch):
            x = T.tensor(data, requires_grad=True)
            (g,) = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
            (gg,) = T.autograd.grad((g * g).sum(), x)
            grads.append((g.detach().numpy(), gg.numpy()))
        for a, b in zip(*grads):
            np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("largest", [True, False])
def test_topk_of_long_rows_with_ties_is_the_stable_sort_prefix(largest):
    # Long rows and a small k take the partition path; ties must still follow the stable order.
    data = np.random.default_rng(4).integers(0, 7, size=(3, 64)).astype(np.float64)
    result = ember.topk(ember.tensor(data), 5, 1, largest)
    expected = torch.sort(torch.tensor(data), dim=1, descending=largest, stable=True)
    np.testing.assert_array_equal(result.indices.numpy(), expected.indices[:, :5].numpy())
    np.testing.assert_array_equal(result.values.numpy(), expected.values[:, :5].numpy())
    distinct = np.random.default_rng(5).permutation(64 * 3).reshape(64, 3) / 7.0
    check_against_torch(lambda T, x: T.topk(x, 3, 0, largest), Sample((distinct,)))
