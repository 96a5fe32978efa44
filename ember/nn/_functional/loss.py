"""Loss functions: compositions of ember ops around the primitives in ember.ops.loss."""

import math
import warnings

import numpy as np

from ember import _dtype, ops
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._tensor import make_tensor
from ember.nn._functional.activation import log_softmax
from ember.nn._functional.distance import pairwise_distance
from ember.ops import loss as _loss
from ember.ops.activation import logsigmoid

__all__ = [
    "l1_loss",
    "mse_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "cosine_embedding_loss",
    "margin_ranking_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "hinge_embedding_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "poisson_nll_loss",
    "gaussian_nll_loss",
]


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        + ("none" if reduce is False else "mean" if size_average is not False else "sum")
        + "' instead.",
        stacklevel=3,
    )
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )


def _mask(x, cond):
    """A constant tensor of ``x``'s dtype: 1 where ``cond`` (a boolean array) holds, else 0."""
    return make_tensor(array_module(cond).broadcast_to(cond, x._data.shape).astype(x._data.dtype))


def _weighted(loss, weight, reduction, input):
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


# ---- regression -----------------------------------------------------------------------------


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = ops.abs(input - target)
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, reduction, input)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    diff = input - target
    loss = diff * diff
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, reduction, input)


def _huber(input, target, delta, scale):
    diff = ops.abs(input - target)
    small = _mask(diff, diff._data < delta)
    # 0.5 d^2 inside, delta (d - delta / 2) outside; smooth_l1 is huber / beta.
    return (small * (0.5 * diff * diff) + (1 - small) * (delta * (diff - 0.5 * delta))) * scale


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error below ``beta``, absolute error above."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return _reduce(ops.abs(input - target), reduction)
    return _reduce(_huber(input, target, beta, 1.0 / beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Squared error below ``delta``, ``delta``-scaled absolute error above."""
    _warn_size(input, target)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    loss = _huber(input, target, delta, 1.0)
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    return _reduce(loss * weight, reduction)


# ---- classification -------------------------------------------------------------------------


def _check_target_dtype(target):
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_torch_name(target.dtype)}"
        )


def _torch_name(d):
    return _dtype.SCALAR_NAMES[d]


def _as_nck(input, target, weight):
    """``input`` as (N, C, K) and ``target`` as (N, K), with PyTorch's shape checks."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        n, c, k = 1, input.shape[0], 1
    else:
        n, c = input.shape[0], input.shape[1]
        k = 1
        for s in input.shape[2:]:
            k *= s
        if target.ndim == 0 or target.shape[0] != n:
            got = target.shape[0] if target.ndim else 1
            raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({got}).")
        if input.ndim == 2 and target.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim > 2 and tuple(target.shape) != (n, *input.shape[2:]):
            raise RuntimeError(
                f"Expected target size {[n, *input.shape[2:]]}, got {list(target.shape)}"
            )
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != c):
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but got "
            f"weight tensor of shape: {list(weight.shape)}"
        )
    _check_target_dtype(target)
    x = input.reshape((n, c, k))
    t = make_tensor(target._data.astype(np.int64).reshape(n, k))
    return x, t


def _finish_nck(out, input, target, reduction):
    if reduction == "none":
        return out.reshape(tuple(target.shape))
    return out


def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
):
    """Negative log likelihood of class-index targets given log-probabilities."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x, t = _as_nck(input, target, weight)
    out = _loss.nll_loss_nck(x, t, weight, ignore_index, reduction)
    return _finish_nck(out, input, target, reduction)


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """Cross-entropy of logits against class indices or class probabilities."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if tuple(input.shape) == tuple(target.shape) and target.is_floating_point():
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing)
    # Class indices must be Long or Byte; PyTorch checks the target's rank and batch size first.
    if target.is_floating_point() and target.dim() == input.dim() - 1:
        if input.dim() < 2 or target.shape[0] == input.shape[0]:
            _check_target_dtype(target)
    if label_smoothing > 0:
        return _cross_entropy_smoothed(
            input, target, weight, ignore_index, reduction, label_smoothing
        )
    x, t = _as_nck(input, target, weight)
    out = _loss.cross_entropy_nck(x, t, weight, ignore_index, reduction)
    return _finish_nck(out, input, target, reduction)


def _class_view(weight, input, class_dim):
    shape = [1] * input.ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(tuple(shape))


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing):
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * _class_view(weight, input, class_dim)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    count = input.numel() // n_classes if n_classes else 0
    return -terms.sum() / count if count else -terms.sum() * float("nan")


