"""Fold and Unfold against torch: outputs, gradients, repr and errors."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.nn_oracle import check_module

RNG = np.random.default_rng(0)

# (keyword args, input shape)
UNFOLD_CASES = [
    ({"kernel_size": 2}, (2, 3, 4, 5)),
    ({"kernel_size": (2, 3), "stride": (2, 1), "padding": 1}, (2, 2, 5, 5)),
    ({"kernel_size": 3, "dilation": 2, "padding": (2, 1), "stride": 2}, (1, 2, 6, 7)),
    ({"kernel_size": 2, "stride": 3}, (2, 5, 5)),
]

FOLD_CASES = [
    ({"output_size": (4, 5), "kernel_size": 2}, (2, 12, 12)),
    ({"output_size": 5, "kernel_size": (2, 3), "stride": (2, 1), "padding": 1}, (2, 12, 15)),
    (
        {"output_size": (6, 7), "kernel_size": 3, "dilation": 2, "padding": (2, 1), "stride": 2},
        (1, 18, 9),
    ),
    ({"output_size": (5, 5), "kernel_size": 2, "stride": 3}, (8, 4)),
]


@pytest.mark.parametrize("kwargs,shape", UNFOLD_CASES)
def test_unfold_module_matches_torch(kwargs, shape):
    e, t = ember.nn.Unfold(**kwargs), torch.nn.Unfold(**kwargs)
    assert repr(e) == repr(t)
    check_module(e, t, RNG.standard_normal(shape))


@pytest.mark.parametrize("kwargs,shape", FOLD_CASES)
def test_fold_module_matches_torch(kwargs, shape):
    e, t = ember.nn.Fold(**kwargs), torch.nn.Fold(**kwargs)
    assert repr(e) == repr(t)
    check_module(e, t, RNG.standard_normal(shape))


def test_fold_of_unfold_counts_block_coverage():
    # fold(unfold(x)) multiplies each pixel by the number of blocks covering it (as torch).
    x = RNG.standard_normal((1, 2, 5, 6))
    outs = []
    for T in (ember, torch):
        F = T.nn.functional
        cols = F.unfold(T.tensor(x), 3, padding=1, stride=2)
        outs.append(F.fold(cols, (5, 6), 3, padding=1, stride=2).numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


def test_unfold_double_backward_matches_torch():
    x = RNG.standard_normal((1, 2, 4, 4))
    grads = []
    for T in (ember, torch):
        xt = T.tensor(x, requires_grad=True)
        y = T.nn.functional.unfold(xt, 2, padding=1)
        (g,) = T.autograd.grad((y**3).sum(), xt, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), xt)
        grads.append(gg.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def _error(T, fn):
    try:
        fn(T)
    except Exception as exc:  # noqa: BLE001 - the exception itself is compared
        return type(exc).__name__, str(exc)
    return None


def _F(T):
    return T.nn.functional


ERROR_CASES = {
    "unfold 2-d": lambda T: _F(T).unfold(T.zeros(3, 4), 2),
    "unfold 5-d": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4, 5), 2),
    "unfold empty channels": lambda T: _F(T).unfold(T.zeros(1, 0, 3, 4), 2),
    "unfold kernel too big": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4), 5),
    "unfold kernel length": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4), (2, 2, 2)),
    "unfold stride": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4), 2, stride=0),
    "unfold padding": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4), 2, padding=-1),
    "unfold dilation": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4), 2, dilation=0),
    "unfold long": lambda T: _F(T).unfold(T.zeros(1, 2, 3, 4, dtype=T.int64), 2),
    "fold 4-d": lambda T: _F(T).fold(T.zeros(1, 1, 8, 6), (3, 4), 2),
    "fold channels": lambda T: _F(T).fold(T.zeros(1, 7, 6), (3, 4), 2),
    "fold blocks": lambda T: _F(T).fold(T.zeros(1, 8, 5), (3, 4), 2),
    "fold output_size length": lambda T: _F(T).fold(T.zeros(1, 8, 6), (3, 4, 5), 2),
    "fold output too small": lambda T: _F(T).fold(T.zeros(1, 8, 6), (1, 1), 2),
    "fold long": lambda T: _F(T).fold(T.zeros(1, 8, 6, dtype=T.int64), (3, 4), 2),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_fold_error_matches_torch(case):
    e, t = _error(ember, ERROR_CASES[case]), _error(torch, ERROR_CASES[case])
    assert t is not None and e == t


def test_fold_empty_batch_matches_torch():
    for T in (ember, torch):
        assert tuple(_F(T).fold(T.zeros(0, 8, 6), (3, 4), 2).shape) == (0, 2, 3, 4)
        assert tuple(_F(T).unfold(T.zeros(0, 2, 3, 4), 2).shape) == (0, 8, 6)
