"""Reductions, extremes and scans: dtype rules, errors, ties and zeros at the kinks, NaN, out=,
named tuples. PyTorch is the oracle throughout."""

import pickle
import re
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing.oracle import Sample, check_against_torch

NAN = float("nan")


def _same_error(fn):
    """``fn(T)`` raises the same exception type and message under ember and PyTorch."""
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        fn(ember)


def _grads(fn, data, create_graph=False):
    """Gradients of ``fn(T, x).sum()`` (and of their weighted sum again, with create_graph)
    under both namespaces, as numpy arrays."""
    result = []
    for T in (ember, torch):
        x = T.tensor(data, dtype=T.float64, requires_grad=True)
        (g,) = T.autograd.grad(fn(T, x).sum(), x, create_graph=create_graph)
        row = [g.detach().numpy()]
        if create_graph:
            weights = T.tensor(np.arange(g.numel(), dtype=np.float64).reshape(tuple(g.shape)))
            (gg,) = T.autograd.grad((g * weights).sum(), x, allow_unused=True)
            row.append(np.zeros(g.shape) if gg is None else gg.numpy())
        result.append(row)
    return result


def _assert_grads_match(fn, data, create_graph=False):
    ours, theirs = _grads(fn, data, create_graph)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True)


# ---- dtype rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["sum", "prod", "nansum"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
def test_integer_sum_and_prod_give_int64(op, dtype):
    data = np.array([[1, 0, 2], [3, 1, 1]]).astype(dtype)
    ours, theirs = getattr(ember, op)(ember.tensor(data)), getattr(torch, op)(torch.tensor(data))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch", "ember")
    assert ours.item() == theirs.item()


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32"])
def test_integer_scans_give_int64(op, dtype):
    data = np.array([[1, 0, 2], [3, 1, 1]]).astype(dtype)
    check_against_torch(lambda T, x: getattr(T, op)(x, 1), Sample((data,)), grad=False)


def test_dtype_argument():
    x = np.array([[1, 2], [3, 4]])
    for fn in (
        lambda T, x: T.sum(x, dtype=T.float64),
        lambda T, x: T.prod(x, 1, dtype=T.float32),
        lambda T, x: T.cumsum(x, 0, dtype=T.float64),
        lambda T, x: T.mean(x, dtype=T.float64),
        lambda T, x: T.mean(x.float(), 1, dtype=T.float64),
        lambda T, x: T.nansum(x.double(), dtype=T.float32),
    ):
        check_against_torch(fn, Sample((x,)), grad=False)


def test_mean_of_integers_raises_pytorchs_error():
    _same_error(lambda T: T.mean(T.tensor([1, 2])))
    _same_error(lambda T: T.nanmean(T.tensor([1, 2])))
    _same_error(lambda T: T.var(T.tensor([1, 2])))
    _same_error(lambda T: T.std(T.tensor([1, 2])))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float32"])
def test_all_any_count_nonzero_dtypes(dtype):
    data = np.array([[1, 0, 2], [3, 1, 1]]).astype(dtype)
    for fn in (
        lambda T, x: T.all(x),
        lambda T, x: T.any(x, 1),
        lambda T, x: T.all(x, (0, 1), keepdim=True),
        lambda T, x: T.any(x, ()),
        lambda T, x: T.count_nonzero(x),
        lambda T, x: T.count_nonzero(x, (0, -1)),
        lambda T, x: x.count_nonzero(1),
    ):
        check_against_torch(fn, Sample((data,)), grad=False)


def test_argmax_argmin_give_int64_first_index():
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    for fn in (
        lambda T, x: T.argmax(x),
        lambda T, x: T.argmax(x, keepdim=True),
        lambda T, x: T.argmin(x, 1),
        lambda T, x: x.argmax(-1, True),
        lambda T, x: T.max(x, 1).indices,
        lambda T, x: T.min(x, 0).indices,
    ):
        check_against_torch(fn, Sample((data,)), grad=False)


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.max(T.tensor([])),
        lambda T: T.min(T.zeros(0, 3), 0),
        lambda T: T.amax(T.tensor([])),
        lambda T: T.amin(T.zeros(2, 0), 1),
        lambda T: T.argmax(T.tensor([])),
        lambda T: T.argmin(T.zeros(2, 0), 1),
        lambda T: T.argmax(T.tensor([True])),
        lambda T: T.aminmax(T.tensor([])),
        lambda T: T.aminmax(T.zeros(2, 0), dim=1),
        lambda T: T.sum(T.ones(2, 3), 2),
        lambda T: T.mean(T.ones(2, 3), -3),
        lambda T: T.max(T.ones(2, 3), 2),
        lambda T: T.cumsum(T.tensor(1.0), 1),
        lambda T: T.sum(T.ones(2, 3), (0, 0)),
        lambda T: T.logcumsumexp(T.tensor([1, 2]), 0),
        lambda T: T.norm(T.tensor([1, 2])),
        lambda T: T.norm(T.zeros(0), p=float("inf")),
    ],
)
def test_errors_match_pytorch(fn):
    _same_error(fn)


