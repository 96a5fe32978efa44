"""The Tensor's Python protocols and conversions against PyTorch."""

import copy
import pickle

import numpy as np
import pytest
import torch

import ember


def dtype_name(d):
    return str(d).split(".")[-1]


def same_error(fn):
    """``fn(T)`` raises the same exception type and message under ember and torch."""
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")


def both(fn):
    return fn(ember), fn(torch)


# ---- scalars and indexing -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, spec",
    [(1.23456, ".3f"), (3, "04d"), (2.5, ""), (1e-7, ".2e"), (True, ""), (-7, "+d"), (0.5, "%")],
)
def test_format_of_zero_dim(value, spec):
    e, t = both(lambda T: format(T.tensor(value), spec))
    assert e == t


def test_format_of_tensor_with_dims():
    assert f"{ember.ones(2)}" == repr(ember.ones(2))
    same_error(lambda T: format(T.ones(2), ".3f"))


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.tensor(3),
        lambda T: T.tensor([1]),
        lambda T: T.tensor(2, dtype=T.int32),
        lambda T: T.tensor(True),
        lambda T: T.tensor(1, dtype=T.uint8),
    ],
)
def test_index_protocol(make):
    e, t = both(lambda T: (list(range(make(T))), [10, 20, 30, 40][make(T)], make(T).__index__()))
    assert e == t


@pytest.mark.parametrize("make", [lambda T: T.tensor(1.0), lambda T: T.tensor([1, 2])])
def test_index_protocol_rejects(make):
    same_error(lambda T: [1, 2, 3][make(T)])


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.tensor(2.7),
        lambda T: T.tensor(-2.7),
        lambda T: T.tensor([[5]]),
        lambda T: T.tensor(7, dtype=T.int16),
        lambda T: T.tensor(True),
    ],
)
def test_int_and_float(make):
    e, t = both(lambda T: (int(make(T)), float(make(T))))
    assert e == t and type(e[0]) is int and type(e[1]) is float


def test_int_and_float_reject_many_elements():
    same_error(lambda T: int(T.ones(2)))
    same_error(lambda T: float(T.ones(0)))


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.tensor(0.0),
        lambda T: T.tensor([3]),
        lambda T: T.tensor([[False]]),
        lambda T: T.tensor(float("nan")),
        lambda T: T.tensor(-1),
    ],
)
def test_bool(make):
    e, t = both(lambda T: bool(make(T)))
    assert e == t


@pytest.mark.parametrize("make", [lambda T: T.ones(2), lambda T: T.ones(0), lambda T: T.ones(2, 0)])
def test_bool_is_ambiguous_like_torch(make):
    same_error(lambda T: bool(make(T)))


def test_len_and_iter():
    for T in (ember, torch):
        x = T.tensor([[1, 2, 3], [4, 5, 6]])
        assert len(x) == 2 and len(T.ones(0, 3)) == 0
        rows = list(x)
        assert len(rows) == 2 and rows[1].tolist() == [4, 5, 6]
        assert rows[0].shape == (3,)
    same_error(lambda T: len(T.tensor(1.0)))
    same_error(lambda T: iter(T.tensor(1.0)))


def test_item_and_tolist():
    for make in (
        lambda T: T.tensor(2.5),
        lambda T: T.tensor([[1]]),
        lambda T: T.tensor(3, dtype=T.int32),
        lambda T: T.tensor(True),
        lambda T: T.tensor([1.5], dtype=T.float16),
    ):
        e, t = both(lambda T, m=make: (m(T).item(), m(T).tolist()))
        assert e == t and [type(v) for v in e] == [type(v) for v in t]
    e, t = both(lambda T: T.tensor([[1.5, 2.0], [3.0, 4.0]]).tolist())
    assert e == t
    same_error(lambda T: T.ones(2).item())


# ---- identity: hashing, pickling, copies ----------------------------------------------------


