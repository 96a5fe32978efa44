"""Pooling layers against torch: outputs, indices, gradients (ties included), repr and errors."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import Sample, check_against_torch

RNG = np.random.default_rng(0)

# (class name, positional args, keyword args, input shape)
POOL_CASES = [
    ("MaxPool1d", (2,), {}, (2, 3, 7)),
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True}, (2, 9)),
    ("MaxPool1d", (3,), {"stride": 1, "return_indices": True}, (2, 2, 6)),
    ("MaxPool2d", (2,), {}, (2, 2, 5, 6)),
    ("MaxPool2d", ((3, 2),), {"stride": (2, 1), "padding": (1, 0), "ceil_mode": True}, (2, 5, 5)),
    ("MaxPool2d", (2,), {"dilation": 2, "return_indices": True}, (1, 2, 6, 5)),
    ("MaxPool3d", (2,), {"stride": 1, "padding": 1, "return_indices": True}, (1, 2, 3, 3, 2)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1}, (2, 3, 7)),
    ("AvgPool1d", (2,), {"ceil_mode": True, "count_include_pad": False, "padding": 1}, (2, 7)),
    ("AvgPool2d", (2,), {}, (2, 2, 5, 6)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 2, 6, 5)),
    ("AvgPool2d", ((3, 2),), {"ceil_mode": True, "divisor_override": 5}, (2, 7, 5)),
    ("AvgPool3d", (2,), {"stride": 1, "padding": 1, "ceil_mode": True}, (1, 2, 3, 3, 2)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 7)),
    ("AdaptiveAvgPool1d", (5,), {}, (2, 4)),
    ("AdaptiveAvgPool2d", ((3, 2),), {}, (2, 2, 7, 5)),
    ("AdaptiveAvgPool2d", ((None, 4),), {}, (2, 5, 6)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 2, 5, 6)),
    ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 3, 4, 5)),
    ("AdaptiveMaxPool1d", (3,), {"return_indices": True}, (2, 3, 7)),
    ("AdaptiveMaxPool2d", ((3, 2),), {}, (2, 2, 7, 5)),
    ("AdaptiveMaxPool2d", ((4, None),), {"return_indices": True}, (2, 5, 6)),
    ("AdaptiveMaxPool3d", (2,), {"return_indices": True}, (1, 2, 3, 4, 5)),
    ("LPPool1d", (2, 3), {}, (2, 3, 7)),
    ("LPPool1d", (1.5, 2), {"stride": 1, "ceil_mode": True}, (2, 7)),
    ("LPPool2d", (2, 2), {}, (2, 2, 5, 6)),
    ("LPPool2d", (float("inf"), (3, 2)), {"stride": 2}, (2, 6, 5)),
    ("LPPool3d", (2, 2), {}, (1, 2, 4, 4, 3)),
]

# LPPool with a fractional power needs positive window sums.
POSITIVE = {"LPPool1d"}


def _pair(name, args, kwargs):
    return getattr(ember.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize("name,args,kwargs,shape", POOL_CASES)
def test_pool_module_matches_torch(name, args, kwargs, shape):
    e, t = _pair(name, args, kwargs)
    x = RNG.standard_normal(shape)
    check_module(e, t, np.abs(x) + 0.1 if name in POSITIVE else x)


@pytest.mark.parametrize("name,args,kwargs,shape", POOL_CASES)
def test_pool_module_repr_matches_torch(name, args, kwargs, shape):
    e, t = _pair(name, args, kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict()) == []


UNPOOL_CASES = [
    ("MaxUnpool1d", (2,), {}, (2, 3, 8), None),
    ("MaxUnpool1d", (3,), {"stride": 3, "padding": 1}, (2, 7), None),
    ("MaxUnpool2d", (2,), {}, (2, 2, 4, 6), None),
    ("MaxUnpool2d", (2,), {}, (2, 2, 5, 5), (5, 5)),
    ("MaxUnpool2d", ((2, 3),), {"stride": (2, 3), "padding": (1, 1)}, (2, 5, 6), (5, 6)),
    ("MaxUnpool3d", (2,), {}, (1, 2, 4, 2, 4), None),
]


@pytest.mark.parametrize("name,args,kwargs,shape,output_size", UNPOOL_CASES)
def test_max_unpool_module_matches_torch(name, args, kwargs, shape, output_size):
    e, t = _pair(name, args, kwargs)
    assert repr(e) == repr(t)
    pool = getattr(torch.nn, name.replace("Unpool", "Pool"))(*args, **kwargs, return_indices=True)
    values, indices = pool(torch.tensor(RNG.standard_normal(shape)))
    check_module(e, t, values.numpy(), indices.numpy(), kwargs={"output_size": output_size})


def _fn_pair(fn):
    return lambda T, *args: fn(T.nn.functional, *args)


# Ties: the gradient goes to the first maximal element of each window, as in PyTorch, and
# accumulates where overlapping windows choose the same element.
TIE_CASES = {
    "constant overlapping": (
        np.ones((1, 2, 5, 5)),
        lambda F, x: F.max_pool2d(x, 3, stride=1, return_indices=True),
    ),
    "two maxima": (
        np.array([[[[0.0, 2.0, 2.0, 1.0], [2.0, 1.0, 0.0, 2.0], [1.0, 2.0, 2.0, 2.0]]]]),
        lambda F, x: F.max_pool2d(x, 2, stride=1, return_indices=True),
    ),
    "lowest values next to padding": (
        np.full((1, 1, 4, 4), -np.inf),
        lambda F, x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True),
    ),
    "1-d ties dilation": (
        np.array([[[1.0, 1.0, 3.0, 3.0, 1.0, 3.0, 1.0]]]),
        lambda F, x: F.max_pool1d(x, 3, stride=1, dilation=2, return_indices=True),
    ),
    "adaptive ties": (
        np.ones((1, 2, 5, 3)),
        lambda F, x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True),
    ),
    "nan": (
        np.array([[[[1.0, np.nan, 3.0], [np.nan, 0.0, 5.0], [2.0, 2.0, np.nan]]]]),
        lambda F, x: F.max_pool2d(x, 2, stride=1, return_indices=True),
    ),
}


@pytest.mark.parametrize("case", list(TIE_CASES))
def test_max_pool_ties_match_torch(case):
    x, fn = TIE_CASES[case]
    # An all -inf input has an infinite loss; its values and indices are what is compared.
    grad = not np.isinf(x).all()
    check_against_torch(_fn_pair(fn), Sample((x,)), "float64", grad=grad)


def test_max_pool_integer_input_matches_torch():
    x = RNG.integers(-5, 5, size=(2, 2, 5, 4))
    check_against_torch(
        lambda T, x: T.nn.functional.max_pool2d(x, 2, padding=1, return_indices=True),
        Sample((x,)),
    )


def test_avg_pool_integer_input_matches_torch():
    x = RNG.integers(-50, 50, size=(2, 2, 5, 4))
    check_against_torch(
        lambda T, x: T.nn.functional.avg_pool2d(x, 3, padding=1, count_include_pad=False),
        Sample((x,)),
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pool_dtypes_match_torch(dtype):
    x = RNG.standard_normal((2, 3, 6, 5))
    for fn in (
        lambda T, x: T.nn.functional.max_pool2d(x, 2),
        lambda T, x: T.nn.functional.avg_pool2d(x, 2),
        lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 3),
        lambda T, x: T.nn.functional.lp_pool2d(x, 2, 2),
    ):
        check_against_torch(fn, Sample((x,)), dtype)


def test_pool_empty_batch_matches_torch():
    x = np.zeros((0, 2, 4, 4))
    check_against_torch(lambda T, x: T.nn.functional.max_pool2d(x, 2), Sample((x,)))
    check_against_torch(lambda T, x: T.nn.functional.avg_pool2d(x, 2), Sample((x,)))
    check_against_torch(lambda T, x: T.nn.functional.adaptive_max_pool2d(x, 3), Sample((x,)))


def test_adaptive_avg_pool_empty_channels_matches_torch():
    check_against_torch(
        lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 2),
        Sample((np.zeros((2, 0, 3, 3)),)),
        grad=False,  # PyTorch's backward refuses the empty channels its forward accepts
    )


def _error(T, fn):
    try:
        fn(T)
    except Exception as exc:  # noqa: BLE001 - the exception itself is compared
        return type(exc).__name__, str(exc)
    return None


def _F(T):
    return T.nn.functional


ERROR_CASES = {
    "max_pool1d 4-d": lambda T: _F(T).max_pool1d(T.zeros(1, 2, 3, 4), 2),
    "max_pool1d empty length": lambda T: _F(T).max_pool1d(T.zeros(2, 3, 0), 1),
    "max_pool2d 2-d": lambda T: _F(T).max_pool2d(T.zeros(3, 3), 1),
    "max_pool2d 5-d": lambda T: _F(T).max_pool2d(T.zeros(1, 2, 3, 4, 5), 2),
    "max_pool2d empty channels": lambda T: _F(T).max_pool2d(T.zeros(2, 0, 3, 3), 1),
    "max_pool3d 3-d": lambda T: _F(T).max_pool3d(T.zeros(3, 3, 3), 1),
    "avg_pool1d 4-d": lambda T: _F(T).avg_pool1d(T.zeros(1, 2, 3, 4), 2),
    "avg_pool2d 2-d": lambda T: _F(T).avg_pool2d(T.zeros(3, 3), 1),
    "avg_pool2d 5-d": lambda T: _F(T).avg_pool2d(T.zeros(1, 2, 3, 4, 5), 2),
    "avg_pool3d 3-d": lambda T: _F(T).avg_pool3d(T.zeros(3, 3, 3), 1),
    "adaptive_max_pool1d 1-d": lambda T: _F(T).adaptive_max_pool1d(T.zeros(3), 1),
    "adaptive_max_pool2d 2-d": lambda T: _F(T).adaptive_max_pool2d(T.zeros(3, 3), 2),
    "adaptive_avg_pool2d 5-d": lambda T: _F(T).adaptive_avg_pool2d(T.zeros(1, 2, 3, 4, 5), 2),
    "adaptive_avg_pool3d 3-d": lambda T: _F(T).adaptive_avg_pool3d(T.zeros(3, 4, 4), 2),
    "adaptive_max_pool2d empty": lambda T: _F(T).adaptive_max_pool2d(T.zeros(2, 0, 3, 3), 1),
    "adaptive_avg_pool2d empty": lambda T: _F(T).adaptive_avg_pool2d(T.zeros(2, 3, 0, 3), 2),
    "adaptive_avg_pool1d sizes": lambda T: _F(T).adaptive_avg_pool1d(T.zeros(2, 3, 4), (2, 3)),
    "adaptive negative size": lambda T: _F(T).adaptive_avg_pool2d(T.zeros(2, 3, 4), (2, -1)),
    "adaptive_avg_pool2d long": lambda T: _F(T).adaptive_avg_pool2d(
        T.zeros(2, 3, 4, dtype=T.int64), 2
    ),
    "adaptive_max_pool2d long": lambda T: _F(T).adaptive_max_pool2d(
        T.zeros(2, 3, 4, dtype=T.int64), 2
    ),
    "max_pool1d long": lambda T: _F(T).max_pool1d(T.zeros(2, 3, 4, dtype=T.int64), 2),
    "max_pool2d bool": lambda T: _F(T).max_pool2d(T.zeros(2, 3, 4, dtype=T.bool), 2),
    "pad too big": lambda T: _F(T).max_pool2d(T.zeros(1, 1, 4, 4), 2, padding=2),
    "output too small": lambda T: _F(T).max_pool2d(T.zeros(1, 1, 2, 2), 3),
    "avg output too small": lambda T: _F(T).avg_pool2d(T.zeros(1, 1, 2, 2), 3),
    "kernel tuple": lambda T: _F(T).max_pool2d(T.zeros(1, 1, 4, 4), (2, 2, 2)),
    "stride zero": lambda T: _F(T).max_pool2d(T.zeros(1, 1, 4, 4), 2, stride=0),
    "divisor zero": lambda T: _F(T).avg_pool2d(T.zeros(1, 1, 4, 4), 2, divisor_override=0),
    "unpool indices shape": lambda T: _F(T).max_unpool2d(
        T.zeros(1, 1, 2, 2), T.zeros((1, 1, 2, 3), dtype=T.int64), 2
    ),
    "unpool output_size range": lambda T: _F(T).max_unpool2d(
        T.zeros(1, 1, 2, 2), T.zeros((1, 1, 2, 2), dtype=T.int64), 2, output_size=(9, 9)
    ),
    "unpool output_size length": lambda T: _F(T).max_unpool2d(
        T.zeros(1, 2, 2), T.zeros((1, 2, 2), dtype=T.int64), 2, output_size=(2, 4, 4)
    ),
    "unpool invalid index": lambda T: _F(T).max_unpool2d(
        T.zeros(1, 1, 2, 2), T.full((1, 1, 2, 2), 16, dtype=T.int64), 2
    ),
    "unpool1d invalid index": lambda T: _F(T).max_unpool1d(
        T.zeros(1, 1, 2), T.tensor([[[0, -1]]]), 2
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_pool_error_matches_torch(case):
    e, t = _error(ember, ERROR_CASES[case]), _error(torch, ERROR_CASES[case])
    assert t is not None and e == t


def test_pool_unbatched_equals_batched():
    x = ember.randn(2, 5, 6)
    for m in (ember.nn.MaxPool2d(2), ember.nn.AvgPool2d(3, 1, 1), ember.nn.AdaptiveAvgPool2d(3)):
        assert_close(m(x), m(x.unsqueeze(0))[0])


def test_max_pool_with_indices_spellings_match_torch():
    x = RNG.standard_normal((2, 2, 5, 5))
    check_against_torch(
        lambda T, x: T.nn.functional.max_pool2d_with_indices(x, 2), Sample((x,)), grad=True
    )
    check_against_torch(
        lambda T, x: T.nn.functional.adaptive_max_pool1d_with_indices(x[0], 3), Sample((x,))
    )


def test_pool_top_level_names_match_torch():
    x = RNG.standard_normal((2, 3, 6, 5))
    check_against_torch(lambda T, x: T.max_pool2d(x, 2, 1, 1), Sample((x,)))
    check_against_torch(lambda T, x: T.max_pool1d(x[0], 2), Sample((x,)))
    check_against_torch(lambda T, x: T.avg_pool1d(x[0], 3, 2, 1), Sample((x,)))
    check_against_torch(lambda T, x: T.adaptive_avg_pool1d(x[0], 3), Sample((x,)))


def test_adaptive_avg_pool_to_empty_output_has_zero_gradient():
    # The backward multiplies by a (0, n) averaging matrix: a matmul with k = 0.
    x = RNG.standard_normal((2, 2, 7, 8))
    check_against_torch(
        lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, (0, 8)), Sample((x,)), grad=False
    )
    xe = ember.tensor(x, requires_grad=True)
    ember.nn.functional.adaptive_avg_pool2d(xe, (0, 3)).sum().backward()
    assert_close(xe.grad, ember.zeros_like(xe))