def _cross_entropy_smoothed(input, target, weight, ignore_index, reduction, label_smoothing):
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    ignore = target._data == ignore_index
    if weight is not None:
        smooth = -(logp * _class_view(weight, input, class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth * _mask(smooth, ~ignore)
    if reduction == "mean":
        kept = target._data[~ignore]
        if weight is not None:
            denom = float(weight._data[kept].sum())
        else:
            denom = float(kept.size)
        smooth = smooth.sum() / denom if denom else smooth.sum() * float("nan")
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """Binary cross-entropy of probabilities ``input`` against ``target``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    bad = (input._data < 0) | (input._data > 1)
    if bad.any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None:
        weight = weight.expand(tuple(input.shape)) if weight.shape != input.shape else weight
    return _reduce(_loss.binary_cross_entropy_elementwise(input, target, weight), reduction)


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
    pos_weight=None,
):
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from the logits."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    # -[t log s(x) + (1 - t) log(1 - s(x))] = (1 - t) x - log s(x); pos_weight scales the
    # positive term: (1 - t) x - (1 + (pw - 1) t) log s(x).
    log_sig = logsigmoid(input)
    if pos_weight is not None:
        loss = (1 - target) * input - (1 + (pos_weight - 1) * target) * log_sig
    else:
        loss = (1 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``.

    Differences from PyTorch: where ``target`` is 0 the gradient with respect to ``target`` is
    finite (PyTorch's is NaN); values and the gradient with respect to ``input`` agree.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # target * log(target) is 0 where target is 0 (xlogy), with no log(0) evaluated.
        pos = _mask(target, target._data > 0)
        loss = target * (target * pos + (1 - pos)).log() - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    _check_reduction(reduction)
    return _reduce(loss, reduction)


# ---- margin and embedding losses ------------------------------------------------------------


def cosine_embedding_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``1 - cos`` for target 1, ``max(0, cos - margin)`` for target -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.ndim not in (1, 2) or input1.shape != input2.shape:
        raise RuntimeError(
            f"cosine_embedding_loss: 1D target tensor expects 2D input tensors, but found "
            f"inputs with sizes {list(input1.shape)} and {list(input2.shape)}."
        )
    dim = input1.ndim - 1
    eps = 1e-12
    prod = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = prod / (mag1 * mag2).sqrt()
    t = target._data
    pos = _mask(cos, t == 1) * (1 - cos)
    neg = _mask(cos, t == -1) * ops.relu(cos - margin)
    return _reduce(pos + neg, reduction)


def margin_ranking_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``max(0, -target * (input1 - input2) + margin)``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce(ops.relu(-target * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(
    input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"
):
    """``x`` for target 1, ``max(0, margin - x)`` for target -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    shape = np.broadcast_shapes(target._data.shape, input._data.shape)
    t = array_module(target._data).broadcast_to(target._data, shape)
    margin_part = ops.relu(margin - input) * _mask(input, t != 1)
    self_part = input * _mask(input, t != -1)
    return _reduce(margin_part + self_part, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _reduce(-logsigmoid(target * input), reduction)


def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """Per-class logistic loss averaged over classes."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-6,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with the p-norm distance."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not a == pos == neg:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = ops.minimum(d_neg, d_swap)
    return _reduce(ops.relu(margin + d_pos - d_neg), reduction)


def triplet_margin_with_distance_loss(
    anchor,
    positive,
    negative,
    *,
    distance_function=None,
    margin=1.0,
    swap=False,
    reduction="mean",
):
    """Triplet margin loss with a custom distance function."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(
            "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got "
            f"{margin} instead"
        )
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = ops.minimum(d_neg, dist(positive, negative))
    return _reduce(ops.relu(margin + d_pos - d_neg), reduction)


# ---- likelihood losses ----------------------------------------------------------------------


def poisson_nll_loss(
    input,
    target,
    log_input=True,
    full=False,
    size_average=None,
    eps=1e-8,
    reduce=None,
    reduction="mean",
):
    """Negative log likelihood of a Poisson target with rate ``input`` (or ``exp(input)``)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's term where target > 1, written with ember ops so that the target gets the
        # same gradient as in PyTorch.
        xp = array_module(target._data)
        with errstate(xp, divide="ignore", invalid="ignore"):
            stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        zeros = make_tensor(xp.zeros(stirling._data.shape, stirling._data.dtype))
        loss = loss + ops.where(make_tensor(target._data > 1), stirling, zeros)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log likelihood of ``target`` under N(input, var)."""
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = ops.full(tuple(input.shape), float(var), dtype=input.dtype, device=input.device)
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif (
            input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1
        ):
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    # PyTorch clamps var under no_grad: the value moves up to eps, the gradient passes as is.
    var = var + make_tensor(array_module(var._data).maximum(var._data, eps) - var._data)
    diff = input - target
    loss = 0.5 * (var.log() + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
