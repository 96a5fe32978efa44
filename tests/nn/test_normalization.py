"""LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm and their functionals, against torch."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

RNG = np.random.default_rng(0)
X3 = RNG.standard_normal((2, 3, 4))
X4 = RNG.standard_normal((2, 6, 3, 2))


def _errors(fn, *args):
    """(exception type, message) of ``fn`` under ember and under torch."""
    out = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T, *[T.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
        out.append((type(info.value), str(info.value)))
    return out


def _same_error(fn, *args):
    (e_type, e_msg), (t_type, t_msg) = _errors(fn, *args)
    assert e_type.__name__ == t_type.__name__, f"{e_type} != torch's {t_type}"
    assert e_msg == t_msg.strip(), f"{e_msg!r} != torch's {t_msg!r}"


# ---- layer_norm -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,normalized",
    [((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5,), (5,)), ((0, 3), (3,)), ((2, 1), (1,))],
)
def test_layer_norm_functional_matches_torch(shape, normalized):
    x = RNG.standard_normal(shape)
    w, b = RNG.standard_normal(normalized), RNG.standard_normal(normalized)
    F = lambda T: T.nn.functional  # noqa: E731
    check_against_torch(lambda T, x: F(T).layer_norm(x, normalized), Sample((x,)))
    check_against_torch(lambda T, x, w: F(T).layer_norm(x, normalized, w), Sample((x, w)))
    check_against_torch(
        lambda T, x, w, b: F(T).layer_norm(x, normalized, w, b, eps=1e-3), Sample((x, w, b))
    )
    check_against_torch(
        lambda T, x, w, b: F(T).layer_norm(x, normalized, w, b), Sample((x, w, b)), "float32"
    )


def test_layer_norm_non_contiguous_and_large_offset():
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    fn = lambda T, x, w, b: T.nn.functional.layer_norm(x, (3,), w, b)  # noqa: E731
    check_against_torch(fn, Sample((NonContiguous(RNG.standard_normal((3, 4)).T), w, b)))
    check_against_torch(fn, Sample((RNG.standard_normal((4, 3)) + 100.0, w, b)))


def test_layer_norm_gradcheck_and_gradgradcheck():
    x = ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    w = ember.tensor(RNG.standard_normal(3), requires_grad=True)
    b = ember.tensor(RNG.standard_normal(3), requires_grad=True)
    fn = lambda x, w, b: ember.nn.functional.layer_norm(x, (3,), w, b)  # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))
    assert gradgradcheck(lambda x: ember.nn.functional.layer_norm(x, (2, 3)), (x,))


def test_layer_norm_errors_match_torch():
    ln = lambda T, x, *a: T.nn.functional.layer_norm(x, *a)  # noqa: E731
    _same_error(ln, RNG.standard_normal((2, 3)), (4,))
    _same_error(ln, RNG.standard_normal(3), (2, 3))
    _same_error(ln, RNG.standard_normal(3), ())
    _same_error(ln, RNG.standard_normal((2, 3)), (3,), np.ones(4))
    _same_error(ln, RNG.standard_normal((2, 3)), (3,), None, np.ones(4))
    _same_error(ln, RNG.standard_normal(3), (3,), np.ones(3, np.float32))
    _same_error(ln, RNG.standard_normal(3).astype(np.float32), (3,), np.ones(3))


@pytest.mark.parametrize(
    "shape,kwargs",
    [(4, {}), ((3, 4), {}), ([3, 4], {"bias": False}), ((4,), {"elementwise_affine": False})],
)
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_layer_norm_module_matches_torch(shape, kwargs, eps):
    e = ember.nn.LayerNorm(shape, eps=eps, **kwargs)
    t = torch.nn.LayerNorm(shape, eps=eps, **kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.normalized_shape == t.normalized_shape
    for name, p in t.named_parameters():
        assert np.array_equal(getattr(e, name).detach().numpy(), p.detach().numpy())  # default init
    with torch.no_grad():  # non-default parameters, so that the gradients mean something
        for p in t.parameters():
            p.copy_(torch.randn(p.shape))
    check_module(e, t, X3)


# ---- group_norm -----------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_group_norm_functional_matches_torch(groups):
    w, b = RNG.standard_normal(6), RNG.standard_normal(6)
    fn = lambda T, x, w, b: T.nn.functional.group_norm(x, groups, w, b)  # noqa: E731
    check_against_torch(fn, Sample((X4, w, b)))
    check_against_torch(fn, Sample((X4[..., 0], w, b)))
    check_against_torch(fn, Sample((X4[:, :, 0, 0], w, b)))
    check_against_torch(fn, Sample((NonContiguous(X4), w, b)), "float32")
    check_against_torch(lambda T, x: T.nn.functional.group_norm(x, groups), Sample((X4,)))


def test_group_norm_gradcheck_and_gradgradcheck():
    x = ember.tensor(RNG.standard_normal((2, 4, 3)), requires_grad=True)
    w = ember.tensor(RNG.standard_normal(4), requires_grad=True)
    b = ember.tensor(RNG.standard_normal(4), requires_grad=True)
    fn = lambda x, w, b: ember.nn.functional.group_norm(x, 2, w, b)  # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))


def test_group_norm_errors_match_torch():
    gn = lambda T, x, *a: T.nn.functional.group_norm(x, *a)  # noqa: E731
    _same_error(gn, RNG.standard_normal((2, 6, 3)), 4)
    _same_error(gn, RNG.standard_normal(6), 3)
    _same_error(gn, RNG.standard_normal((2, 6, 3)), 3, np.ones(5))
    # PyTorch's bias message shows the weight's shape ([0] when None); ember shows the bias's.
    with pytest.raises(RuntimeError, match=r"Expected bias to be a vector of size equal .* \[5\]"):
        gn(ember, ember.tensor(RNG.standard_normal((2, 6, 3))), 3, None, ember.ones(5))
    _same_error(lambda T: T.nn.GroupNorm(4, 6))


@pytest.mark.parametrize("affine,bias", [(True, True), (True, False), (False, True)])
def test_group_norm_module_matches_torch(affine, bias):
    e = ember.nn.GroupNorm(3, 6, affine=affine, bias=bias)
    t = torch.nn.GroupNorm(3, 6, affine=affine, bias=bias)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    with torch.no_grad():
        for p in t.parameters():
            p.copy_(torch.randn(p.shape))
    check_module(e, t, X4)
    check_module(e, t, X4, train=False)


# ---- rms_norm -------------------------------------------------------------------------------


@pytest.mark.parametrize("normalized,eps", [((4,), None), ((3, 4), None), ((4,), 0.1)])
def test_rms_norm_matches_torch(normalized, eps):
    w = RNG.standard_normal(normalized)
    fn = lambda T, x, w: T.nn.functional.rms_norm(x, normalized, w, eps)  # noqa: E731
    check_against_torch(fn, Sample((X3, w)))
    check_against_torch(fn, Sample((X3, w)), "float32")
    check_against_torch(lambda T, x: T.nn.functional.rms_norm(x, normalized), Sample((X3,)))
    e, t = ember.nn.RMSNorm(normalized, eps=eps), torch.nn.RMSNorm(normalized, eps=eps)
    assert repr(e) == repr(t)
    with torch.no_grad():
        t.weight.copy_(torch.randn(t.weight.shape))
    check_module(e, t, X3)
    x = ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert gradgradcheck(lambda x: ember.nn.functional.rms_norm(x, (3,)), (x,))


def test_rms_norm_errors_match_torch():
    rn = lambda T, x, *a: T.nn.functional.rms_norm(x, *a)  # noqa: E731
    _same_error(rn, RNG.standard_normal((2, 3)), (4, 5))
    _same_error(rn, RNG.standard_normal((2, 3)), (3,), np.ones(4))
    assert repr(ember.nn.RMSNorm(3, elementwise_affine=False)) == repr(
        torch.nn.RMSNorm(3, elementwise_affine=False)
    )


# ---- local_response_norm --------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_local_response_norm_matches_torch(size):
    for x in (X3, X4, X4[..., None]):
        check_against_torch(
            lambda T, x: T.nn.functional.local_response_norm(x, size, 0.3, 0.6, 2.0), Sample((x,))
        )
    e, t = ember.nn.LocalResponseNorm(size), torch.nn.LocalResponseNorm(size)
    assert repr(e) == repr(t)
    check_module(e, t, X4)
    x = ember.tensor(RNG.standard_normal((1, 3, 2)), requires_grad=True)
    assert gradgradcheck(lambda x: ember.nn.functional.local_response_norm(x, size), (x,))
    _same_error(lambda T, x: T.nn.functional.local_response_norm(x, size), np.ones((2, 3)))


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.nn.functional.layer_norm(x, (3,)),
        lambda T, x: T.nn.functional.group_norm(x, 3),
        lambda T, x: T.nn.functional.rms_norm(x, (3,)),
        lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True),
        lambda T, x: T.nn.functional.batch_norm(x, T.zeros(3), T.ones(3)),
        lambda T, x: T.nn.functional.instance_norm(x.reshape(1, 2, 3)),
    ],
)
def test_norms_of_integer_input_raise_as_torch(fn):
    _same_error(fn, np.arange(6).reshape(2, 3))


def test_norms_with_bias_but_no_weight():
    x, b3, b4 = RNG.standard_normal((2, 4, 3)), RNG.standard_normal(3), RNG.standard_normal(4)
    F = lambda T: T.nn.functional  # noqa: E731
    # PyTorch's backward fails here for layer_norm and group_norm ("tensor does not have a
    # device"): compare values with torch and check the gradients numerically.
    check_against_torch(
        lambda T, x, b: F(T).layer_norm(x, (3,), None, b), Sample((x, b3)), grad=False
    )
    check_against_torch(lambda T, x, b: F(T).group_norm(x, 2, None, b), Sample((x, b4)), grad=False)
    check_against_torch(
        lambda T, x, b: F(T).batch_norm(x, None, None, None, b, True), Sample((x, b4))
    )
    check_against_torch(lambda T, x, b: F(T).instance_norm(x, None, None, None, b), Sample((x, b4)))
    xe = ember.tensor(x, requires_grad=True)
    for b, fn in [
        (b3, lambda x, b: ember.nn.functional.layer_norm(x, (3,), None, b)),
        (b4, lambda x, b: ember.nn.functional.group_norm(x, 2, None, b)),
    ]:
        assert gradcheck(fn, (xe, ember.tensor(b, requires_grad=True)))