def test_hash_is_identity():
    a, b = ember.ones(2), ember.ones(2)
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"
    assert len({a, b, a}) == 2
    assert hash(a) == hash(a) and hash(a) != hash(b)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ember.tensor([1.5, -2.0], dtype=ember.float64),
        lambda: ember.tensor([[1, 2]], dtype=ember.int32),
        lambda: ember.tensor(True),
        lambda: ember.ones(3, requires_grad=True),
        lambda: ember.ones(2, 3).transpose(0, 1),
        lambda: ember.zeros(0, 2, dtype=ember.bfloat16),
    ],
)
def test_pickle_round_trip(make):
    x = make()
    y = pickle.loads(pickle.dumps(x))
    assert type(y) is ember.Tensor
    assert y.dtype is x.dtype and y.shape == x.shape and y.requires_grad == x.requires_grad
    np.testing.assert_array_equal(np.asarray(y._data), np.asarray(x._data))
    assert y.is_leaf


def test_deepcopy():
    x = ember.ones(2, 2, requires_grad=True)
    x.grad = ember.full((2, 2), 3.0)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.grad.tolist() == x.grad.tolist()
    y._data[0, 0] = 5
    assert x._data[0, 0] == 1
    pair = copy.deepcopy([x, x])
    assert pair[0] is pair[1]
    for T in (ember, torch):
        with pytest.raises(RuntimeError, match="graph leaves"):
            copy.deepcopy(T.ones(2, requires_grad=True) * 2)


# ---- NumPy interop --------------------------------------------------------------------------


def test_numpy_shares_memory_and_refuses_grad():
    x = ember.zeros(3)
    a = x.numpy()
    a[0] = 4
    assert x.tolist()[0] == 4
    same_error(lambda T: T.ones(2, requires_grad=True).numpy())
    assert ember.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]
    assert ember.ones(2, requires_grad=True).numpy(force=True).tolist() == [1.0, 1.0]


def test_array_protocol():
    x = ember.tensor([[1.0, 2.0]])
    a = np.asarray(x)
    assert a.dtype == np.float32 and a.shape == (1, 2)
    a[0, 0] = 7
    assert x.tolist() == [[7.0, 2.0]]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.array(x).tolist() == [[7.0, 2.0]]


def test_from_numpy_shares_memory():
    a = np.zeros((2, 2), np.int32)
    x = ember.from_numpy(a)
    a[1, 1] = 9
    assert x.dtype is ember.int32 and x.tolist() == [[0, 0], [0, 9]]


# ---- metadata -------------------------------------------------------------------------------


def test_size_is_a_tuple_subclass():
    s = ember.ones(2, 3).shape
    assert isinstance(s, tuple) and type(s) is ember.Size
    assert s == (2, 3) and ember.ones(2, 3).size() == s
    e, t = both(lambda T: T.ones(2, 3).size())
    assert repr(e) == repr(t).replace("torch.", "ember.")
    assert repr(ember.Size([])) == repr(torch.Size([])).replace("torch.", "ember.")
    for fn in (lambda S: S[1:], lambda S: S + (4,), lambda S: (4,) + S):
        e, t = fn(ember.Size([2, 3])), fn(torch.Size([2, 3]))
        assert type(e).__name__ == type(t).__name__ and tuple(e) == tuple(t)
    assert ember.Size([2, 3]).numel() == 6
    assert pickle.loads(pickle.dumps(s)) == s


def test_metadata_matches_torch():
    def meta(T):
        x = T.ones(2, 3, 4, dtype=T.float64)
        return (
            x.dim(),
            x.ndim,
            x.numel(),
            x.size(-1),
            x.stride(),
            x.stride(1),
            x.is_contiguous(),
            x.storage_offset(),
            str(x.device),
            x.is_leaf,
            x.element_size(),
            x.nbytes,
            x.is_floating_point(),
        )

    e, t = both(meta)
    assert e == t
    same_error(lambda T: T.ones(2, 3).size(2))
    same_error(lambda T: T.ones(2, 3).stride(-3))


def test_views_metadata():
    for T in (ember, torch):
        base = T.from_numpy(np.arange(12.0).reshape(3, 4))
        x = base.transpose(0, 1)
        assert x.stride() == (1, 4) and not x.is_contiguous()
        c = x.contiguous()
        assert c.is_contiguous() and c.stride() == (3, 1) and c.tolist() == x.tolist()
        assert base.contiguous() is base


