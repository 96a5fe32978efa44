"""Argument checks and geometry for pooling, with PyTorch's error messages."""

from ember.ops._windows import Geometry, out_size, tuple_arg

__all__ = ["check_input", "pool_geometry", "unpool_size"]


def check_input(input, nsp, name, kind):
    """Raise PyTorch's error for a wrong number of dims; True when the input is batched."""
    ndim = input.dim()
    if ndim in (nsp + 1, nsp + 2) and all(s > 0 for s in input.shape[1:]):
        return ndim == nsp + 2
    if nsp == 1 or (kind == "adaptive" and ndim not in (nsp + 1, nsp + 2)):
        if kind == "max" and nsp == 1:
            raise RuntimeError(
                f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                f"for input, but got:{list(input.shape)}"
            )
        if kind == "adaptive" and nsp > 1:
            raise RuntimeError(
                f"{name}(): Expected {nsp + 1}D or {nsp + 2}D tensor, but got {list(input.shape)}"
            )
        raise RuntimeError(
            f"Expected {nsp + 1} to {nsp + 2} dimensions, but got {ndim}-dimensional tensor for "
            f"argument #1 'self' (while checking arguments for {name})"
        )
    if ndim in (nsp + 1, nsp + 2):
        raise RuntimeError(
            f"Expected {nsp + 1}D or {nsp + 2}D (batch mode) tensor with optional 0 dim batch "
            f"size for input, but got:{list(input.shape)}"
        )
    raise RuntimeError(f"non-empty {nsp + 1}D or {nsp + 2}D (batch mode) tensor expected for input")


def _pool_tuple(value, nsp, name, what):
    try:
        return tuple_arg(value, nsp, what)
    except (RuntimeError, TypeError):
        sizes = {1: "one int", 2: "two ints", 3: "three ints"}[nsp]
        raise RuntimeError(
            f"{name}: {what} must either be a single int, or a tuple of {sizes}"
        ) from None


def pool_geometry(input, nsp, name, kernel_size, stride, padding, dilation, ceil_mode):
    """Validate pooling arguments; returns the window Geometry over the input's last dims."""
    kernel = _pool_tuple(kernel_size, nsp, name, "kernel_size")
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        stride = kernel
    stride = _pool_tuple(stride, nsp, name, "stride")
    pad = _pool_tuple(padding, nsp, name, "padding")
    dil = _pool_tuple(dilation, nsp, name, "dilation")
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got {list(kernel)}")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dil)}")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(pad)}")
    for p, k, d in zip(pad, kernel, dil):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    in_size = tuple(int(s) for s in input.shape[-nsp:])
    out = tuple(
        out_size(n, k, s, d, 2 * p, ceil_mode)
        for n, k, s, d, p in zip(in_size, kernel, stride, dil, pad)
    )
    if any(o <= 0 for o in out):
        chans = input.shape[-nsp - 1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(str(s) for s in (chans,) + in_size)}). Calculated "
            f"output size: ({'x'.join(str(s) for s in (chans,) + out)}). Output size is too small"
        )
    return Geometry(kernel, stride, dil, pad, in_size, out)


def unpool_size(input, indices, nsp, name, kernel_size, stride, padding, output_size):
    """The spatial output size of max_unpool (default or checked ``output_size``)."""
    kernel = _pool_tuple(kernel_size, nsp, name, "kernel_size")
    stride = kernel if stride is None else _pool_tuple(stride, nsp, name, "stride")
    pad = _pool_tuple(padding, nsp, name, "padding")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    in_size = tuple(int(s) for s in input.shape[-nsp:])
    default = tuple((i - 1) * s - 2 * p + k for i, s, p, k in zip(in_size, stride, pad, kernel))
    if output_size is None:
        return default
    size = tuple(int(s) for s in output_size)
    if len(size) == nsp + 2 or len(size) == nsp + 1:
        size = size[-nsp:]
    if len(size) != nsp:
        raise ValueError(
            f"output_size should be a sequence containing {nsp} or {nsp + 2} elements, but it "
            f"has a length of '{len(size)}'"
        )
    for d, (v, df, s) in enumerate(zip(size, default, stride)):
        if not df - s <= v <= df + s:
            raise ValueError(
                f'invalid output_size "{size}" (dim {d} must be between {df - s} and {df + s})'
            )
    return size
