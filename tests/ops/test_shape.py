"""Shape ops: errors (types and messages as PyTorch's), dtype rules and the behaviours the
registry does not reach (multiple return forms, legacy cases, warnings)."""

import warnings

import numpy as np
import pytest
import torch

import ember


def _x(T):
    return T.tensor(np.arange(6.0).reshape(2, 3))


def _same_error(fn, message=True):
    """``fn(T)`` raises the same exception type and message under ember and PyTorch."""
    caught = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(T)
        caught.append(info)
    e, t = caught
    assert e.type is t.type, (e.type, t.type, str(t.value))
    if message:
        want = str(t.value).split("\nException raised from")[0]
        assert str(e.value).replace("ember.", "torch.") == want


ERRORS = {
    "view_bad_shape": lambda T: _x(T).view(5),
    "view_two_inferred": lambda T: _x(T).view(-1, -1),
    "view_noncontiguous": lambda T: _x(T).t().view(6),
    "reshape_bad": lambda T: _x(T).reshape(4, -1),
    "cat_mismatch": lambda T: T.cat([_x(T), T.zeros(3, 3, dtype=T.float64)], 1),
    "cat_empty_list": lambda T: T.cat([]),
    "cat_0d": lambda T: T.cat([T.tensor(1.0)]),
    "cat_ndim": lambda T: T.cat([_x(T), T.zeros(2, 3, 1, dtype=T.float64)]),
    "cat_dim_range": lambda T: T.cat([_x(T)], 2),
    "stack_mismatch": lambda T: T.stack([_x(T), _x(T).t()]),
    "stack_empty": lambda T: T.stack([]),
    "expand_bad": lambda T: _x(T).expand(2, 2),
    "expand_too_few": lambda T: _x(T).expand(3),
    "permute_dup": lambda T: T.zeros(2, 3).permute(0, 0),
    "transpose_range": lambda T: _x(T).transpose(0, 2),
    "t_3d": lambda T: T.zeros(2, 1, 3).t(),
    "movedim_len": lambda T: _x(T).movedim((0, 1), (1,)),
    "movedim_repeat": lambda T: _x(T).movedim((0, 0), (1, 0)),
    "unsqueeze_range": lambda T: _x(T).unsqueeze(3),
    "narrow_overflow": lambda T: _x(T).narrow(1, 1, 5),
    "narrow_start": lambda T: _x(T).narrow(0, 3, 0),
    "narrow_negative_length": lambda T: _x(T).narrow(0, 1, -1),
    "split_zero": lambda T: _x(T).split(0),
    "split_sizes_sum": lambda T: _x(T).split([1, 1], 1),
    "chunk_zero": lambda T: _x(T).chunk(0),
    "unflatten_bad": lambda T: _x(T).unflatten(1, (2, 2)),
    "unflatten_empty": lambda T: _x(T).unflatten(0, ()),
    "flatten_order": lambda T: T.zeros(2, 3, 4).flatten(2, 1),
    "diagonal_same_dims": lambda T: _x(T).diagonal(0, 0, 0),
    "repeat_too_few": lambda T: _x(T).repeat(2),
    "repeat_interleave_size": lambda T: _x(T).repeat_interleave(T.tensor([1, 2, 3]), dim=0),
    "repeat_interleave_negative": lambda T: _x(T).repeat_interleave(T.tensor([1, -2]), dim=0),
    "roll_align": lambda T: _x(T).roll((1,), (0, 1)),
    "rot90_same": lambda T: _x(T).rot90(1, (0, 0)),
    "rot90_1d": lambda T: T.zeros(3).rot90(),
    "tril_1d": lambda T: T.zeros(3).tril(),
    "diag_3d": lambda T: T.zeros(2, 2, 2).diag(),
    "fliplr_1d": lambda T: T.zeros(3).fliplr(),
    "flip_dup": lambda T: _x(T).flip(0, 0) if T is torch else _x(T).flip((0, 0)),
    "broadcast_shapes": lambda T: T.broadcast_shapes((2, 3), (4,)),
    "broadcast_tensors": lambda T: T.broadcast_tensors(T.zeros(2, 3), T.zeros(4)),
    "meshgrid_indexing": lambda T: T.meshgrid(T.zeros(2), indexing="ab"),
    "meshgrid_2d": lambda T: T.meshgrid(T.zeros(2, 2), indexing="ij"),
    "meshgrid_dtypes": lambda T: T.meshgrid(T.zeros(2), T.arange(3), indexing="ij"),
    "roll_0d": lambda T: T.tensor(3).roll(1, 0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_shape_error_matches_torch(name):
    # The meshgrid message prints the tensor, in each library's own format.
    _same_error(ERRORS[name], message=name != "meshgrid_2d")


def _compare(fn):
    e_out, t_out = fn(ember), fn(torch)
    if isinstance(t_out, torch.Tensor):
        e_out, t_out = [e_out], [t_out]
    assert len(e_out) == len(t_out)
    for e, t in zip(e_out, t_out):
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


SEMANTICS = {
    "cat_promotes": lambda T: T.cat([T.tensor([1, 2]), T.tensor([0.5])]),
    "cat_int_bool": lambda T: T.cat([T.tensor([True]), T.tensor([3], dtype=T.int32)]),
    "stack_int": lambda T: T.stack([T.tensor([1, 2]), T.tensor([3, 4])], 1),
    "chunk_fewer": lambda T: T.arange(6).chunk(4),
    "chunk_empty": lambda T: T.zeros(0, 3).chunk(2),
    "split_empty": lambda T: T.zeros(0, 3).split(2),
    "tensor_split_tensor": lambda T: T.arange(7).tensor_split(T.tensor([2, 5])),
    "tensor_split_0d_tensor": lambda T: T.arange(7).tensor_split(T.tensor(3)),
    "tensor_split_oob": lambda T: T.arange(7).tensor_split([-2, 9, 3]),
    "repeat_interleave_indices": lambda T: T.repeat_interleave(T.tensor([2, 0, 3])),
    "repeat_interleave_int_tensor": lambda T: T.tensor([[1, 2], [3, 4]]).repeat_interleave(2),
    "repeat_int": lambda T: T.tensor([1, 2]).repeat(2, 2),
    "tile_bool": lambda T: T.tensor([True, False]).tile((2,)),
    "flip_int": lambda T: T.arange(6).reshape(2, 3).flip(-1),
    "hstack_0d": lambda T: T.hstack([T.tensor(1.0), T.tensor([2.0, 3.0])]),
    "dstack_shape": lambda T: T.dstack([T.tensor([2.0, 3.0])]),
    "atleast_many": lambda T: T.atleast_2d(T.tensor(1.0), T.zeros(3)),
    "atleast_list": lambda T: T.atleast_1d([T.tensor(1.0), T.zeros(3)]),
    "meshgrid_0d": lambda T: T.meshgrid(T.tensor(1.0), T.zeros(2), indexing="ij"),
    "meshgrid_three_xy": lambda T: T.meshgrid(T.zeros(2), T.ones(3), T.zeros(4), indexing="xy"),
    "squeeze_no_size1": lambda T: T.zeros(2, 3).squeeze((0, 1)),
    "flatten_0d": lambda T: T.tensor(2.0).flatten(),
    "unbind_empty": lambda T: T.zeros(0, 2).unbind(0) + (T.zeros(1),),
    "diag_embed_0d": lambda T: T.diag_embed(T.tensor([1.0, 2.0])[0:1]),
    "diag_int": lambda T: T.tensor([1, 2]).diag(1),
    "tril_int": lambda T: T.ones(3, 3, dtype=T.int64).tril(-1),
    "movedim_negative": lambda T: T.zeros(2, 3, 4).movedim(-1, 0),
    "swapdims": lambda T: T.zeros(2, 3, 4).swapdims(0, -1),
    "unflatten_0d_inferred": lambda T: T.zeros(2, 6).unflatten(-1, (3, -1)),
}


@pytest.mark.parametrize("name", list(SEMANTICS))
def test_shape_semantics_match_torch(name):
    _compare(SEMANTICS[name])


def test_broadcast_shapes_returns_size():
    got = ember.broadcast_shapes((2, 1), (3,), 1)
    assert isinstance(got, ember.Size)
    assert tuple(got) == tuple(torch.broadcast_shapes((2, 1), (3,), 1))


def test_meshgrid_without_indexing_warns_as_torch():
    with pytest.warns(UserWarning, match="indexing"):
        ember.meshgrid(ember.zeros(2), ember.zeros(3))


def test_reshape_of_noncontiguous_is_not_a_view():
    x = ember.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x.t().reshape(6)
    assert y._base is None
    assert y.grad_fn is not None and "Reshape" in y.grad_fn.name()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))


def test_contiguous_returns_self_or_copy():
    x = ember.zeros(2, 3)
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.is_contiguous() and not np.shares_memory(y.numpy(), x.numpy())


def test_iteration_uses_unbind_views():
    x = ember.tensor(np.arange(6.0).reshape(3, 2))
    rows = list(x)
    rows[1].fill_(0) if hasattr(rows[1], "fill_") else rows[1].mul_(0)
    np.testing.assert_array_equal(x.numpy()[1], [0.0, 0.0])


def test_cat_out_argument():
    out = ember.zeros(4)
    got = ember.cat([ember.ones(2), ember.zeros(2)], out=out)
    assert got is out
    np.testing.assert_array_equal(out.numpy(), [1, 1, 0, 0])
