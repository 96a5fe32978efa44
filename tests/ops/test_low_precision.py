"""Half precision that is right: reductions of bfloat16 and float16 accumulate in float32 and
round once, float32 scans accumulate in float64, and bfloat16 counts as floating point
everywhere (one predicate, ember._dtype.is_floating_np). PyTorch is the oracle."""

import math
import warnings

import ml_dtypes
import numpy as np
import pytest
import torch

import ember
from ember._dtype import is_floating_np

NAN = float("nan")
HALF = ("bfloat16", "float16")


def _both(fn):
    """``fn(T)`` under ember and PyTorch, as float64 numpy arrays."""
    e, t = fn(ember), fn(torch)
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    return e.detach().double().numpy(), t.detach().double().numpy()


def _assert_same(fn, rtol=0.0, atol=0.0):
    e, t = _both(fn)
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, equal_nan=True)


# ---- the predicate ----------------------------------------------------------------------------


def test_is_floating_np_knows_bfloat16_and_float8():
    for dtype in (np.float16, np.float32, np.float64, ml_dtypes.bfloat16):
        assert is_floating_np(np.dtype(dtype))
    assert is_floating_np(np.dtype(ml_dtypes.float8_e4m3fn))
    assert is_floating_np(np.dtype(ml_dtypes.float8_e5m2))
    for dtype in (np.int64, np.uint8, np.bool_, np.dtype("V2")):
        assert not is_floating_np(np.dtype(dtype))


# ---- reductions accumulate in float32 ---------------------------------------------------------


@pytest.mark.parametrize("dtype", HALF)
def test_softmax_of_many_half_values_sums_to_one(dtype):
    for name in ("softmax", "log_softmax"):
        _assert_same(lambda T, f=name: getattr(T, f)(T.zeros(1000, dtype=getattr(T, dtype)), 0))
    total = ember.softmax(ember.zeros(1000, dtype=getattr(ember, dtype)), 0).sum().item()
    assert total == pytest.approx(1.0, rel=1e-2)


@pytest.mark.parametrize("dtype", HALF)
def test_cross_entropy_over_1000_half_classes_is_log_1000(dtype):
    def fn(T):
        logits = T.zeros(4, 1000, dtype=getattr(T, dtype))
        return T.nn.functional.cross_entropy(logits, T.tensor([1, 2, 3, 4]))

    _assert_same(fn)
    assert fn(ember).item() == pytest.approx(math.log(1000), rel=1e-2)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_loss_of_many_bfloat16_terms_accumulates_in_float32(reduction):
    rng = np.random.default_rng(0)
    logp = rng.uniform(-3, -1, size=(4000, 3)).astype(np.float32)
    target = rng.integers(0, 3, size=4000)

    def fn(T):
        x = T.tensor(logp).to(T.bfloat16)
        return T.nn.functional.nll_loss(x, T.tensor(target), reduction=reduction)

    _assert_same(fn, rtol=2**-7)


@pytest.mark.parametrize("dtype", HALF)
def test_logsumexp_of_many_half_values_is_exact(dtype):
    _assert_same(lambda T: T.logsumexp(T.zeros(1000, dtype=getattr(T, dtype)), 0))
    _assert_same(lambda T: T.logsumexp(T.zeros(3, 0, dtype=getattr(T, dtype)), 1))


def test_prod_of_bfloat16_accumulates_in_float32():
    e, t = _both(lambda T: T.full((100,), 1.01, dtype=T.bfloat16).prod())
    # A float32 product rounded once is within one bfloat16 step of PyTorch's.
    np.testing.assert_allclose(e, t, rtol=2**-7)
    assert abs(e - 1.0078125**100) < 2**-6


def test_nansum_and_nanmean_of_bfloat16_skip_nans():
    for name in ("nansum", "nanmean"):
        _assert_same(lambda T, f=name: getattr(T, f)(T.tensor([1.0, NAN, 2.0], dtype=T.bfloat16)))


def test_float16_norm_does_not_overflow():
    _assert_same(lambda T: T.full((300,), 20.0, dtype=T.float16).norm())
    _assert_same(lambda T: T.linalg.vector_norm(T.full((300,), 20.0, dtype=T.float16), 3))


@pytest.mark.parametrize("dtype", HALF)
def test_einsum_in_half_precision_accumulates_in_float32(dtype):
    def fn(T):
        a = T.full((2, 3000), 0.1, dtype=getattr(T, dtype))
        return T.einsum("ij,kj->ik", a, a)

    _assert_same(fn)


# ---- scans accumulate one step wider ----------------------------------------------------------


def test_float32_cumsum_counts_past_2_to_the_24():
    _assert_same(lambda T: T.ones(2**25).cumsum(0)[-1])


