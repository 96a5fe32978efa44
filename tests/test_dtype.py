"""The dtypes API against PyTorch: finfo/iinfo, promotion, casting, default dtype, aliases."""

import itertools

import pytest
import torch

import ember

NAMES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


def pair(name):
    return getattr(ember, name), getattr(torch, name)


def ember_name(torch_dtype):
    return str(torch_dtype).replace("torch.", "ember.")


@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes_match_torch(name):
    e, t = pair(name)
    assert repr(e) == repr(t).replace("torch.", "ember.")
    assert str(e) == ember_name(t)
    assert e.is_floating_point == t.is_floating_point
    assert e.is_signed == t.is_signed
    assert e.itemsize == t.itemsize
    assert e.is_complex == t.is_complex
    assert e.abbr == t.abbr
    assert e.to_real() is e


@pytest.mark.parametrize(
    "alias, target",
    [
        ("float", "float32"),
        ("double", "float64"),
        ("half", "float16"),
        ("long", "int64"),
        ("int", "int32"),
        ("short", "int16"),
    ],
)
def test_dtype_aliases(alias, target):
    assert getattr(ember, alias) is getattr(ember, target)
    assert getattr(torch, alias) is getattr(torch, target)


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    e, t = ember.finfo(pair(name)[0]), torch.finfo(pair(name)[1])
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


def test_finfo_default_is_default_dtype():
    assert repr(ember.finfo()) == repr(torch.finfo())
    assert ember.finfo(ember.float16) == ember.finfo(ember.float16)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    e, t = ember.iinfo(pair(name)[0]), torch.iinfo(pair(name)[1])
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


@pytest.mark.parametrize("name", INTS + ["bool"])
def test_finfo_rejects_non_floating(name):
    with pytest.raises(TypeError) as te:
        torch.finfo(pair(name)[1])
    with pytest.raises(TypeError) as ee:
        ember.finfo(pair(name)[0])
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")


@pytest.mark.parametrize("name", FLOATS + ["bool"])
def test_iinfo_rejects_non_integer(name):
    with pytest.raises(TypeError) as te:
        torch.iinfo(pair(name)[1])
    with pytest.raises(TypeError) as ee:
        ember.iinfo(pair(name)[0])
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")


def test_info_accepts_python_types():
    assert repr(ember.finfo(float)) == repr(torch.finfo(float))
    assert repr(ember.iinfo(int)) == repr(torch.iinfo(int))


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch(a, b):
    expected = torch.promote_types(pair(a)[1], pair(b)[1])
    assert str(ember.promote_types(pair(a)[0], pair(b)[0])) == ember_name(expected)


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_can_cast_matches_torch(a, b):
    assert ember.can_cast(pair(a)[0], pair(b)[0]) == torch.can_cast(pair(a)[1], pair(b)[1])


SCALARS = [True, 3, 2.5]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", SCALARS)
@pytest.mark.parametrize("zero_dim", [False, True])
def test_result_type_tensor_and_scalar(name, scalar, zero_dim):
    shape = () if zero_dim else (2,)
    e = ember.zeros(shape, dtype=pair(name)[0])
    t = torch.zeros(shape, dtype=pair(name)[1])
    assert str(ember.result_type(e, scalar)) == ember_name(torch.result_type(t, scalar))
    assert str(ember.result_type(scalar, e)) == ember_name(torch.result_type(scalar, t))


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_result_type_dimensioned_beats_zero_dim(a, b):
    e = ember.result_type(ember.zeros(2, dtype=pair(a)[0]), ember.zeros((), dtype=pair(b)[0]))
    t = torch.result_type(torch.zeros(2, dtype=pair(a)[1]), torch.zeros((), dtype=pair(b)[1]))
    assert str(e) == ember_name(t)


@pytest.mark.parametrize("a, b", list(itertools.product(SCALARS, SCALARS)))
def test_result_type_two_scalars(a, b):
    assert str(ember.result_type(a, b)) == ember_name(torch.result_type(a, b))


@pytest.fixture
def restore_default_dtype():
    yield
    ember.set_default_dtype(ember.float32)
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("name", ["float64", "float16", "bfloat16"])
def test_set_default_dtype_changes_inference(name, restore_default_dtype):
    ember.set_default_dtype(pair(name)[0])
    torch.set_default_dtype(pair(name)[1])
    assert str(ember.get_default_dtype()) == ember_name(torch.get_default_dtype())
    assert str(ember.tensor([1.5]).dtype) == ember_name(torch.tensor([1.5]).dtype)
    assert str(ember.zeros(2).dtype) == ember_name(torch.zeros(2).dtype)
    assert str(ember.arange(0.0, 1.0, 0.5).dtype) == ember_name(torch.arange(0.0, 1.0, 0.5).dtype)
    assert str(ember.tensor([1]).dtype) == ember_name(torch.tensor([1]).dtype)
    e, t = ember.zeros(2, dtype=ember.int64), torch.zeros(2, dtype=torch.int64)
    assert str(ember.result_type(e, 1.5)) == ember_name(torch.result_type(t, 1.5))


@pytest.mark.parametrize("bad", ["int32", "int64", "bool"])
def test_set_default_dtype_rejects_integer(bad, restore_default_dtype):
    with pytest.raises(TypeError) as te:
        torch.set_default_dtype(pair(bad)[1])
    with pytest.raises(TypeError) as ee:
        ember.set_default_dtype(pair(bad)[0])
    assert str(ee.value) == str(te.value)
    assert ember.get_default_dtype() is ember.float32


def test_set_default_dtype_rejects_python_type(restore_default_dtype):
    with pytest.raises(TypeError) as te:
        torch.set_default_dtype(float)
    with pytest.raises(TypeError) as ee:
        ember.set_default_dtype(float)
    assert str(ee.value) == str(te.value)


def test_dtype_pickles_to_the_same_object():
    import pickle

    for name in NAMES:
        d = getattr(ember, name)
        assert pickle.loads(pickle.dumps(d)) is d
