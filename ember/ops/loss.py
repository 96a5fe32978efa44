"""Loss primitives with hand-written gradients: nll_loss and the fused cross-entropy over class
indices (log_softmax and nll in one pass, the training hot path).

Both work on an input viewed as (N, C, K) (K: the product of the extra dims) with an int64
target of shape (N, K); the wrappers in ember/nn/_functional/loss.py check and reshape.

Note [nll gradient as a constant]
The loss is linear in the input with coefficients that depend only on the target and the class
weights: ``d loss / d x[n, c, k] = -w[t] * onehot * scale``. Backward multiplies the incoming
gradient by that constant array, so it stays differentiable (in the incoming gradient) and the
second derivative with respect to the input is zero, as it should be.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import errstate, put_along_axis
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops.activation import Softmax
from ember.ops.cumulative import accumulation_dtype

__all__ = ["nll_loss_nck", "cross_entropy_nck", "binary_cross_entropy_elementwise"]

_REDUCTIONS = ("none", "mean", "sum")


def _target_weights(target, n_classes, weight, ignore_index, dtype):
    """Per-position class weight (0 where ignored) and the target with ignored slots at 0."""
    xp = array_module(target)
    valid = target != ignore_index
    bad = valid & ((target < 0) | (target >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(target[bad][0])} is out of bounds.")
    safe = xp.where(valid, target, 0)
    w = valid.astype(dtype) if weight is None else weight[safe] * valid
    return safe, w.astype(dtype)


def _scale(w, reduction):
    """The factor every per-position loss is multiplied by (1, or 1 / total weight)."""
    xp = array_module(w)
    if reduction != "mean":
        return 1.0
    total = w.sum()
    with errstate(xp, divide="ignore", invalid="ignore"):
        return np.float64(1.0) / total if total else np.float64(np.nan)


def _onehot(safe, shape, dtype):
    xp = array_module(safe)
    onehot = xp.zeros(shape, dtype)
    put_along_axis(onehot, safe[:, None, :], 1, axis=1)
    return onehot


def _reduce(losses, reduction, scale, dtype):
    """The losses reduced (in their own, accumulation, dtype), then cast to ``dtype``."""
    if reduction == "none":
        return losses.astype(dtype, copy=False)
    total = losses.sum()
    return (total * scale if reduction == "mean" else total).astype(dtype)


class NllLoss(Op):
    def forward(ctx, x, target, weight, ignore_index, reduction):
        xp = ctx.xp
        acc = accumulation_dtype(x.dtype)  # half precision sums in float32, as PyTorch
        safe, w = _target_weights(target, x.shape[1], weight, ignore_index, acc)
        picked = xp.take_along_axis(x, safe[:, None, :], axis=1)[:, 0, :].astype(acc)
        scale = _scale(w, reduction)
        ctx.reduction = reduction
        coef = xp.where(w != 0, w * scale, 0)[:, None, :]
        ctx.coef = (-_onehot(safe, x.shape, acc) * coef).astype(x.dtype)
        return _reduce(-w * picked, reduction, scale, x.dtype)

    def backward(ctx, grad):
        # Note [nll gradient as a constant]
        if ctx.reduction == "none":
            grad = grad.unsqueeze(1)
        return grad * make_tensor(ctx.coef), None


class CrossEntropy(Op):
    save_inputs = True

    def forward(ctx, x, target, weight, ignore_index, reduction):
        xp = ctx.xp
        acc = accumulation_dtype(x.dtype)  # half precision sums in float32, as PyTorch
        safe, w = _target_weights(target, x.shape[1], weight, ignore_index, acc)
        a = x.astype(acc, copy=False)
        shifted = a - xp.max(a, axis=1, keepdims=True) if a.size else a
        logz = xp.log(xp.sum(xp.exp(shifted), axis=1))
        picked = xp.take_along_axis(shifted, safe[:, None, :], axis=1)[:, 0, :]
        scale = _scale(w, reduction)
        ctx.reduction = reduction
        ctx.onehot = _onehot(safe, x.shape, x.dtype)
        # Positions of weight 0 (ignored) get gradient 0 even when the mean is 0 / 0.
        ctx.coef = xp.where(w != 0, w * scale, 0)[:, None, :].astype(x.dtype)
        return _reduce(w * (logz - picked), reduction, scale, x.dtype)

    def backward(ctx, grad):
        # d/dx of w * (logsumexp(x) - x[t]) is w * (softmax(x) - onehot); softmax is an ember
        # op, so this gradient is itself differentiable.
        x = ctx.saved_tensors[0]
        if ctx.reduction == "none":
            grad = grad.unsqueeze(1)
        probs = Softmax.apply(x, dim=1)
        return grad * make_tensor(ctx.coef) * (probs - make_tensor(ctx.onehot)), None


def _weight_array(weight, x):
    return None if weight is None else weight._data.astype(x._data.dtype)


def nll_loss_nck(input, target, weight, ignore_index, reduction):
    """nll_loss on ``input`` (N, C, K) and int64 ``target`` (N, K)."""
    return NllLoss.apply(
        input,
        target._data,
        weight=_weight_array(weight, input),
        ignore_index=ignore_index,
        reduction=reduction,
    )


def cross_entropy_nck(input, target, weight, ignore_index, reduction):
    """Fused log_softmax + nll_loss on ``input`` (N, C, K) and int64 ``target`` (N, K)."""
    return CrossEntropy.apply(
        input,
        target._data,
        weight=_weight_array(weight, input),
        ignore_index=ignore_index,
        reduction=reduction,
    )


class BinaryCrossEntropy(Op):
    save_inputs = True

    def forward(ctx, x, t, w):
        # Each log is clamped at -100, as in PyTorch, so a probability of exactly 0 or 1 gives a
        # finite loss.
        xp = ctx.xp
        with errstate(xp, divide="ignore"):
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log1p(-x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        return (loss if w is None else loss * w).astype(x.dtype)

    def backward(ctx, grad):
        x, t, w = ctx.saved_tensors
        need_x, need_t, _ = ctx.needs_input_grad
        if w is not None:
            grad = grad * w
        grad_x = grad_t = None
        if need_x:
            # (x - t) / max(x (1 - x), 1e-12): the clamp is a constant shift of the denominator,
            # so the value matches PyTorch and the expression stays differentiable.
            prod = x * (1 - x)
            shift = array_module(prod._data).maximum(prod._data, 1e-12) - prod._data
            grad_x = grad * (x - t) / (prod + make_tensor(shift))
        if need_t:
            grad_t = grad * ((1 - x).log() - x.log())
        return grad_x, grad_t, None


def _check_probabilities(t, name):
    """PyTorch's check that every element of ``t`` lies in [0, 1] (a NaN does not)."""
    xp = array_module(t._data)
    if not bool(xp.all((t._data >= 0) & (t._data <= 1))):
        raise RuntimeError(f"all elements of {name} should be between 0 and 1")


def binary_cross_entropy_elementwise(input, target, weight):
    """The unreduced binary cross-entropy of probabilities ``input`` against ``target``;
    RuntimeError, as in PyTorch, when either holds a value outside [0, 1]."""
    _check_probabilities(input, "input")
    _check_probabilities(target, "target")
    return BinaryCrossEntropy.apply(input, target, weight)
