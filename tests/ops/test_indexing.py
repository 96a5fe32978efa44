"""Indexing: errors (types and messages as PyTorch's), setitem and the in-place index ops,
nonzero/argwhere/where(cond), and index forms the registry does not reach."""

import warnings

import numpy as np
import pytest
import torch

import ember


def _x(T):
    return T.tensor(np.arange(6.0).reshape(2, 3))


def _same_error(fn):
    caught = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(T)
        caught.append(info)
    e, t = caught
    assert e.type is t.type, (e.type, t.type, str(t.value))
    assert str(e.value) == str(t.value)


def _set(key, value):
    def fn(T):
        y = _x(T)
        y[key] = value(T) if callable(value) else value
        return y

    return fn


ERRORS = {
    "int_out_of_range": lambda T: _x(T)[5],
    "negative_out_of_range": lambda T: _x(T)[:, -4],
    "list_out_of_range": lambda T: _x(T)[[0, 5]],
    "tensor_out_of_range": lambda T: _x(T)[:, T.tensor([0, 5])],
    "negative_step": lambda T: _x(T)[::-1],
    "zero_step": lambda T: _x(T)[::0],
    "too_many": lambda T: _x(T)[1, 2, 3],
    "too_many_advanced": lambda T: _x(T)[[0, 1], [0, 1], [0]],
    "float_index": lambda T: _x(T)[T.tensor([1.0])],
    "mask_shape": lambda T: _x(T)[T.tensor([True, False, True])],
    "setitem_shape": _set(0, lambda T: T.ones(4)),
    "setitem_advanced_shape": _set([0, 1], lambda T: T.ones(4)),
    "setitem_out_of_range": _set(7, 1.0),
    "gather_out_of_range": lambda T: _x(T).gather(0, T.tensor([[0, 5]])),
    "gather_negative": lambda T: _x(T).gather(0, T.tensor([[-1]])),
    "gather_dtype": lambda T: _x(T).gather(0, T.tensor([[0.0]])),
    "gather_ndim": lambda T: _x(T).gather(0, T.tensor([[[0]]])),
    "gather_size": lambda T: _x(T).gather(0, T.tensor([[0, 1, 1, 1]])),
    "scatter_size": lambda T: _x(T).scatter(0, T.tensor([[0, 1, 1, 1]]), 1.0),
    "scatter_src_size": lambda T: _x(T).scatter(0, T.tensor([[0, 1, 1]]), _x(T)[:1, :2]),
    "scatter_dtype": lambda T: _x(T).scatter(0, T.tensor([[0]]), T.ones(1, 1)),
    "scatter_index_dtype": lambda T: _x(T).scatter(0, T.tensor([[0.0]]), 1.0),
    "scatter_bad_reduce": lambda T: _x(T).scatter(0, T.tensor([[0]]), 1.0, reduce="max"),
    "scatter_reduce_bad": lambda T: _x(T).scatter_reduce(0, T.tensor([[0]]), _x(T), "bad"),
    "index_select_range": lambda T: _x(T).index_select(0, T.tensor([0, 5])),
    "index_select_dtype": lambda T: _x(T).index_select(0, T.tensor([0.0])),
    "index_select_matrix": lambda T: _x(T).index_select(0, T.tensor([[0]])),
    "index_select_scalar": lambda T: T.tensor(3.0).index_select(0, T.tensor([0, 0])),
    "index_add_count": lambda T: _x(T).index_add(0, T.tensor([0, 0]), T.ones(3, 3).double()),
    "index_add_shape": lambda T: _x(T).index_add(0, T.tensor([0, 1]), T.ones(2, 2).double()),
    "index_add_source_dtype": lambda T: _x(T).index_add(0, T.tensor([0]), T.ones(1, 3)),
    "advanced_ordinal": lambda T: T.zeros(2, 3, 4)[[1], :, [5]],
    "advanced_after_int": lambda T: T.zeros(2, 3, 4)[1, [5]],
    "index_add_range": lambda T: _x(T).index_add(0, T.tensor([0, 5]), _x(T)),
    "index_add_dtype": lambda T: _x(T).index_add(0, T.tensor([0.0]), _x(T)[:1]),
    "index_copy_range": lambda T: _x(T).index_copy(0, T.tensor([0, 5]), _x(T)),
    "index_copy_dtype": lambda T: _x(T).index_copy(0, T.tensor([0]), T.ones(1, 3)),
    "index_fill_range": lambda T: _x(T).index_fill(0, T.tensor([0, 5]), 1.0),
    "index_fill_dtype": lambda T: _x(T).index_fill(0, T.tensor([0.0]), 1.0),
    "masked_fill_dtype": lambda T: _x(T).masked_fill(T.tensor([1.0, 0.0, 0.0]), 1.0),
    "masked_fill_value_dim": lambda T: _x(T).masked_fill(
        T.tensor([True, False, True]), T.tensor([1.0, 2.0])
    ),
    "masked_fill_shape": lambda T: _x(T).masked_fill(T.tensor([True, False]), 1.0),
    "masked_select_dtype": lambda T: _x(T).masked_select(T.tensor([1, 0, 0], dtype=T.uint8)),
    "masked_select_shape": lambda T: _x(T).masked_select(T.tensor([True, False])),
    "masked_scatter_count": lambda T: _x(T).masked_scatter(
        T.tensor([True, False, True]), T.ones(3, dtype=T.float64)
    ),
    "take_range": lambda T: _x(T).take(T.tensor([7])),
    "take_dtype": lambda T: _x(T).take(T.tensor([0], dtype=T.int32)),
    "index_put_dtype": lambda T: _x(T).index_put((T.tensor([0]),), T.tensor(1.0)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_indexing_error_matches_torch(name):
    _same_error(ERRORS[name])


def _compare(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e_out, t_out = fn(ember), fn(torch)
    if isinstance(t_out, torch.Tensor):
        e_out, t_out = [e_out], [t_out]
    assert len(e_out) == len(t_out)
    for e, t in zip(e_out, t_out):
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def _inplace(method, *args):
    def fn(T):
        y = _x(T)
        out = getattr(y, method)(*[a(T) if callable(a) else a for a in args])
        assert out is y
        return y

    return fn


def _long(values):
    return lambda T: T.tensor(values)


SEMANTICS = {
    "list_as_tuple": lambda T: T.arange(9).view(3, 3)[[[0, 1], [1, 2]]],
    "uint8_mask": lambda T: _x(T)[T.tensor([[1, 0, 0], [0, 0, 1]], dtype=T.uint8)],
    "bool_scalar_true": lambda T: _x(T)[True],
    "bool_scalar_false": lambda T: _x(T)[False],
    "int32_index": lambda T: _x(T)[T.tensor([1, 0], dtype=T.int32)],
    "empty_list": lambda T: _x(T)[[]],
    "tensor_in_slice": lambda T: _x(T)[T.tensor(1) :],
    "mask_and_int": lambda T: T.arange(24).view(2, 3, 4)[1, T.tensor([True, False, True])],
    "setitem_column": _set((slice(None), 0), 7),
    "setitem_int_from_float": lambda T: _setitem_int(T),
    "setitem_mask": lambda T: _mask_set(T),
    "setitem_broadcast_leading_one": _set(0, lambda T: T.ones(1, 3, dtype=T.float64)),
    "setitem_repeated_advanced": _set(([0, 1], [2, 2]), lambda T: T.tensor([1.0, 2.0]).double()),
    "setitem_ellipsis": _set(Ellipsis, 3.0),
    "setitem_tensor_key": lambda T: _tensor_key_set(T),
    "index_add_": _inplace("index_add_", 0, _long([1, 1]), lambda T: T.ones(2, 3).double()),
    "index_copy_": _inplace("index_copy_", 1, _long([2]), lambda T: T.ones(2, 1).double()),
    "index_fill_": _inplace("index_fill_", 1, _long([0, 2]), -1.0),
    "index_put_": lambda T: _x(T).index_put_((T.tensor([0, 1]),), T.tensor(9.0).double()),
    "masked_fill_": _inplace("masked_fill_", lambda T: _x(T) > 2, 0.5),
    "masked_scatter_": _inplace(
        "masked_scatter_", lambda T: _x(T) > 2, lambda T: T.arange(6.0).double()
    ),
    "scatter_": _inplace("scatter_", 1, _long([[2], [0]]), 5.0),
    "scatter_add_": _inplace(
        "scatter_add_", 0, _long([[1, 1, 1]]), lambda T: T.ones(1, 3).double()
    ),
    "scatter_reduce_": _inplace(
        "scatter_reduce_", 0, _long([[1, 0]]), lambda T: T.ones(1, 2).double(), "amax"
    ),
    "scatter_reduce_int_mean": lambda T: (
        T.arange(6)
        .view(2, 3)
        .scatter_reduce(0, T.tensor([[1, 1, 0]]), T.tensor([[1, 2, 3]]), "mean")
    ),
    "scatter_add_value_multiply": lambda T: _x(T).scatter(
        0, T.tensor([[1, 0]]), 2.0, reduce="multiply"
    ),
    "scatter_value_add": lambda T: _x(T).scatter(0, T.tensor([[1, 0]]), 7.0, reduce="add"),
    "gather_int32_index": lambda T: _x(T).gather(1, T.tensor([[0], [2]], dtype=T.int32)),
    "gather_int": lambda T: T.arange(6).view(2, 3).gather(1, T.tensor([[2, 2], [0, 1]])),
    "index_select_int32": lambda T: _x(T).index_select(1, T.tensor([2, 0], dtype=T.int32)),
    "index_select_0d": lambda T: T.tensor(3.0).index_select(0, T.tensor([0])),
    "index_fill_0d": lambda T: T.tensor(3.0).index_fill(0, T.tensor([0]), 2.0),
    "take_empty": lambda T: _x(T).take(T.zeros(0, 2, dtype=T.int64)),
    "take_along_dim_flat": lambda T: _x(T).take_along_dim(T.tensor([[1, 0, 0], [0, 0, 5]])),
    "nonzero": lambda T: T.tensor([[0, 1, 0], [2, 0, 3]]).nonzero(),
    "nonzero_tuple": lambda T: T.tensor([[0, 1, 0], [2, 0, 3]]).nonzero(as_tuple=True),
    "nonzero_0d": lambda T: T.nonzero(T.tensor(1.0)),
    "nonzero_0d_tuple": lambda T: T.nonzero(T.tensor(0.0), as_tuple=True),
    "nonzero_empty": lambda T: T.zeros(0, 2).nonzero(),
    "argwhere": lambda T: T.argwhere(T.tensor([[True, False], [True, True]])),
    "where_one_arg": lambda T: T.where(T.tensor([[0.0, 1.5], [2.0, 0.0]]) > 1),
    "masked_select_int": lambda T: T.arange(4).masked_select(T.tensor([True, False, True, True])),
}


def _setitem_int(T):
    y = T.arange(4)
    y[1:3] = T.tensor([2.7, -1.5])
    return y


def _mask_set(T):
    y = _x(T)
    y[y > 2] = T.tensor([10.0, 20.0, 30.0], dtype=T.float64)
    return y


def _tensor_key_set(T):
    y = _x(T)
    y[T.tensor([1, 0]), T.tensor(2)] = -1.0
    return y


@pytest.mark.parametrize("name", list(SEMANTICS))
def test_indexing_semantics_match_torch(name):
    _compare(SEMANTICS[name])


def test_basic_index_is_view_and_advanced_is_copy():
    x = ember.zeros(3, 4)
    assert x[1]._base is x and x[:, 1:3]._base is x and x[..., None]._base is x
    assert x[ember.tensor(1)]._base is x  # a 0-d integer tensor acts as an int
    assert x[[1]]._base is None and x[x > 0]._base is None


def test_repeated_index_gradients_accumulate():
    grads = []
    for T in (ember, torch):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        i = T.tensor([0, 0, 2, 0])
        (x[i] * T.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        y = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y.index_select(1, T.tensor([1, 1])).sum().backward()
        z = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        z.gather(0, T.tensor([[0, 0], [0, 1]])).sum().backward()
        grads.append([x.grad.numpy(), y.grad.numpy(), z.grad.numpy()])
    for e, t in zip(*grads):
        np.testing.assert_array_equal(e, t)


def test_setitem_value_gradient_sums_over_broadcast():
    grads = []
    for T in (ember, torch):
        v = T.tensor(2.0, requires_grad=True)
        y = T.zeros(3, 4)
        y[:, 1:3] = v
        (y * T.arange(12.0).view(3, 4)).sum().backward()
        grads.append(v.grad.item())
    assert grads[0] == grads[1]


def test_setitem_bumps_version_and_writes_through_views():
    x = ember.zeros(2, 3)
    row = x[0]
    before = x._version.value
    x[0, 1] = 5.0
    assert x._version.value == before + 1
    assert row[1].item() == 5.0


def test_index_put_accumulate_sums_repeats_and_gradients_match():
    out = []
    for T in (ember, torch):
        x = T.zeros(3, dtype=T.float64, requires_grad=True)
        v = T.tensor([1.0, 2.0, 3.0], dtype=T.float64, requires_grad=True)
        y = x.index_put((T.tensor([0, 0, 2]),), v, accumulate=True)
        (y * T.tensor([1.0, 2.0, 3.0], dtype=T.float64)).sum().backward()
        out.append((y.detach().numpy(), x.grad.numpy(), v.grad.numpy()))
    for e, t in zip(*out):
        np.testing.assert_array_equal(e, t)
