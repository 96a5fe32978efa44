"""Elementwise bounds: clamp/clip (scalar or tensor bounds), minimum, maximum, fmin, fmax.

Gradient conventions at the kinks follow PyTorch: clamp passes the gradient where
``min <= x <= max`` (inclusive); minimum/maximum split it in half between tied inputs;
fmin/fmax give a tie to ``input``.
"""

from ember import _dtype
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._common import check_broadcast
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import to_dtype, where

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "minimum", "maximum", "fmin", "fmax"]

TENSOR_METHODS = tuple(__all__)


class Clamp(Op):
    """``min(max(x, lo), hi)``; either bound may be None, a scalar or a tensor."""

    promote = True
    save_inputs = True

    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out if out is not x else x.copy()

    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        need_x, need_lo, need_hi = ctx.needs_input_grad
        zero = 0.0
        grad_x = grad_lo = grad_hi = None
        if need_x:
            # Inclusive at both bounds, as in PyTorch.
            if lo is not None and hi is not None:
                inside = (x >= lo) & (x <= hi)
            else:
                inside = x >= lo if lo is not None else x <= hi
            grad_x = where(inside, grad, zero)
        if need_lo:
            below = x < lo
            grad_lo = where(below & (lo < hi) if hi is not None else below, grad, zero)
        if need_hi:
            above = x > hi
            grad_hi = where(above | (hi < lo) if lo is not None else above, grad, zero)
        return grad_x, grad_lo, grad_hi


def clamp(input, min=None, max=None, *, out=None):
    """Each element limited to ``[min, max]``; ``min > max`` gives ``max`` everywhere."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = [b for b in (min, max) if isinstance(b, Tensor)]
    if tensors and len(tensors) + (min is None) + (max is None) != 2:
        raise TypeError(
            "clamp() received an invalid combination of arguments - got (Tensor, min="
            f"{type(min).__name__}, max={type(max).__name__}), but expected one of: "
            "(Tensor input, Tensor min = None, Tensor max = None) or "
            "(Tensor input, Number min = None, Number max = None)"
        )
    try:
        result = Clamp.apply(input, min, max)
    except ValueError:
        check_broadcast(input, *tensors)
        raise
    return write_out(result, out, "clamp")


clip = clamp


def clamp_min(input, min):
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


def clamp_max(input, max):
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


class _Extremum(Op):
    """maximum/minimum (NaN propagates) and fmax/fmin (NaN ignored); ``kind`` names which."""

    promote = True
    save_inputs = True

    def forward(ctx, a, b, kind):
        ctx.kind = kind
        return getattr(ctx.xp, kind)(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        kind = ctx.kind
        if kind in ("maximum", "minimum"):
            # Ties split the gradient in half, as in PyTorch.
            a_wins = a > b if kind == "maximum" else a < b
            b_wins = b > a if kind == "maximum" else b < a
            shared = where(a == b, grad / 2, grad)
            grad_a = where(b_wins, 0.0, shared) if need_a else None
            grad_b = where(a_wins, 0.0, shared) if need_b else None
            return grad_a, grad_b
        # fmax/fmin: a tie, or a NaN in ``other``, sends the gradient to ``input``.
        a_takes = ((a >= b) if kind == "fmax" else (a <= b)) | b.isnan()
        grad_a = where(a_takes, grad, 0.0) if need_a else None
        grad_b = where(a_takes, 0.0, grad) if need_b else None
        return grad_a, grad_b


def _extremum(kind):
    def fn(input, other, *, out=None):
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{kind}(): argument 'other' (position 2) must be Tensor, not "
                f"{type(other).__name__}"
            )
        try:
            result = _Extremum.apply(input, other, kind=kind)
        except ValueError:
            check_broadcast(input, other)
            raise
        return result if out is None else write_out(result, out, kind)

    fn.__name__ = kind
    fn.__qualname__ = kind
    fn.__doc__ = f"Elementwise ``{kind}`` of two tensors."
    return fn


maximum = _extremum("maximum")
minimum = _extremum("minimum")
fmax = _extremum("fmax")
fmin = _extremum("fmin")

clamp_ = clip_ = make_inplace(clamp)
clamp_min_ = make_inplace(clamp_min)
clamp_max_ = make_inplace(clamp_max)
INPLACE_METHODS = ("clamp_", "clip_", "clamp_min_", "clamp_max_")

_ = (_dtype, to_dtype)
