"""F.interpolate in every mode, Upsample layers, pixel (un)shuffle, against torch."""

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

RNG = np.random.default_rng(0)
INPUTS = {
    1: RNG.standard_normal((2, 2, 5)),
    2: RNG.standard_normal((1, 2, 5, 4)),
    3: RNG.standard_normal((1, 2, 4, 3, 3)),
}
MODES = {
    "nearest": (1, 2, 3),
    "nearest-exact": (1, 2, 3),
    "area": (1, 2, 3),
    "linear": (1,),
    "bilinear": (2,),
    "bicubic": (2,),
    "trilinear": (3,),
}
SIZES = [
    {"size": 7},
    {"size": 3},
    {"size": 1},
    {"scale_factor": 2},
    {"scale_factor": 1.7},
    {"scale_factor": 0.6},
    {"scale_factor": 2.1},  # the output is twice the input for some dims, but not the scale
    {"scale_factor": 1.1},  # the output size equals the input's, but not the scale
    {"scale_factor": 1.7, "recompute_scale_factor": True},
]


def _cases():
    for mode, dims in MODES.items():
        corners = (None,) if mode in ("nearest", "nearest-exact", "area") else (False, True)
        for nd in dims:
            for align_corners in corners:
                yield mode, nd, align_corners


def _torch_grad_is_adjoint(mode, nd, kwargs):
    """False where PyTorch's backward kernel takes a same-size (or double-size) shortcut that
    its forward kernel does not take, so its gradient is not the adjoint of its forward. ember
    returns the true adjoint there (see test_interpolate_gradient_is_adjoint_at_shortcuts)."""
    sf = kwargs.get("scale_factor")
    if sf not in (1.1, 2.1) or "recompute_scale_factor" in kwargs:
        return True
    return not ((mode == "nearest" and nd != 2) or (mode == "bicubic" and sf == 1.1))


@pytest.mark.parametrize("mode,nd,align_corners", list(_cases()), ids=str)
def test_interpolate_matches_torch(mode, nd, align_corners):
    x = INPUTS[nd]
    for kwargs in SIZES:

        def fn(T, x, kwargs=kwargs):
            return T.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, **kwargs)

        grad = _torch_grad_is_adjoint(mode, nd, kwargs)
        check_against_torch(fn, Sample((x,)), grad=grad)
        check_against_torch(fn, Sample((x,)), "float32", grad=grad)
    per_dim = {"size": tuple(range(3, 3 + nd))}
    fn = lambda T, x: T.nn.functional.interpolate(  # noqa: E731
        x, mode=mode, align_corners=align_corners, **per_dim
    )
    check_against_torch(fn, Sample((NonContiguous(x),)))
    scales = tuple([1.5, 0.7, 2.0][:nd])
    fn = lambda T, x: T.nn.functional.interpolate(  # noqa: E731
        x, scale_factor=scales, mode=mode, align_corners=align_corners
    )
    check_against_torch(fn, Sample((x,)))


@pytest.mark.parametrize("mode,nd,align_corners", list(_cases()), ids=str)
def test_interpolate_gradcheck_and_gradgradcheck(mode, nd, align_corners):
    x = ember.tensor(RNG.standard_normal((1, 1) + (3, 2, 2)[:nd]), requires_grad=True)
    size = tuple((5, 3, 1)[:nd])
    fn = lambda x: ember.nn.functional.interpolate(  # noqa: E731
        x, size=size, mode=mode, align_corners=align_corners
    )
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("mode,nd", [("nearest", 1), ("nearest", 3), ("bicubic", 2)])
@pytest.mark.parametrize("scale_factor", [1.1, 2.1])
def test_interpolate_gradient_is_adjoint_at_shortcuts(mode, nd, scale_factor):
    x = ember.tensor(RNG.standard_normal((1, 1) + (4, 3, 2)[:nd]), requires_grad=True)
    fn = lambda x: ember.nn.functional.interpolate(  # noqa: E731
        x, scale_factor=scale_factor, mode=mode
    )
    assert gradcheck(fn, (x,))


