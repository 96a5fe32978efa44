"""Tensor creation against PyTorch: dtype inference, factories, ranges, memory sharing, errors."""

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing.device import devices


def dtype_name(d):
    return str(d).split(".")[-1]


def assert_same(e, t, exact=True):
    if e is None and t is None:  # both raised the same exception type (see run_both)
        return
    assert isinstance(e, ember.Tensor)
    assert dtype_name(e.dtype) == dtype_name(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.requires_grad == t.requires_grad
    ev = np.asarray(e._data, dtype=np.float64) if e.is_floating_point() else e._data
    tv = t.detach().double().numpy() if t.is_floating_point() else t.detach().numpy()
    if exact:
        np.testing.assert_array_equal(ev, tv)
    else:
        rtol = {8: 1e-12, 4: 1e-6, 2: 1e-2}[e.dtype.itemsize]
        np.testing.assert_allclose(ev, tv, rtol=rtol)


def run_both(fn):
    """``fn(T)`` under ember and torch: both results, or both exception types checked equal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            t = fn(torch)
        except Exception as te:  # noqa: BLE001 (the oracle's exception type is the expectation)
            with pytest.raises(type(te)):
                fn(ember)
            return None, None
        return fn(ember), t


# ---- tensor() -------------------------------------------------------------------------------

DATA = [
    1,
    2.5,
    True,
    [1, 2, 3],
    [1.0, 2.0],
    [1, 2.5],
    [True, False],
    [True, 1],
    [[1, 2], [3, 4]],
    [[1.5], [2.5]],
    [],
    [[], []],
    (1, 2),
    range(4),
    [[[1, 2]], [[3, 4]]],
    [-1, 2**40],
]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_infers_dtype_like_torch(data):
    e, t = run_both(lambda T: T.tensor(data))
    assert_same(e, t)


@pytest.mark.parametrize("data", [[1, 2], [1.5, -2.5], [True, False], 3.7])
@pytest.mark.parametrize("dtype", ["float64", "float16", "int32", "uint8", "bool", "bfloat16"])
def test_tensor_with_dtype(data, dtype):
    e, t = run_both(lambda T: T.tensor(data, dtype=getattr(T, dtype)))
    assert_same(e, t)


@pytest.mark.parametrize(
    "make",
    [
        lambda T: [T.tensor(1.0), 2],
        lambda T: [T.tensor(1), 2.5],
        lambda T: [T.tensor(1, dtype=T.int32), 2],
        lambda T: [T.tensor(1.0, dtype=T.float64), 2],
        lambda T: [[T.tensor(1), 2], [3, T.tensor(4)]],
        lambda T: [np.float64(1.0), 2],
        lambda T: [np.int32(1), 2],
        lambda T: [np.float16(1.0), 2.0],
        lambda T: np.float64(1.0),
        lambda T: np.int32(3),
    ],
)
def test_tensor_of_mixed_tensors_and_numpy_scalars(make):
    e, t = run_both(lambda T: T.tensor(make(T)))
    assert_same(e, t)


@pytest.mark.parametrize(
    "data",
    [
        [[1, 2], [3]],
        [[[1, 2], [3, 4]], [[1, 2], [3]]],
        [[1, 2], 3],
        [1, [2, 3]],
        [1, None],
        None,
        "a",
        [[1.0, 2.0], [3.0]],
    ],
    ids=repr,
)
def test_tensor_bad_data_raises_like_torch(data):
    with pytest.raises(Exception) as te:
        torch.tensor(data)
    with pytest.raises(type(te.value)) as ee:
        ember.tensor(data)
    if isinstance(te.value, ValueError):
        assert str(ee.value) == str(te.value)


def test_tensor_ragged_message():
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        ember.tensor([[1, 2], [3]])


def test_tensor_of_multi_element_tensors_raises_like_torch():
    for dtype in ("float32", "int64"):
        e, t = run_both(lambda T, d=dtype: T.tensor([T.ones(2, dtype=getattr(T, d))] * 2))
        assert e is None and t is None


@pytest.mark.parametrize(
    "np_dtype", [np.float64, np.float32, np.float16, np.int32, np.uint8, np.int16, np.bool_]
)
def test_tensor_of_numpy_array_keeps_dtype_and_copies(np_dtype):
    a = np.arange(6).reshape(2, 3).astype(np_dtype)
    e, t = ember.tensor(a), torch.tensor(a)
    assert_same(e, t)
    a[0, 0] = 1 - a[0, 0]
    assert e._data[0, 0] != a[0, 0]


def test_tensor_of_list_of_arrays():
    data = [np.array([1, 2], np.int32), np.array([3, 4], np.int32)]
    e, t = run_both(lambda T: T.tensor(data))
    assert_same(e, t)


def test_tensor_of_tensor_copies_and_detaches():
    src = ember.ones(3, requires_grad=True)
    with pytest.warns(UserWarning, match="clone"):
        out = ember.tensor(src)
    assert out.is_leaf and not out.requires_grad
    out._data[0] = 5
    assert src._data[0] == 1


def test_tensor_requires_grad_and_device():
    e = ember.tensor([1.0, 2.0], requires_grad=True, device="cpu")
    assert e.requires_grad and e.is_leaf and e.device == ember.device("cpu")
    e, t = run_both(lambda T: T.tensor([1, 2], requires_grad=True))
    assert e is None
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        ember.tensor([1, 2], requires_grad=True)


def test_tensor_overflow_raises_like_torch():
    e, t = run_both(lambda T: T.tensor(2**63))
    assert e is None


# ---- as_tensor, asarray, from_numpy ---------------------------------------------------------


def test_from_numpy_shares_memory():
    a = np.zeros(3, np.float64)
    e = ember.from_numpy(a)
    a[1] = 7
    assert e._data[1] == 7
    e._data[2] = 3
    assert a[2] == 3
    assert e.dtype is ember.float64


def test_from_numpy_rejects_unsupported():
    with pytest.raises(TypeError, match="expected np.ndarray"):
        ember.from_numpy([1, 2])
    with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
        ember.from_numpy(np.array(["a"]))


def test_as_tensor_shares_memory_when_dtype_matches():
    a = np.arange(3.0)
    e = ember.as_tensor(a)
    a[0] = 9
    assert e._data[0] == 9
    converted = ember.as_tensor(a, dtype=ember.float32)
    a[1] = 9
    assert converted._data[1] == 1
    x = ember.ones(2)
    assert ember.as_tensor(x) is x
    assert_same(
        ember.as_tensor([1, 2], dtype=ember.float64), torch.as_tensor([1, 2], dtype=torch.float64)
    )


def test_asarray_shares_unless_copy():
    a = np.arange(3.0)
    shared = ember.asarray(a)
    copied = ember.asarray(a, copy=True)
    a[0] = 5
    assert shared._data[0] == 5 and copied._data[0] == 0
    with pytest.raises(ValueError) as te:
        torch.asarray(np.arange(3.0), dtype=torch.float32, copy=False)
    with pytest.raises(ValueError) as ee:
        ember.asarray(np.arange(3.0), dtype=ember.float32, copy=False)
    assert str(ee.value) == str(te.value)
    for data in (1.5, [1, 2.0], [True]):
        e, t = run_both(lambda T, d=data: T.asarray(d))
        assert_same(e, t)
    x = ember.ones(2, requires_grad=True)
    assert ember.asarray(x) is x


# ---- factories by shape ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((2, 3), {}),
        (((2, 3),), {}),
        (([2, 3],), {}),
        ((), {}),
        (((),), {}),
        ((2,), {"dtype": "int32"}),
        ((2,), {"dtype": "float64", "requires_grad": True}),
        ((0, 4), {"dtype": "bool"}),
        ((np.int64(2),), {}),
        ((2,), {"device": "cpu"}),
    ],
)
def test_shape_factories(name, args, kwargs):
    def make(T):
        kw = dict(kwargs)
        if "dtype" in kw:
            kw["dtype"] = getattr(T, kw["dtype"])
        return getattr(T, name)(*args, **kw)

    e, t = run_both(make)
    if e is None:
        return
    if name == "empty":
        assert dtype_name(e.dtype) == dtype_name(t.dtype) and e.shape == t.shape
        assert e.requires_grad == t.requires_grad
    else:
        assert_same(e, t)
    assert e.is_leaf


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_shape_factories_bad_sizes(name):
    for args in [(-1,), (2, -3), (2.5,), ((2, -1),)]:
        e, t = run_both(lambda T, a=args: getattr(T, name)(*a))
        assert e is None
    with pytest.raises(RuntimeError, match=r"negative dimension -3: \[2, -3\]"):
        getattr(ember, name)(2, -3)


def test_shape_factory_requires_grad_integer_raises():
    e, t = run_both(lambda T: T.zeros(2, dtype=T.int32, requires_grad=True))
    assert e is None


@pytest.mark.parametrize(
    "size, value, dtype",
    [
        ((2,), 1, None),
        ((2,), True, None),
        ((2, 2), 1.5, None),
        ((2,), 1.5, "int64"),
        ([3], 7, "float64"),
        ((), 2, None),
        ((2,), np.float64(1.0), None),
        ((2,), np.int32(1), None),
    ],
)
def test_full_dtype_inference(size, value, dtype):
    e, t = run_both(lambda T: T.full(size, value, dtype=getattr(T, dtype) if dtype else None))
    assert_same(e, t)


def test_full_with_tensor_value_and_bad_size():
    e, t = run_both(lambda T: T.full((2, 2), T.tensor(3.0)))
    assert_same(e, t)
    e, t = run_both(lambda T: T.full(2, 1.0))
    assert e is None


def test_zeros_out_resizes_and_returns_out():
    out = ember.empty(5)
    result = ember.zeros(2, 3, out=out)
    assert result is out and out.shape == ember.Size([2, 3]) and not out._data.any()
    out = ember.empty(2, dtype=ember.int32)
    assert ember.ones(2, out=out).dtype is ember.int32


@pytest.mark.parametrize(
    "args, kwargs",
    [((3,), {}), ((3, 2), {}), ((2, 4), {"dtype": "int64"}), ((0,), {}), ((1,), {})],
)
def test_eye(args, kwargs):
    e, t = run_both(lambda T: T.eye(*args, **{k: getattr(T, v) for k, v in kwargs.items()}))
    assert_same(e, t)


def test_eye_negative_raises_like_torch():
    for args in [(-1,), (2, -1)]:
        with pytest.raises(RuntimeError) as te:
            torch.eye(*args)
        with pytest.raises(RuntimeError) as ee:
            ember.eye(*args)
        assert str(ee.value) == str(te.value)


@pytest.mark.parametrize(
    "size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((0, 3), (3, 1)), ((4,), (2,))]
)
def test_empty_strided(size, stride):
    e, t = ember.empty_strided(size, stride), torch.empty_strided(size, stride)
    assert e.shape == t.shape and e.stride() == t.stride()
    e._data[...] = 1  # writable


@pytest.mark.parametrize(
    "value, dtype", [(3, None), (True, None), (2.5, None), (3, "int32"), (1.5, "float64")]
)
def test_scalar_tensor(value, dtype):
    e, t = run_both(lambda T: T.scalar_tensor(value, dtype=getattr(T, dtype) if dtype else None))
    assert_same(e, t)


# ---- *_like and new_* -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like"])
@pytest.mark.parametrize("dtype", [None, "int32", "float64"])
def test_like_factories(name, dtype):
    def make(T):
        src = T.ones(2, 3, dtype=T.int64)
        return getattr(T, name)(src, dtype=getattr(T, dtype) if dtype else None)

    e, t = run_both(make)
    if name == "empty_like":
        assert dtype_name(e.dtype) == dtype_name(t.dtype) and e.shape == t.shape
    else:
        assert_same(e, t)


def test_like_factories_keep_layout_and_drop_grad():
    for T in (ember, torch):
        x = T.ones(3, 4, requires_grad=True)
        y = T.zeros_like(x.T)
        assert y.stride() == (1, 4) and not y.requires_grad
        assert T.ones_like(x, requires_grad=True).requires_grad
        sliced = T.from_numpy(np.ones((3, 4))[:, ::2])
        assert T.zeros_like(sliced).stride() == (2, 1)


@pytest.mark.parametrize("value, dtype", [(2.7, None), (2.7, "float64"), (True, None)])
def test_full_like(value, dtype):
    e, t = run_both(
        lambda T: T.full_like(
            T.ones(2, dtype=T.int32), value, dtype=getattr(T, dtype) if dtype else None
        )
    )
    assert_same(e, t)


@pytest.mark.parametrize(
    "call",
    [
        lambda T, x: x.new_zeros(3),
        lambda T, x: x.new_zeros((2, 3)),
        lambda T, x: x.new_ones(2, 3),
        lambda T, x: x.new_ones(2, dtype=T.int8),
        lambda T, x: x.new_full((2,), 1.5),
        lambda T, x: x.new_tensor([1.5, 2]),
        lambda T, x: x.new_tensor(T.tensor([1, 2])),
        lambda T, x: x.new_tensor([1, 2], dtype=T.float32, requires_grad=True),
        lambda T, x: x.new_empty((2,)).fill_(0),
    ],
)
@pytest.mark.parametrize("dtype", ["int32", "float64"])
def test_new_methods_take_self_dtype(call, dtype):
    e, t = run_both(lambda T: call(T, T.zeros(2, dtype=getattr(T, dtype))))
    assert_same(e, t)


# ---- ranges ---------------------------------------------------------------------------------

ARANGE_ARGS = [
    (5,),
    (0, 10, 3),
    (0, 1, 0.1),
    (1, 2.5, 0.25),
    (-3, 7, 0.7),
    (10, 0, -3),
    (0.5, 5),
    (0, 1e-3, 1e-4),
    (1.1, 7.3, 0.13),
    (0, -1, -0.3),
    (1, 1),
    (0, 1, 0),
    (0, 1, -1),
    (1, 0),
    (0, float("inf")),
    (0, float("nan")),
]
RANGE_DTYPES = [None, "float64", "float32", "int64", "int32", "uint8", "float16", "bfloat16"]


@pytest.mark.parametrize("args", ARANGE_ARGS, ids=repr)
@pytest.mark.parametrize("dtype", RANGE_DTYPES)
def test_arange_matches_torch(args, dtype):
    e, t = run_both(lambda T: T.arange(*args, dtype=getattr(T, dtype) if dtype else None))
    if e is not None:
        # Lengths and integer values are exact; float values within rounding of PyTorch's
        # vectorised kernel.
        assert_same(e, t, exact=not e.is_floating_point())


def test_arange_messages_and_keywords():
    for args in [(0, 1, 0), (0, 1, -1)]:
        with pytest.raises(RuntimeError) as te:
            torch.arange(*args)
        with pytest.raises(RuntimeError) as ee:
            ember.arange(*args)
        assert str(ee.value) == str(te.value)
    e, t = run_both(lambda T: T.arange(start=1, end=4))
    assert_same(e, t)
    e, t = run_both(lambda T: T.arange(end=4))
    assert_same(e, t)
    e, t = run_both(lambda T: T.arange(T.tensor(3.0)))
    assert_same(e, t)
    e, t = run_both(lambda T: T.arange(3.0, requires_grad=True))
    assert_same(e, t)


LINSPACE_ARGS = [
    (0, 10, 4),
    (0, 1, 7),
    (-5, 5, 4),
    (3, 1, 5),
    (0.1, 7.7, 13),
    (1e-3, 17.3, 101),
    (0, 1, 1),
    (0, 1, 0),
    (2, 2, 3),
    (0.3, -2.7, 100),
    (0, 1, -1),
]


@pytest.mark.parametrize("args", LINSPACE_ARGS, ids=repr)
@pytest.mark.parametrize("dtype", RANGE_DTYPES)
def test_linspace_matches_torch(args, dtype):
    e, t = run_both(lambda T: T.linspace(*args, dtype=getattr(T, dtype) if dtype else None))
    if e is not None:
        assert_same(e, t, exact=dtype != "bfloat16")


@pytest.mark.parametrize("args", LINSPACE_ARGS, ids=repr)
@pytest.mark.parametrize("dtype", [None, "float64", "float32", "int64", "int32"])
@pytest.mark.parametrize("base", [10.0, 2.0])
def test_logspace_matches_torch(args, dtype, base):
    e, t = run_both(
        lambda T: T.logspace(*args, base=base, dtype=getattr(T, dtype) if dtype else None)
    )
    if e is not None:
        # Floating powers come from each library's vector pow, which may differ by an ulp
        # between CPUs: compare within the result dtype's rounding, integers exactly.
        assert_same(e, t, exact=dtype in ("int64", "int32"))


def test_linspace_with_tensor_bounds_and_out():
    e, t = run_both(lambda T: T.linspace(T.tensor(0.0), T.tensor(1.0), 3))
    assert_same(e, t)
    out = ember.empty(1)
    assert ember.linspace(0, 1, 5, out=out) is out and out.shape == ember.Size([5])
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        ember.linspace(0, 1, -1)


# ---- devices (Note [creation on devices]) -----------------------------------------------------


def _made(device):
    x = ember.tensor([[1.5, -2.0], [3.0, 4.0]], device=device)
    return [
        x,
        ember.zeros(2, 3, device=device),
        ember.ones(2, dtype=ember.int64, device=device),
        ember.full((2, 2), 7.0, device=device),
        ember.eye(3, 2, device=device),
        ember.arange(0, 1, 0.25, device=device),
        ember.linspace(-1, 1, 5, device=device),
        ember.logspace(0, 2, 3, device=device),
        ember.scalar_tensor(2.5, device=device),
        ember.as_tensor([1, 2], device=device),
        ember.asarray(np.arange(3.0), device=device),
        ember.tril_indices(3, 3, device=device),
        ember.zeros_like(x),
        ember.full_like(x, 2.0),
        x.new_zeros(2),
        x.new_tensor([1.0, 2.0]),
    ]


@pytest.mark.parametrize("device", devices(test=True))
def test_factories_create_on_their_device(device):
    for on_device, on_cpu in zip(_made(device), _made("cpu")):
        assert on_device.device.type == ember.device(device).type
        assert on_device.dtype is on_cpu.dtype
        np.testing.assert_array_equal(on_device.cpu().numpy(), on_cpu.numpy())