@pytest.mark.filterwarnings("ignore:The use of `x.T`:UserWarning")  # torch's 1-D deprecation
def test_T_and_mT():
    e, t = both(lambda T: (T.ones(2, 3).T.shape, T.ones(2, 3, 4).mT.shape, T.ones(5).T.shape))
    assert e == t
    same_error(lambda T: T.ones(3).mT)


def test_device():
    assert ember.ones(2).device == ember.device("cpu")
    assert repr(ember.device("cpu")) == repr(torch.device("cpu"))
    assert repr(ember.device("cpu", 0)) == repr(torch.device("cpu", 0))
    assert repr(ember.device("cpu:0")) == repr(torch.device("cpu:0"))
    assert str(ember.device("cpu:1")) == str(torch.device("cpu:1"))
    assert (ember.device("cpu") == "cpu") == (torch.device("cpu") == "cpu")
    assert ember.device("cpu") != ember.device("cpu", 0)
    assert ember.ones(2).device.index is None and ember.ones(2).device.type == "cpu"
    assert pickle.loads(pickle.dumps(ember.device("cpu", 1))) == ember.device("cpu", 1)
    with pytest.raises(RuntimeError, match="at start of device string: xyz"):
        ember.device("xyz")
    if not ember.cuda.is_available():
        # Without CUDA both frameworks fail on allocation, with the same exception type.
        with pytest.raises(AssertionError if not torch.cuda.is_available() else Exception):
            torch.ones(2).to("cuda")
        with pytest.raises((AssertionError, RuntimeError)):
            ember.ones(2).to("cuda")


# ---- conversions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "convert",
    [
        lambda T, x: x.to(T.float64),
        lambda T, x: x.to("cpu", T.int32),
        lambda T, x: x.to(device="cpu", dtype=T.int8),
        lambda T, x: x.to(T.ones(1, dtype=T.float16)),
        lambda T, x: x.to(T.device("cpu")),
        lambda T, x: x.float(),
        lambda T, x: x.double(),
        lambda T, x: x.long(),
        lambda T, x: x.int(),
        lambda T, x: x.bool(),
        lambda T, x: x.half(),
        lambda T, x: x.short(),
        lambda T, x: x.type(T.int32),
        lambda T, x: x.cpu(),
        lambda T, x: x.clone(),
        lambda T, x: x.detach(),
    ],
)
def test_conversions_match_torch(convert):
    e = convert(ember, ember.tensor([1.5, -2.0, 0.0]))
    t = convert(torch, torch.tensor([1.5, -2.0, 0.0]))
    assert dtype_name(e.dtype) == dtype_name(t.dtype) and e.tolist() == t.tolist()


def test_to_same_dtype_returns_self_unless_copy():
    for T in (ember, torch):
        x = T.ones(2)
        assert x.to(T.float32) is x and x.cpu() is x
        assert x.to(T.float32, copy=True) is not x


def test_type_names():
    # PyTorch's names, "torch." included: programs compare them (see Tensor.type).
    assert ember.ones(2).type() == torch.ones(2).type()
    assert ember.ones(2, dtype=ember.int64).type() == "torch.LongTensor"
    assert ember.ones(2).type("torch.DoubleTensor").dtype is ember.float64


def test_clone_and_detach_semantics():
    x = ember.ones(3, requires_grad=True)
    y = x * 2
    c = y.clone()
    assert c.grad_fn is not None and c._data is not y._data
    d = y.detach()
    assert d.is_leaf and not d.requires_grad
    d._data[0] = 9
    assert y.tolist()[0] == 9  # detach shares memory
    c.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_requires_grad_flag_errors_match_torch():
    same_error(lambda T: T.tensor([1]).requires_grad_())
    same_error(lambda T: (T.ones(2, requires_grad=True) * 2).requires_grad_(False))


def test_contains():
    for T in (ember, torch):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]])
        assert 2 in x and 2.0 in x and 5 not in x
        assert T.tensor(3.0) in x and T.tensor([9.0, 4.0]) in x
    same_error(lambda T: "a" in T.ones(2))


def test_storage_offset_of_slices():
    e, t = both(lambda T: T.arange(12).reshape(3, 4)[1:, 1::2])
    assert e.storage_offset() == t.storage_offset() and e.stride() == t.stride()
    assert e.is_contiguous() == t.is_contiguous()
