"""The multi-class margin losses: multi_margin_loss and multilabel_margin_loss."""

import numpy as np

from ember import ops
from ember._backend import array_module
from ember._backend._arrays import add_at
from ember._tensor import make_tensor
from ember.nn._functional.loss import _check_reduction, _legacy_reduction, _reduce

__all__ = ["multi_margin_loss", "multilabel_margin_loss"]


def _as_2d(input, target, name):
    if input.ndim not in (1, 2):
        raise RuntimeError(
            f"{name}: Expected non-empty vector or matrix with optional 0-dim batch size, but "
            f"got: {list(input.shape)}"
        )
    unbatched = input.ndim == 1
    x = input.unsqueeze(0) if unbatched else input
    t = (
        target._data.reshape(x.shape[0], -1)
        if name == "multilabel_margin_loss"
        else (target._data.reshape(-1))
    )
    return x, t.astype(np.int64), unbatched


def multi_margin_loss(
    input,
    target,
    p=1,
    margin=1.0,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` (times ``weight[y]``)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x, t, unbatched = _as_2d(input, target, "multi_margin_loss")
    n, c = x.shape
    if t.size != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got {list(target.shape)}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    xp = array_module(t)
    onehot = xp.zeros((n, c), x._data.dtype)
    onehot[xp.arange(n), t] = 1
    x_y = (x * make_tensor(onehot)).sum(1, keepdim=True)
    h = ops.relu(margin - x_y + x)
    if p == 2:
        h = h * h
    scale = 1 - onehot  # the target class itself does not count
    if weight is not None:
        scale = scale * weight._data.astype(scale.dtype)[t][:, None]
    loss = (h * make_tensor(scale)).sum(1) / c
    if unbatched:
        loss = loss.squeeze(0)
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Hinge loss between every target class (listed until the first -1) and every other."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x, t, unbatched = _as_2d(input, target, "multilabel_margin_loss")
    n, c = x.shape
    if t.shape != (n, c):
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    # A label listed twice counts twice, as in PyTorch's loop over the target list.
    xp = array_module(t)
    count = xp.zeros((n, c))
    listed = xp.cumprod(t >= 0, axis=1).astype(bool)  # the labels before the first -1
    rows = xp.broadcast_to(xp.arange(n)[:, None], t.shape)
    add_at(count, (rows[listed], t[listed]), 1)
    others = (count == 0).astype(np.float64)
    pairs = (count[:, :, None] * others[:, None, :]).astype(x._data.dtype)
    # (N, C, C): 1 - (x[j] - x[i]) for target j and non-target i.
    margins = ops.relu(1 - x.unsqueeze(2) + x.unsqueeze(1))
    loss = (margins * make_tensor(pairs)).sum((1, 2)) / c
    if unbatched:
        loss = loss.squeeze(0)
    return _reduce(loss, reduction)