def test_empty_reductions_with_identity():
    empty = np.zeros((0, 3))
    for fn in (
        lambda T, x: T.sum(x),
        lambda T, x: T.prod(x),
        lambda T, x: T.mean(x),
        lambda T, x: T.logsumexp(x, (0, 1)),
        lambda T, x: T.norm(x),
        lambda T, x: T.amax(x, 1),
        lambda T, x: T.cumsum(x, 0),
        lambda T, x: T.all(x),
        lambda T, x: T.any(x),
        lambda T, x: T.nanmean(x),
    ):
        check_against_torch(fn, Sample((empty,)), grad=False)


def test_var_with_too_few_elements_warns_and_gives_nan():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        y = ember.var(ember.tensor([1.0], requires_grad=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_against_torch(lambda T, x: T.var(x), Sample((np.array([1.0]),)))
        check_against_torch(lambda T, x: T.std(x, 0), Sample((np.array([1.0]),)))
    assert np.isnan(y.item())


# ---- ties at kinks: max(), amax, median() share the gradient evenly -------------------------


TIES = np.array([[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]])


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.max(x),
        lambda T, x: T.min(x),
        lambda T, x: x.max(),
        lambda T, x: T.amax(x, 1),
        lambda T, x: T.amax(x),
        lambda T, x: T.amin(x, (0, 1), keepdim=True),
        lambda T, x: T.aminmax(x).max * 2 + T.aminmax(x).min,
        lambda T, x: T.aminmax(x, dim=1).max,
        lambda T, x: T.max(x, 1).values,
        lambda T, x: T.min(x, 0, keepdim=True).values,
        lambda T, x: T.norm(x, float("inf")),
    ],
)
def test_ties_share_gradient_like_pytorch(fn):
    _assert_grads_match(fn, TIES)
    _assert_grads_match(fn, -TIES)


def test_median_ties_share_gradient_like_pytorch():
    _assert_grads_match(lambda T, x: T.median(x), [[1.0, 2.0, 2.0], [2.0, 5.0, 0.0]])
    _assert_grads_match(lambda T, x: T.nanmedian(x), [[1.0, NAN, 2.0], [2.0, 5.0, 2.0]])


# ---- NaN ------------------------------------------------------------------------------------


WITH_NAN = np.array([[1.0, NAN, 3.0, NAN], [2.0, 0.5, 1.0, 0.0]])


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.max(x),
        lambda T, x: T.min(x, 1),
        lambda T, x: T.max(x, 1),
        lambda T, x: T.amax(x, 1),
        lambda T, x: T.argmax(x, 1),
        lambda T, x: T.argmin(x),
        lambda T, x: T.cummax(x, 1),
        lambda T, x: T.cummin(x, 1),
        lambda T, x: T.logsumexp(x, 1),
        lambda T, x: T.nansum(x, 1),
        lambda T, x: T.nanmean(x),
    ],
)
def test_nan_handling_matches_pytorch(fn):
    check_against_torch(fn, Sample((WITH_NAN,)))


# ---- zeros in prod and cumprod --------------------------------------------------------------


ZEROS = [
    [2.0, 3.0, 0.5, 4.0],  # none
    [2.0, 0.0, 0.5, 4.0],  # one
    [0.0, 3.0, 0.0, 4.0],  # two
]


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.prod(x),
        lambda T, x: T.prod(x, 1),
        lambda T, x: T.prod(x, 0, keepdim=True),
        lambda T, x: T.cumprod(x, 1),
        lambda T, x: T.cumprod(x, 0),
    ],
)
@pytest.mark.parametrize("row", [0, 1, 2])
def test_prod_and_cumprod_with_zeros_match_pytorch_to_second_order(fn, row):
    data = np.array([ZEROS[row], ZEROS[(row + 1) % 3]])
    _assert_grads_match(fn, data)
    _assert_grads_match(fn, data, create_graph=True)


def test_cumprod_with_zeros_first_order_without_create_graph():
    data = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.5, 2.0, 0.5, 3.0]])
    ours, theirs = _grads(lambda T, x: T.cumprod(x, 1) * T.arange(5.0), data)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)


