"""Views: memory sharing, strides and offsets against PyTorch, and in-place ops on views
(PyTorch's CopySlices semantics), including the leaf errors."""

import numpy as np
import pytest
import torch

import ember

VIEW_CASES = {
    "view": lambda x: x.view(4, 6),
    "reshape": lambda x: x.reshape(-1),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "transpose": lambda x: x.transpose(0, 2),
    "permute": lambda x: x.permute(1, 2, 0),
    "movedim": lambda x: x.movedim(0, -1),
    "swapaxes": lambda x: x.swapaxes(1, 2),
    "t": lambda x: x[0].t(),
    "mT": lambda x: x.mT,
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "squeeze": lambda x: x[:, :1].squeeze(1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "unsqueeze_t": lambda x: x.transpose(0, 1).unsqueeze(1),
    "unsqueeze_end": lambda x: x.transpose(0, 1).unsqueeze(3),
    "diagonal": lambda x: x.diagonal(1, 1, 2),
    "unbind": lambda x: x.unbind(1)[2],
    "split": lambda x: x.split(2, 2)[1],
    "chunk": lambda x: x.chunk(2, 1)[1],
    "tensor_split": lambda x: x.tensor_split([1], 2)[1],
    "basic_index": lambda x: x[1, ::2, 1:],
    "index_none": lambda x: x[None, 0, None, ::2, None],
    "ellipsis": lambda x: x[..., 1],
    "0d_int_tensor": lambda x: x[:, _ns(x).tensor(1)],
    "view_as": lambda x: x.view_as(x.reshape(24)),
    "ravel": lambda x: x.ravel(),
    "flatten_transposed_ok": lambda x: x.transpose(1, 2).flatten(0, 0),
}


def _ns(x):
    return ember if isinstance(x, ember.Tensor) else torch


def _pair():
    a = np.arange(24.0).reshape(2, 3, 4)
    return ember.tensor(a), torch.tensor(a)


@pytest.mark.parametrize("name", list(VIEW_CASES))
def test_view_shares_memory_and_layout(name):
    fn = VIEW_CASES[name]
    e, t = _pair()
    ev, tv = fn(e), fn(t)
    assert tv._is_view() and tv.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    assert ev.shape == tv.shape
    assert ev.stride() == tv.stride(), (ev.stride(), tv.stride())
    assert ev.is_contiguous() == tv.is_contiguous()
    assert ev.storage_offset() == tv.storage_offset()
    assert ev._base is e
    # Mutate the base: the view sees it.
    e.mul_(-1)
    t.mul_(-1)
    np.testing.assert_array_equal(ev.numpy(), tv.numpy())
    if ev._data.flags.writeable:
        ev.add_(100)
        tv.add_(100)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


COPY_CASES = {
    "reshape_noncontiguous": lambda x: x.transpose(0, 2).reshape(-1),
    "flatten_noncontiguous": lambda x: x.transpose(0, 2).flatten(),
    "ravel_noncontiguous": lambda x: x.transpose(0, 1).ravel(),
    "advanced_index": lambda x: x[[0, 1]],
    "mask_index": lambda x: x[x > 3],
    "flip": lambda x: x.flip(1),
    "roll": lambda x: x.roll(1, 2),
    "repeat_ones": lambda x: x.repeat(1, 1, 1),
    "tril": lambda x: x.tril(),
    "diag": lambda x: x[0].diag(),
    "cat_single": lambda x: _ns(x).cat([x]),
}


@pytest.mark.parametrize("name", list(COPY_CASES))
def test_copy_ops_do_not_share_memory(name):
    fn = COPY_CASES[name]
    e, t = _pair()
    ec, tc = fn(e), fn(t)
    assert tc.untyped_storage().data_ptr() != t.untyped_storage().data_ptr()
    assert ec._base is None or ec._base is not e
    assert not np.shares_memory(ec.numpy(), e.numpy())
    assert ec.stride() == tc.stride()
    assert all(s >= 0 for s in ec.stride())
    e.mul_(-1)
    np.testing.assert_array_equal(ec.numpy(), tc.numpy())


def test_rot90_strides_match_torch():
    e, t = _pair()
    for k in range(-1, 4):
        assert e[0].rot90(k).stride() == t[0].rot90(k).stride()


def test_meshgrid_outputs_are_expanded_views():
    a, b = np.arange(2.0), np.arange(3.0)
    for indexing in ("ij", "xy"):
        es = ember.meshgrid(ember.tensor(a), ember.tensor(b), indexing=indexing)
        ts = torch.meshgrid(torch.tensor(a), torch.tensor(b), indexing=indexing)
        assert [x.stride() for x in es] == [x.stride() for x in ts]


# ---- in-place ops on views --------------------------------------------------------------------


def _run(T, fn):
    x = T.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    v = T.tensor(np.array([10.0, 20.0, 30.0]), requires_grad=True)
    w = T.tensor(np.linspace(-1, 1, 6).reshape(2, 3))
    y = fn(T, x, v)
    (y * w).sum().backward()
    return y.detach().numpy(), x.grad.numpy(), None if v.grad is None else v.grad.numpy()


def _column_mul(T, x, v):
    y = x.clone()
    y[:, 0].mul_(2)
    return y


def _row_assign(T, x, v):
    y = x * 1
    y[1] = v
    return y


def _flat_view_assign(T, x, v):
    y = x * 1
    y.view(-1)[0] = 5
    return y


def _view_of_view(T, x, v):
    y = x * 2
    y.t()[1:, 0].mul_(v[:2])
    return y


def _diagonal_add(T, x, v):
    y = x * 2
    y.diagonal().add_(v[:2] * x[0, :2])
    return y


def _advanced_assign_on_view(T, x, v):
    y = x * 1
    y[1][[0, 2]] = v[1:] * 3
    return y


def _unsqueezed_assign(T, x, v):
    y = x * 1
    y[None, :, 1] = v[:2]
    return y


def _base_assign_to_zeros(T, x, v):
    y = T.zeros(2, 3, dtype=T.float64)
    y[0, 1:] = v[1:] * x[1, 1:]
    return y


def _tensor_split_piece_inplace(T, x, v):
    y = x.sin()
    a, b = y.tensor_split([1], 1)
    b.mul_(a.detach().clone())
    return y


def _masked_fill_view(T, x, v):
    y = x * 1
    y[1].masked_fill_(y[1] > 4, 0.0)
    return y


INPLACE_VIEW_CASES = [
    _column_mul,
    _row_assign,
    _flat_view_assign,
    _view_of_view,
    _diagonal_add,
    _advanced_assign_on_view,
    _unsqueezed_assign,
    _base_assign_to_zeros,
    _tensor_split_piece_inplace,
    _masked_fill_view,
]


@pytest.mark.parametrize("fn", INPLACE_VIEW_CASES, ids=lambda f: f.__name__.strip("_"))
def test_inplace_on_view_gradients_match_torch(fn):
    got = _run(ember, fn)
    want = _run(torch, fn)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "fn",
    [
        lambda y: y.split(1, 1)[1],
        lambda y: y.split([1, 2], 1)[0],
        lambda y: y.chunk(2, 1)[1],
        lambda y: y.unbind(1)[2],
    ],
)
def test_inplace_on_multi_output_view_raises_as_torch(fn):
    messages = []
    for T in (ember, torch):
        y = T.zeros(2, 3, requires_grad=True) * 1
        with pytest.raises(RuntimeError) as info:
            fn(y).mul_(2)
        messages.append(str(info.value))
        with T.no_grad():
            fn(y).mul_(2)  # allowed when nothing is recorded
    assert messages[0] == messages[1]


