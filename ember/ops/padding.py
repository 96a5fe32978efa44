"""Padding primitives: constant padding (an op whose adjoint is a crop) and the source indices
of reflect, replicate and circular padding (a gather along one axis, see ``take_axis``)."""

from ember.autograd.function import Op

__all__ = ["constant_pad", "padded_index"]


class _ConstantPad(Op):
    """Pads (or, for negative amounts, crops) each dim by ``(lo, hi)``; linear in ``x``."""

    def forward(ctx, x, *, pads, value):
        ctx.pads = pads
        shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pads))
        if any(s < 0 for s in shape):
            raise RuntimeError("narrow(): length must be non-negative.")
        out = ctx.xp.full(shape, value, dtype=x.dtype)
        dst, src = [], []
        for n, (lo, hi) in zip(x.shape, pads):
            start = max(-lo, 0)
            stop = max(min(n, n + hi), start)
            src.append(slice(start, stop))
            dst.append(slice(start + lo, stop + lo))
        out[tuple(dst)] = x[tuple(src)]
        return out

    def backward(ctx, grad):
        return _ConstantPad.apply(grad, pads=tuple((-lo, -hi) for lo, hi in ctx.pads), value=0)


def padded_index(mode, n, lo, hi, xp):
    """Source index of each output position along a dim of size ``n`` padded by (lo, hi), as
    an array of module ``xp`` (the padded tensor's)."""
    pos = xp.arange(-lo, n + hi)
    if mode == "replicate":
        return xp.clip(pos, 0, n - 1)
    if mode == "circular":
        # PyTorch crops a negative side first, then wraps around what is left.
        start, stop = max(-lo, 0), n - max(-hi, 0)
        m = stop - start
        return start + xp.arange(-max(lo, 0), m + max(hi, 0)) % max(m, 1)
    period = 2 * (n - 1)
    if period == 0:
        return xp.zeros_like(pos)
    q = xp.abs(pos) % period
    return xp.where(q >= n, period - q, q)


def constant_pad(x, pads, value):
    """``x`` padded (negative amounts crop) by ``pads``, one (lo, hi) per dim, with ``value``."""
    return _ConstantPad.apply(x, pads=tuple(pads), value=value)