def test_float32_cumprod_and_logcumsumexp_accumulate_in_float64():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 2**20).astype(np.float32)
    _assert_same(lambda T: T.tensor(x).logcumsumexp(0)[-1], rtol=1.3e-6)
    ones = np.full(2**20, 1.0000001, np.float32)
    _assert_same(lambda T: T.tensor(ones).cumprod(0)[-1], rtol=1.3e-6)


@pytest.mark.parametrize("dtype", HALF)
def test_half_cumsum_rounds_each_prefix_once(dtype):
    _assert_same(lambda T: T.full((1000,), 0.1, dtype=getattr(T, dtype)).cumsum(0))


# ---- bfloat16 is floating point ---------------------------------------------------------------


def test_bfloat16_std_var_norm_and_logcumsumexp_compute():
    x = np.arange(10.0)
    for fn in (
        lambda T: T.tensor(x).to(T.bfloat16).std(),
        lambda T: T.tensor(x).to(T.bfloat16).var(0),
        lambda T: T.tensor(x).to(T.bfloat16).norm(),
        lambda T: T.linalg.matrix_norm(T.tensor(x).reshape(2, 5).to(T.bfloat16)),
        lambda T: T.tensor(x).to(T.bfloat16).logcumsumexp(0),
    ):
        _assert_same(fn, rtol=2**-7)


def test_bfloat16_median_of_a_nan_is_nan():
    _assert_same(lambda T: T.tensor([3.0, NAN, 1.0], dtype=T.bfloat16).median())
    _assert_same(lambda T: T.tensor([[3.0, NAN, 1.0]], dtype=T.bfloat16).median(1).values)
    _assert_same(lambda T: T.tensor([3.0, NAN, 1.0], dtype=T.bfloat16).nanmedian())


def test_bfloat16_nan_to_num_uses_bfloat16_limits():
    _assert_same(lambda T: T.nan_to_num(T.tensor([math.inf, -math.inf, NAN], dtype=T.bfloat16)))


def test_bfloat16_cummax_treats_nan_as_the_maximum():
    def fn(T):
        x = T.tensor([[1.0, 3.0, 2.0, 3.0, NAN, 0.0]], dtype=T.bfloat16)
        values, indices = T.cummax(x, 1)
        return T.cat([values.double(), indices.double()])

    _assert_same(fn)


def test_half_ldexp_with_integer_exponents_keeps_its_dtype():
    _assert_same(lambda T: T.ldexp(T.tensor([1e-3, 2.0], dtype=T.float16), T.tensor([20, -3])))


def test_half_linalg_decompositions_refuse_low_precision():
    for dtype in ("bfloat16", "float16"):
        a = ember.eye(3, dtype=getattr(ember, dtype))
        with pytest.raises(RuntimeError, match="Low precision dtypes not supported"):
            ember.linalg.svd(a)
        with pytest.raises(RuntimeError):
            ember.linalg.pinv(a)
        with pytest.raises(RuntimeError, match="float and double"):
            ember.linalg.matrix_rank(a)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.nn.MaxPool2d(2)(x),
        lambda T, x: T.nn.functional.max_pool1d(x.flatten(2), 2),
        lambda T, x: T.nn.functional.adaptive_max_pool2d(x, 2),
        lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 3),
        lambda T, x: T.nn.functional.unfold(x, 2),
    ],
    ids=["MaxPool2d", "max_pool1d", "adaptive_max_pool2d", "adaptive_avg_pool2d", "unfold"],
)
def test_bfloat16_pooling_computes(fn):
    data = np.random.default_rng(0).standard_normal((1, 2, 4, 6)).astype(np.float32)
    _assert_same(lambda T: fn(T, T.tensor(data).to(T.bfloat16)), rtol=2**-7)


def test_anomaly_mode_catches_nan_bfloat16_gradients():
    for T in (torch, ember):
        x = T.tensor([-1.0, 1.0], dtype=T.bfloat16, requires_grad=True)
        with warnings.catch_warnings(), T.autograd.detect_anomaly():
            warnings.simplefilter("ignore")  # PyTorch warns that anomaly mode is slow
            with pytest.raises(RuntimeError, match="'SqrtBackward0' returned nan values"):
                T.sqrt(x).sum().backward()


def test_logsumexp_of_empty_and_infinite_slices_needs_no_initial():
    # The shift no longer uses max(initial=-inf), which CuPy's amax lacks.
    _assert_same(lambda T: T.logsumexp(T.zeros(2, 0), 1))
    _assert_same(lambda T: T.logsumexp(T.tensor([[-math.inf, -math.inf], [math.inf, 1.0]]), 1))
    _assert_same(lambda T: T.logsumexp(T.tensor([[NAN, 1.0], [2.0, 3.0]]), 1))
