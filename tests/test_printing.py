"""repr of tensors against PyTorch's, character for character (dtype names use ``ember.``)."""

import numpy as np
import pytest
import torch

import ember

SHAPES = [
    (),
    (1,),
    (5,),
    (3, 4),
    (2, 3, 4),
    (30,),
    (2000,),
    (40, 40),
    (3, 1001),
    (11, 11, 11),
    (4, 2, 2, 3),
]
SCALES = [1.0, 1e-5, 1e5, 1e9, 123.456]
FLOAT_DTYPES = [np.float32, np.float64, np.float16]


def torch_repr(t):
    return repr(t).replace("torch.", "ember.")


def assert_same_repr(array):
    array = np.asarray(array)  # NumPy arithmetic turns 0-d arrays into scalars
    e = ember.from_numpy(array.copy())
    t = torch.from_numpy(array.copy())
    assert repr(e) == torch_repr(t)
    assert str(e) == repr(e)


@pytest.fixture
def default_options():
    yield
    ember.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_repr_random_floats_match_torch(shape, dtype):
    rng = np.random.default_rng(hash((shape, dtype.__name__)) % 2**32)
    for scale in SCALES:
        with np.errstate(over="ignore"):
            a = (rng.standard_normal(shape) * scale).astype(dtype)
        assert_same_repr(a)
        assert_same_repr(np.round(a))  # integer-valued floats print as "1."


@pytest.mark.parametrize("shape", SHAPES + [(0,), (0, 3), (2, 0, 3)])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint8, np.int8, np.bool_])
def test_repr_integers_and_bools_match_torch(shape, dtype):
    rng = np.random.default_rng(7)
    assert_same_repr(rng.integers(-1000, 1000, shape).astype(dtype))


@pytest.mark.parametrize(
    "values, dtype",
    [
        ([np.nan, np.inf, -np.inf, 1.5], np.float32),
        ([np.nan, np.inf, -np.inf, 1.0], np.float32),
        ([np.nan, np.inf], np.float64),
        ([-0.0, 0.0], np.float32),
        ([-0.0, 1.5], np.float32),
        ([0.0, 0.0], np.float64),
        ([1e-20, 1.0], np.float64),
        ([1e8, 1e8 + 1], np.float64),
        ([3.0e38, -3.0e38], np.float32),
        ([65504, 1e-7], np.float16),
        ([1e-5, 1e-4], np.float32),
        ([999.0, 1.0], np.float32),
        ([1001.0, 1.0], np.float32),
        (np.nan, np.float32),
        (-0.0, np.float32),
        (1e10, np.float64),
        (2.5, np.float16),
        ([], np.float32),
        ([], np.float64),
    ],
)
def test_repr_special_values_match_torch(values, dtype):
    assert_same_repr(np.array(values, dtype))


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2000,)])
@pytest.mark.parametrize("scale", [1.0, 1e-5, 1e5])
def test_repr_bfloat16_matches_torch(shape, scale):
    rng = np.random.default_rng(3)
    a = (rng.standard_normal(shape) * scale).astype(np.float32)
    for values in (np.asarray(a), np.asarray(np.round(a))):
        e = ember.from_numpy(values.copy()).to(ember.bfloat16)
        t = torch.from_numpy(values.copy()).to(torch.bfloat16)
        assert repr(e) == torch_repr(t)


OPTIONS = [
    dict(precision=2),
    dict(precision=8, linewidth=120),
    dict(threshold=5),
    dict(threshold=5, edgeitems=0),
    dict(threshold=3, edgeitems=1),
    dict(linewidth=20),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: repr(o))
def test_repr_under_print_options_matches_torch(options, default_options):
    ember.set_printoptions(**options)
    torch.set_printoptions(**options)
    rng = np.random.default_rng(11)
    for shape in [(), (7,), (3, 4), (2, 3, 5), (50,), (0, 2), (6, 7)]:
        for scale in [1.0, 1e-6, 1e9]:
            a = rng.standard_normal(shape) * scale
            assert_same_repr(a.astype(np.float32))
            assert_same_repr(np.round(a))
            assert_same_repr(rng.integers(0, 100, shape))
            assert_same_repr(np.zeros(shape, np.float32))


def test_get_printoptions_round_trip(default_options):
    from ember._tensor_str import get_printoptions, printoptions

    assert get_printoptions() == torch._tensor_str.get_printoptions()
    with printoptions(precision=2):
        assert repr(ember.tensor([1.23456])) == "tensor([1.23])"
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_repr_requires_grad_and_grad_fn_match_torch():
    cases = [
        lambda T: T.ones(3, requires_grad=True),
        lambda T: T.ones(3, requires_grad=True) * 2,
        lambda T: T.ones(60, requires_grad=True) * 3,
        lambda T: T.ones(2, 2, dtype=T.float64, requires_grad=True) * 2,
        lambda T: T.zeros(0, requires_grad=True),
        lambda T: T.zeros(0, 3, dtype=T.float64, requires_grad=True),
        lambda T: T.tensor(1.5, requires_grad=True),
    ]
    for case in cases:
        assert repr(case(ember)) == torch_repr(case(torch))


def test_repr_long_suffix_wraps_like_torch():
    e = ember.ones(7, dtype=ember.float64, requires_grad=True) * 3
    t = torch.ones(7, dtype=torch.float64, requires_grad=True) * 3
    assert repr(e) == torch_repr(t)
    e = ember.ones(10, 8, dtype=ember.int32)
    assert repr(e) == torch_repr(torch.ones(10, 8, dtype=torch.int32))


@pytest.mark.parametrize("default", [ember.float64, ember.float16])
def test_repr_dtype_suffix_follows_default_dtype(default):
    torch_default = getattr(torch, str(default).split(".")[1])
    try:
        ember.set_default_dtype(default)
        torch.set_default_dtype(torch_default)
        for a in [
            np.array([1.5, 2.0]),
            np.array([1.5, 2.0], np.float32),
            np.array([], np.float32),
            np.array([], np.float64),
            np.array([1, 2]),
        ]:
            assert_same_repr(a)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_repr_of_non_contiguous_view_matches_torch():
    a = np.arange(24, dtype=np.float32).reshape(4, 6) / 7
    e = ember.from_numpy(a.copy()).transpose(0, 1)
    t = torch.from_numpy(a.copy()).transpose(0, 1)
    assert repr(e) == torch_repr(t)
