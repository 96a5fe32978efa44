"""select/hsplit/unfold and the in-place metadata ops (t_, squeeze_...): memory sharing,
recording, errors, against PyTorch."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _version(t):
    return t._version.value if isinstance(t, ember.Tensor) else t._version


def _raises_like(fn, exc=RuntimeError):
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc, match=re.escape(str(theirs.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.arange(6.0).reshape(2, 3).select(0, 5),
        lambda T: T.arange(6.0).reshape(2, 3).select(1, -4),
        lambda T: T.tensor(2.0).select(0, 0),
    ],
)
def test_select_errors(fn):
    _raises_like(fn, IndexError)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.hsplit(T.ones(2, 3), 2),
        lambda T: T.hsplit(T.tensor(2.0), 1),
        lambda T: T.vsplit(T.ones(3), 1),
        lambda T: T.dsplit(T.ones(2, 3), 1),
        lambda T: T.split_with_sizes(T.ones(2, 3), [1, 1], 1),
        lambda T: T.ones(2, 3).unfold(1, 5, 1),
        lambda T: T.ones(2, 3).unfold(1, 2, 0),
        lambda T: T.ones(2, 3).unfold(1, -1, 1),
        lambda T: T.ones(2, 3, requires_grad=True).t_(),
        lambda T: T.ones(2, 3, requires_grad=True).unsqueeze_(0),
    ],
)
def test_shape_errors_match_torch(fn):
    _raises_like(fn)


def test_select_and_unfold_share_memory():
    x = ember.zeros(3, 4)
    x.select(1, -1).fill_(2.0)
    x.unfold(0, 1, 2)[..., 0].add_(1.0)  # windows that do not overlap are writable
    t = torch.zeros(3, 4)
    t.select(1, -1).fill_(2.0)
    t.unfold(0, 1, 2)[..., 0].add_(1.0)
    assert_close(x, t)


def test_unfold_strides_match_torch():
    a = np.arange(60.0).reshape(3, 4, 5)
    for args in [(2, 2, 1), (1, 3, 1), (-1, 3, 2), (0, 1, 1)]:
        e, t = ember.tensor(a).unfold(*args), torch.tensor(a).unfold(*args)
        assert e.stride() == t.stride() and e.shape == t.shape


def test_unfold_overlapping_windows_refuse_inplace_writes():
    x = ember.arange(6.0)
    with pytest.raises(RuntimeError, match="more than one element"):
        x.unfold(0, 3, 1).mul_(2)


def test_unfold_inplace_on_window_updates_graph_like_torch():
    results = []
    for T in (ember, torch):
        a = T.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], requires_grad=True)
        b = a * 1
        b.unfold(0, 2, 2)[1].mul_(3)
        (g,) = T.autograd.grad((b * b).sum(), [a])
        results.append((b.detach().numpy().copy(), g.numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


@pytest.mark.parametrize(
    "fn",
    [
        lambda b: b.t_(),
        lambda b: b.transpose_(0, 1),
        lambda b: b.swapaxes_(0, 1),
        lambda b: b.swapdims_(1, 0),
        lambda b: b.unsqueeze_(1),
        lambda b: b.unsqueeze_(0).squeeze_(0),
        lambda b: b.unsqueeze_(-1).squeeze_(),
    ],
)
def test_inplace_metadata_keeps_identity_and_records(fn):
    shapes, grads, versions = [], [], []
    for T in (ember, torch):
        a = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        b = a * 2
        before = _version(b)
        assert fn(b) is b
        versions.append(_version(b) - before)
        shapes.append(tuple(b.shape))
        w = T.arange(float(b.numel())).reshape(b.shape)
        (g,) = T.autograd.grad((b * w).sum(), [a])
        grads.append(g.numpy().copy())
    assert shapes[0] == shapes[1]
    assert versions[0] >= 1
    np.testing.assert_allclose(grads[0], grads[1])


def test_inplace_metadata_on_a_view_keeps_writing_to_the_base():
    results = []
    for T in (ember, torch):
        a = T.arange(6.0).reshape(2, 3).requires_grad_()
        base = a * 1
        row = base[1]
        row.unsqueeze_(0)
        row.mul_(10)
        (g,) = T.autograd.grad((base * base).sum(), [a])
        results.append((tuple(row.shape), base.detach().numpy().copy(), g.numpy().copy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1])
    np.testing.assert_allclose(results[0][2], results[1][2])


def test_inplace_metadata_without_grad_shares_memory():
    x = ember.zeros(2, 3)
    y = x[0]
    y.unsqueeze_(0)
    y.fill_(1.0)
    assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    z = ember.zeros(2, 3)
    z.t_()
    assert z.shape == (3, 2) and z.stride() == (1, 3)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.arange(12.0).as_strided((4, 4), (4, 1)),
        lambda T: T.arange(12.0).as_strided((2, 2), (-1, 2)),
        lambda T: T.arange(12.0).as_strided((2,), (1,), -1),
        lambda T: T.arange(12.0).as_strided((2,), (1, 2)),
        lambda T: T.arange(12.0).as_strided((2, 2), (0, 1)).add_(1),
    ],
)
def test_as_strided_errors_match_torch(fn):
    _raises_like(fn)


def test_as_strided_shares_storage_and_records_inplace_writes():
    results = []
    for T in (ember, torch):
        a = T.arange(8.0, requires_grad=True)
        b = a * 1
        view = b[2:].as_strided((2, 2), (1, 3), 3)
        assert view.storage_offset() == 3
        view[0].mul_(10)
        (g,) = T.autograd.grad((b * b).sum(), [a])
        results.append((b.detach().numpy().copy(), g.numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.select_scatter(T.zeros(2, 3), T.ones(2), 0, 1),
        lambda T: T.slice_scatter(T.zeros(2, 3), T.ones(2, 1), 1, 0, None, 2),
        lambda T: T.diagonal_scatter(T.zeros(2, 3), T.ones(3)),
    ],
)
def test_scatter_shape_errors_match_torch(fn):
    _raises_like(fn)


def test_select_scatter_leaves_input_alone_and_casts_src():
    x = ember.zeros(2, 3)
    y = ember.select_scatter(x, ember.ones(3, dtype=ember.float64), 0, 1)
    assert x.tolist() == [[0.0] * 3] * 2
    assert y.dtype is ember.float32 and y.tolist() == [[0.0] * 3, [1.0] * 3]


def test_unsafe_split_pieces_allow_inplace_writes():
    a = ember.ones(4, 2, requires_grad=True)
    pieces = ember.unsafe_split(a * 2, 2)
    pieces[0].mul_(3)  # split's pieces would refuse this
    with pytest.raises(RuntimeError, match="is a view and is being modified inplace"):
        ember.split(a * 2, 2)[0].mul_(3)


def test_narrow_copy_is_a_copy_with_out():
    x = ember.arange(6.0).reshape(2, 3)
    y = ember.narrow_copy(x, 1, 1, 2)
    y.fill_(0)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    out = ember.empty(0)
    assert ember.narrow_copy(x, 0, 1, 1, out=out) is out
    assert out.tolist() == [[3.0, 4.0, 5.0]]


def test_resize_matches_torch():
    results = []
    for T in (ember, torch):
        x = T.arange(6.0)
        steps = [x.resize_(2, 3).clone(), x.resize_(4).clone(), x.resize_(8)[:6].clone()]
        z = T.arange(6.0).reshape(2, 3).t()
        z.resize_(2, 3)
        steps += [z.clone(), T.tensor(list(z.stride()))]
        a = T.arange(6.0)
        view = a[:3]
        view.resize_as_(T.ones(2, 3))
        steps += [view.clone()]
        results.append([s.numpy() for s in steps])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.ones(2, requires_grad=True).resize_(3),
        lambda T: (T.ones(2, requires_grad=True) * 1).resize_(2),
        lambda T: T.arange(4.0).resize_(-1),
    ],
)
def test_resize_errors_match_torch(fn):
    _raises_like(fn)
