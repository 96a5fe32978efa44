"""F.pad in every mode and the padding layers, against torch."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

RNG = np.random.default_rng(0)
X3 = RNG.standard_normal((2, 3, 4))
X4 = RNG.standard_normal((2, 2, 3, 4))
X5 = RNG.standard_normal((1, 2, 3, 3, 4))

CASES = [
    # (input, pad, modes)
    (X3, (1, 2), ("constant", "reflect", "replicate", "circular")),
    (X3[0], (3, 0), ("constant", "reflect", "replicate", "circular")),
    (X3, (-1, 2), ("constant", "reflect", "replicate", "circular")),
    (X3, (0, 0), ("constant", "reflect", "replicate", "circular")),
    (X4, (1, 2, 2, 0), ("constant", "reflect", "replicate", "circular")),
    (X4[0], (2, 1, -1, 2), ("constant", "reflect", "replicate", "circular")),
    (X4, (3, 3, 2, 2), ("constant", "reflect", "replicate", "circular")),
    (X5, (1, 0, 2, 1, 1, 2), ("constant", "reflect", "replicate", "circular")),
    (X5[0], (1, 1, 1, 1, 1, 1), ("constant", "reflect", "replicate", "circular")),
    (X4, (0, 0, 0, 0, 1, 1, 2, 0), ("constant",)),
    (X3, (-2, -1, 1, -1), ("constant",)),
    (np.array(1.5), (), ("constant",)),
    (np.zeros((0, 3, 4)), (1, 1), ("constant", "reflect", "replicate", "circular")),
    (X3, (4, 4), ("constant", "replicate")),
]


@pytest.mark.parametrize("arr,pad,modes", CASES, ids=lambda v: str(getattr(v, "shape", v)))
def test_pad_matches_torch(arr, pad, modes):
    for mode in modes:
        fn = lambda T, x, m=mode: T.nn.functional.pad(x, pad, mode=m)  # noqa: E731
        check_against_torch(fn, Sample((arr,)))
    check_against_torch(lambda T, x: T.nn.functional.pad(x, pad, value=-2.5), Sample((arr,)))


def test_pad_non_contiguous_float32_and_integer():
    for mode in ("constant", "reflect", "replicate", "circular"):
        fn = lambda T, x, m=mode: T.nn.functional.pad(x, [1, 2, 1, 0], mode=m)  # noqa: E731
        check_against_torch(fn, Sample((NonContiguous(X4),)), "float32")
        check_against_torch(fn, Sample((np.arange(24).reshape(2, 3, 4),)), grad=False)
    fn = lambda T, x: T.nn.functional.pad(x, (1, 1), value=2.5)  # noqa: E731
    check_against_torch(fn, Sample((np.arange(4),)), grad=False)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_gradcheck_and_gradgradcheck(mode):
    x = ember.tensor(RNG.standard_normal((1, 2, 3, 3)), requires_grad=True)
    fn = lambda x: ember.nn.functional.pad(x, (2, 1, 1, 2), mode=mode)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))
    crop = lambda x: ember.nn.functional.pad(x, (-1, 1, 2, -1), mode=mode)  # noqa: E731
    assert gradgradcheck(crop, (x,))


def _same_error(fn, arr):
    errors = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T, T.tensor(arr))
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize(
    "shape,pad,kwargs",
    [
        ((2, 3, 4), (1,), {}),
        ((2, 3, 4), (1, 1, 1, 1, 1, 1, 1, 1), {}),
        ((2, 3, 4), (4, 0), {"mode": "reflect"}),
        ((2, 3, 1), (1, 1), {"mode": "reflect"}),
        ((2, 3, 4), (5, 0), {"mode": "circular"}),
        ((2, 3, 3), (-2, -2), {"mode": "circular"}),
        ((2, 3, 4), (1, 1), {"mode": "bogus"}),
        ((2, 3, 4), (1, 1), {"mode": "reflect", "value": 2.0}),
        ((4,), (1, 1), {"mode": "reflect"}),
        ((2, 3, 4), (1, 1, 1, 1, 1, 1), {"mode": "replicate"}),
        ((1, 2, 3, 4, 5, 6), (1, 1), {"mode": "circular"}),
        ((2, 0, 3), (1, 1), {"mode": "replicate"}),
        ((2, 3, 0), (0, 0), {"mode": "reflect"}),
        ((0, 3, 3), (1, 1, 1, 1), {"mode": "reflect"}),
        ((2, 3, 3), (-4, 1), {"mode": "replicate"}),
        ((2, 3, 4), (-5, 0), {}),
        ((2, 3, 4), (1.5, 1), {}),
    ],
)
def test_pad_errors_match_torch(shape, pad, kwargs):
    _same_error(lambda T, x: T.nn.functional.pad(x, pad, **kwargs), RNG.standard_normal(shape))


LAYERS = [
    ("ZeroPad1d", (2,), X3),
    ("ZeroPad1d", ((1, 3),), X3),
    ("ZeroPad2d", ((1, 2, 0, 1),), X4),
    ("ZeroPad3d", (1,), X5),
    ("ConstantPad1d", (2, 3.5), X3),
    ("ConstantPad2d", ((1, 0, 2, 1), -1), X4),
    ("ConstantPad3d", ((1, 2, 0, 1, 1, 0), 0.5), X5),
    ("ReflectionPad1d", (2,), X3),
    ("ReflectionPad2d", ((1, 2, 2, 1),), X4),
    ("ReflectionPad3d", (1,), X5),
    ("ReplicationPad1d", ((3, 1),), X3),
    ("ReplicationPad2d", (2,), X4),
    ("ReplicationPad3d", ((1, 0, 2, 1, 0, 1),), X5),
    ("CircularPad1d", (2,), X3),
    ("CircularPad2d", ((1, 2, 0, 3),), X4),
    ("CircularPad3d", (1,), X5),
]


@pytest.mark.parametrize("name,args,x", LAYERS, ids=lambda v: str(v)[:30])
def test_padding_layer_matches_torch(name, args, x):
    e, t = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(e) == repr(t)
    assert e.padding == t.padding
    assert list(e.state_dict()) == list(t.state_dict()) == []
    check_module(e, t, x)
    check_module(e, t, x[0])  # unbatched


def test_circular_pad_layer_rank_error_matches_torch():
    _same_error(lambda T, x: T.nn.CircularPad2d(1)(x), RNG.standard_normal((3, 3)))
    _same_error(lambda T, x: T.nn.ReflectionPad1d(1)(x), RNG.standard_normal(5))