def test_interpolate_uint8_and_empty_batch():
    x = RNG.integers(0, 255, (1, 2, 3, 3)).astype(np.uint8)
    check_against_torch(lambda T, x: T.nn.functional.interpolate(x, size=5), Sample((x,)))
    empty = np.zeros((0, 2, 3))
    check_against_torch(lambda T, x: T.nn.functional.interpolate(x, size=5), Sample((empty,)))


def _same_error(fn, arr):
    errors = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T, T.tensor(arr))
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize(
    "shape,kwargs",
    [
        ((1, 1, 4), {"size": 0}),
        ((1, 1, 4), {"scale_factor": 0.1, "mode": "linear"}),
        ((1, 1, 3, 4), {"scale_factor": 0.1, "mode": "bilinear"}),
        ((1, 1, 3, 4, 5), {"scale_factor": 0.1}),
        ((1, 1, 4), {"size": 2, "mode": "bogus"}),
        ((2, 3), {"size": 2}),
        ((1, 1, 3, 4), {"size": (5, 6), "scale_factor": 2}),
        ((1, 1, 4), {"size": (2.5,)}),
        ((1, 1, 4), {"size": (2, 3)}),
        ((1, 1, 4), {"scale_factor": (2, 3)}),
        ((1, 1, 4), {}),
        ((1, 1, 4), {"size": 3, "recompute_scale_factor": True}),
        ((1, 1, 4), {"size": 3, "align_corners": True}),
        ((1, 1, 4), {"size": 3, "mode": "bilinear"}),
        ((1, 1, 4, 4), {"size": 3, "mode": "trilinear"}),
        ((1, 1, 4, 4, 4), {"size": 3, "mode": "linear"}),
        ((1, 1, 4), {"size": 3, "mode": "linear", "antialias": True}),
        ((1, 0, 4), {"size": 6, "mode": "linear"}),
        ((1, 1, 4, 0), {"size": 6}),
        ((2, 3), {"size": (2,)}),
        ((1, 1, 4), {"size": 2, "mode": "bogus", "scale_factor": 2}),
        ((1, 1, 4, 4), {"scale_factor": 2, "mode": "lanczos"}),
        ((1, 1, 4, 4), {"scale_factor": 2, "mode": "lanczos", "align_corners": True}),
    ],
)
def test_interpolate_errors_match_torch(shape, kwargs):
    _same_error(lambda T, x: T.nn.functional.interpolate(x, **kwargs), np.ones(shape))


def test_interpolate_integer_error_matches_torch():
    _same_error(lambda T, x: T.nn.functional.interpolate(x, size=6), np.arange(4).reshape(1, 1, 4))
    _same_error(
        lambda T, x: T.nn.functional.interpolate(x, size=6, mode="linear"),
        np.arange(4).reshape(1, 1, 4),
    )