# ---- gradients at special points ------------------------------------------------------------


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 1.5, float("inf"), "fro"])
def test_norm_gradient_at_zero_matches_pytorch(p):
    _assert_grads_match(lambda T, x: T.norm(x, p), np.zeros((2, 3)))
    _assert_grads_match(lambda T, x: T.norm(x, p, dim=1), [[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]])


def test_std_gradient_at_zero_spread_is_zero():
    _assert_grads_match(lambda T, x: T.std(x, 1), np.ones((2, 3)))


def test_logsumexp_is_stable():
    data = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0]])
    check_against_torch(lambda T, x: T.logsumexp(x, 1), Sample((data[:2],)))
    check_against_torch(lambda T, x: T.logsumexp(x, 1), Sample((data,)), grad=False)


def test_logcumsumexp_is_stable():
    data = np.array([[1000.0, 999.0, -1000.0, 1001.0], [-500.0, -400.0, 300.0, 1.0]])
    check_against_torch(lambda T, x: T.logcumsumexp(x, 1), Sample((data,)))


def test_cumsum_second_order():
    _assert_grads_match(lambda T, x: T.cumsum(x, 1) ** 2, [[1.0, 2.0, 3.0]], create_graph=True)


# ---- call forms, out= and in-place ----------------------------------------------------------


def test_var_std_overloads():
    data = np.random.default_rng(0).standard_normal((3, 4))
    for fn in (
        lambda T, x: T.var(x, True),
        lambda T, x: T.std(x, False),
        lambda T, x: T.var(x, 1, False, True),
        lambda T, x: T.std(x, dim=[0, 1], correction=0),
        lambda T, x: x.var(0, unbiased=False),
        lambda T, x: T.var_mean(x, 1, keepdim=True),
        lambda T, x: T.std_mean(x, correction=2),
    ):
        check_against_torch(fn, Sample((data,)))


def test_max_min_binary_form():
    a, b = np.array([[1.0, 5.0], [3.0, 2.0]]), np.array([2.0, 2.0])
    check_against_torch(lambda T, x, y: T.max(x, y), Sample((a, b)))
    check_against_torch(lambda T, x, y: x.min(y), Sample((a, b)))


def test_out_arguments():
    x = ember.tensor([[1.0, 5.0, 2.0], [3.0, 2.0, 4.0]])
    out = ember.empty(0)
    assert ember.sum(x, 1, out=out) is out
    np.testing.assert_array_equal(out.numpy(), [8.0, 9.0])
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    result = ember.max(x, 1, out=(values, indices))
    assert type(result) is ember.return_types.max_out
    assert result.values is values and result.indices is indices
    np.testing.assert_array_equal(indices.numpy(), [1, 2])
    cum = ember.empty(2, 3, dtype=ember.float64)
    ember.cumsum(x, 1, out=cum)
    np.testing.assert_array_equal(cum.numpy(), np.cumsum(x.numpy(), 1))


def test_inplace_scans():
    for T in (ember, torch):
        x = T.tensor([[1.0, 2.0, 3.0]])
        assert x.cumsum_(1) is x and x.cumprod_(1) is x
        np.testing.assert_array_equal(np.asarray(x), [[1.0, 3.0, 18.0]])


# ---- named tuples ---------------------------------------------------------------------------


def test_return_types_behave_like_torch():
    ours = ember.max(ember.tensor([[1.0, 5.0], [3.0, 2.0]]), 1)
    theirs = torch.max(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), 1)
    assert isinstance(ours, tuple) and len(ours) == 2
    assert type(ours).__name__ == type(theirs).__name__ == "max"
    values, indices = ours
    assert values is ours.values and indices is ours[1]
    assert repr(ours).startswith("ember.return_types.max(\nvalues=")
    assert repr(ours).replace("ember", "torch") == repr(theirs)
    again = pickle.loads(pickle.dumps(ours))
    assert type(again) is ember.return_types.max
    np.testing.assert_array_equal(again.indices.numpy(), indices.numpy())
    pair = ember.aminmax(ember.tensor([1.0, 5.0]))
    assert (pair.min.item(), pair.max.item()) == (1.0, 5.0)


def test_half_precision_sums_accumulate_in_float32():
    data = np.random.default_rng(0).random(20000).astype(np.float16)
    for fn in (
        lambda T, x: T.mean(x),
        lambda T, x: T.var(x),
        lambda T, x: T.std(x, 0),
        lambda T, x: T.cumsum(x, 0),
        lambda T, x: T.sum(x, dtype=T.float32),
    ):
        ours, theirs = fn(ember, ember.tensor(data)), fn(torch, torch.tensor(data))
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        np.testing.assert_allclose(
            np.asarray(ours, np.float64), theirs.double().numpy(), rtol=2e-3, atol=1e-3
        )