def test_base_sees_inplace_change_of_view_and_version_bumps():
    y = ember.zeros(2, 3)
    row = y[1]
    before = y._version.value
    row.add_(1)
    assert y._version.value == before + 1
    np.testing.assert_array_equal(y.numpy(), [[0, 0, 0], [1, 1, 1]])


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.mul_(2),
        lambda x: x[0].mul_(2),
        lambda x: x.__setitem__(0, 1.0),
        lambda x: x.view(-1).add_(1),
        lambda x: x.t().index_fill_(0, x.new_tensor([0]).long(), 1.0),
    ],
)
def test_inplace_on_leaf_or_its_view_raises_as_torch(fn):
    messages = []
    for T in (ember, torch):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            fn(x)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_inplace_on_leaf_allowed_under_no_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with ember.no_grad():
        x[0] = 5.0
        x[1:].mul_(2)
    np.testing.assert_array_equal(x.detach().numpy(), [5.0, 4.0])
    assert x.is_leaf


def test_inplace_on_expanded_view_raises_as_torch():
    for T in (ember, torch):
        x = T.zeros(3, 1).expand(3, 4)
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            x.add_(1)


def test_saved_tensor_modified_through_view_is_detected():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    z = y.exp()  # saves its output
    z[0] = 0.0  # modifies the saved output through a view
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