def test_deprecated_upsample_functions_warn_and_match_torch():
    x = INPUTS[2]
    for name, kwargs in (("upsample", {"mode": "bilinear"}), ("upsample_nearest", {})):
        with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
            e = getattr(ember.nn.functional, name)(ember.tensor(x), scale_factor=2, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = getattr(torch.nn.functional, name)(torch.tensor(x), scale_factor=2, **kwargs)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning, match="upsample_bilinear` is deprecated"):
        e = ember.nn.functional.upsample_bilinear(ember.tensor(x), size=(7, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.functional.upsample_bilinear(torch.tensor(x), size=(7, 3))
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)


LAYERS = [
    ("Upsample", {"scale_factor": 2}, 2),
    ("Upsample", {"size": (3, 7), "mode": "bilinear"}, 2),
    ("Upsample", {"scale_factor": (2, 1.5), "mode": "bicubic", "align_corners": True}, 2),
    ("Upsample", {"scale_factor": 1.5, "mode": "linear", "recompute_scale_factor": True}, 1),
    ("Upsample", {"size": 2, "mode": "trilinear"}, 3),
    ("Upsample", {"scale_factor": 0.5, "mode": "area"}, 3),
    ("UpsamplingNearest2d", {"scale_factor": 3}, 2),
    ("UpsamplingNearest2d", {"size": (2, 6)}, 2),
    ("UpsamplingBilinear2d", {"scale_factor": 2}, 2),
    ("UpsamplingBilinear2d", {"size": 6}, 2),
]


@pytest.mark.parametrize("name,kwargs,nd", LAYERS, ids=str)
def test_upsampling_layer_matches_torch(name, kwargs, nd):
    e, t = getattr(ember.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(e) == repr(t)
    assert (e.size, e.scale_factor, e.mode, e.align_corners) == (
        t.size,
        t.scale_factor,
        t.mode,
        t.align_corners,
    )
    assert list(e.state_dict()) == []
    check_module(e, t, INPUTS[nd])


# ---- pixel shuffle --------------------------------------------------------------------------


@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle_and_unshuffle_match_torch(r):
    for shape in [(2, 2 * r * r, 3, 2), (2 * r * r, 2, 3), (2, 1, r * r, 1, 2)]:
        x = RNG.standard_normal(shape)
        check_against_torch(lambda T, x: T.nn.functional.pixel_shuffle(x, r), Sample((x,)))
    for shape in [(2, 2, 2 * r, 3 * r), (1, r, r), (2, 1, 3, r, 2 * r)]:
        x = RNG.standard_normal(shape)
        check_against_torch(lambda T, x: T.nn.functional.pixel_unshuffle(x, r), Sample((x,)))
    x = NonContiguous(RNG.standard_normal((4 * r * r, 2, 3)))
    check_against_torch(lambda T, x: T.nn.functional.pixel_shuffle(x, r), Sample((x,)))
    for cls, arg, shape in [
        ("PixelShuffle", r, (2, 2 * r * r, 3, 2)),
        ("PixelUnshuffle", r, (2, 2, r, 2 * r)),
    ]:
        e, t = getattr(ember.nn, cls)(arg), getattr(torch.nn, cls)(arg)
        assert repr(e) == repr(t)
        check_module(e, t, RNG.standard_normal(shape))


def test_pixel_shuffle_gradgradcheck_and_round_trip():
    x = ember.tensor(RNG.standard_normal((1, 8, 2, 3)), requires_grad=True)
    F = ember.nn.functional
    assert gradgradcheck(lambda x: F.pixel_shuffle(x, 2), (x,))
    assert np.array_equal(
        F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).detach().numpy(), x.detach().numpy()
    )


@pytest.mark.parametrize(
    "fn,shape",
    [
        (lambda T, x: T.nn.functional.pixel_shuffle(x, 3), (2, 8, 3, 3)),
        (lambda T, x: T.nn.functional.pixel_shuffle(x, 2), (8, 3)),
        (lambda T, x: T.nn.functional.pixel_shuffle(x, 0), (2, 8, 3, 3)),
        (lambda T, x: T.nn.functional.pixel_shuffle(x, 2.0), (2, 8, 3, 3)),
        (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), (2, 2, 3, 4)),
        (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), (2, 2, 4, 3)),
        (lambda T, x: T.nn.functional.pixel_unshuffle(x, -1), (2, 2, 4, 4)),
    ],
)
def test_pixel_shuffle_errors_match_torch(fn, shape):
    _same_error(fn, np.ones(shape))


@pytest.mark.parametrize("groups", [1, 2, 3])
def test_channel_shuffle_matches_torch(groups):
    for shape in [(2, 6, 3), (1, 6, 2, 2), (2, 6, 1, 2, 1)]:
        x = RNG.standard_normal(shape)
        check_against_torch(lambda T, x: T.nn.functional.channel_shuffle(x, groups), Sample((x,)))
    e, t = ember.nn.ChannelShuffle(groups), torch.nn.ChannelShuffle(groups)
    assert repr(e) == repr(t)
    check_module(e, t, RNG.standard_normal((2, 6, 2)))
    fn = lambda T, x: T.nn.functional.native_channel_shuffle(x, groups)  # noqa: E731
    # PyTorch has no derivative for native_channel_shuffle; compare the values.
    check_against_torch(fn, Sample((NonContiguous(RNG.standard_normal((2, 6, 3))),)), grad=False)


@pytest.mark.parametrize("shape,groups", [((2, 6), 2), ((2, 5, 3), 2), ((2, 6, 3), 0)])
def test_channel_shuffle_errors_match_torch(shape, groups):
    _same_error(lambda T, x: T.nn.functional.channel_shuffle(x, groups), np.ones(shape))
