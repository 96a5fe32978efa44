"""``pad``: constant, reflect, replicate and circular padding, in PyTorch's pad-tuple order
(last dim first: ``(left, right, top, bottom, front, back)``)."""

from ember._backend import array_module
from ember.ops._axis_take import take_axis
from ember.ops.padding import constant_pad, padded_index

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")
_SUPPORTED = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def _as_ints(pad):
    out = []
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not hasattr(p, "__index__"):
            raise TypeError(
                "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of "
                f"type {type(p).__name__} at pos {i}"
            )
        out.append(int(p))
    return out


def _per_dim(pad, ndim):
    """PyTorch's flat pad tuple as one (lo, hi) per dim of the tensor, leading dims unpadded."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {ndim}"
        )
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(k)]
    return [(0, 0)] * (ndim - k) + pairs[::-1]


def _check_non_constant(input, mode, k, pairs):
    """PyTorch's checks for reflect, replicate and circular padding of the last ``k`` dims."""
    ndim, shape = input.dim(), list(input.shape)
    if not (1 <= k <= 3) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {2 * k} is not supported for {ndim}D input tensor.\n{_SUPPORTED}"
        )
    if mode == "circular":
        for n, (lo, hi) in zip(shape[-k:], pairs[-k:]):
            kept = n - max(-lo, 0) - max(-hi, 0)  # what is left to wrap around after a crop
            if lo > n or hi > n or (kept <= 0 and max(lo, hi) > 0):
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if n + lo + hi <= 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return
    # Every dim but an optional batch dim must be non-empty.
    if any(n == 0 for n in shape[ndim - k - 1 :]):
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {shape}"
        )
    for dim in range(ndim - k, ndim):
        n, (lo, hi) = shape[dim], pairs[dim]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input {shape}"
            )
        if n + lo + hi < (1 if k == 1 else 0):
            raise RuntimeError(f"input (W: {n}) is too small. Calculated output W: {n + lo + hi}")


def pad(input, pad, mode="constant", value=None):
    """Pad ``input``; ``pad`` lists (before, after) amounts starting from the last dim.

    Differences from PyTorch: circular padding raises "Padding value causes wrapping around more
    than once." where a negative pad crops a dim to nothing while the other side pads it
    (PyTorch reads uninitialised memory there).
    """
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    pad = _as_ints(pad)
    pairs = _per_dim(pad, input.dim())
    if mode == "constant":
        return constant_pad(input, pairs, 0 if value is None else value)
    _check_non_constant(input, mode, len(pad) // 2, pairs)
    out = input
    for dim, (lo, hi) in enumerate(pairs):
        if (lo, hi) != (0, 0):
            index = padded_index(mode, input.shape[dim], lo, hi, array_module(input._data))
            out = take_axis(out, index, dim)
    return input.clone() if out is input else out  # a new tensor even for zero padding
