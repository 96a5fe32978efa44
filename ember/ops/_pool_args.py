"""Argument checks and geometry for pooling, with PyTorch's error messages."""

from ember._dtype import SCALAR_NAMES, is_floating_np
from ember.ops._windows import Geometry, out_size, tuple_arg

__all__ = ["check_input", "check_dtype", "pool_tuple", "pool_geometry", "unpool_size"]


def check_dtype(input, kernel, floating_only):
    """PyTorch's NotImplementedError for a dtype the pooling kernel ``kernel`` lacks."""
    np_dtype = input._data.dtype
    if np_dtype.kind == "b" or (floating_only and not is_floating_np(np_dtype)):
        name = SCALAR_NAMES[input.dtype]
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")


def _dims_error(input, nsp, name, kind):
    """PyTorch's exception for an input with the wrong number of dims (it varies by op)."""
    ndim, shape = input.dim(), list(input.shape)
    lo, hi = nsp + 1, nsp + 2
    if kind == "max" and nsp == 1:
        return RuntimeError(
            f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
            f"input, but got:{shape}"
        )
    if nsp == 1:
        return RuntimeError(
            f"Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 "
            f"'self' (while checking arguments for {name})"
        )
    if kind in ("adaptive_max", "adaptive_avg"):
        colon = ":" if kind == "adaptive_max" else ""
        return RuntimeError(f"{name}(): Expected {lo}D or {hi}D tensor, but got{colon} {shape}")
    if kind == "avg" and nsp == 2:
        if ndim < lo:
            # PyTorch reads size(-3) before checking the number of dims.
            return IndexError(
                f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                f"but got {-lo})"
            )
        return RuntimeError(
            f"Expected {lo}D or {hi}D (batch mode) tensor with optional 0 dim batch size for "
            f"input, but got:{shape}"
        )
    return RuntimeError(f"non-empty {lo}D or {hi}D (batch mode) tensor expected for input")


def _empty_error(input, nsp, name, kind, dim):
    """PyTorch's exception for an empty non-batch dim ``dim``."""
    shape = list(input.shape)
    if nsp == 1 and kind in ("avg", "adaptive_avg"):
        # PyTorch runs these 1-d pools as 2-d ones on an unsqueezed input.
        shape.insert(-1, 1)
        nsp, name, dim = 2, name.replace("1d", "2d"), dim + (dim == input.dim() - 1)
    if kind.startswith("adaptive"):
        return RuntimeError(
            f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
            f"input has sizes {shape} with dimension {dim} being empty"
        )
    if nsp == 1:
        return _dims_error(input, nsp, name, "max")
    if nsp == 2:
        return RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{shape}"
        )
    op = "max_pool3d_with_indices_out_cpu_template" if kind == "max" else name
    return RuntimeError(
        f"{op}(): Expected input's non-batch dimensions to have positive length, but input has "
        f"a shape of {shape} and non-batch dimension {dim - (input.dim() - nsp - 1)} has length "
        "zero!"
    )


def check_input(input, nsp, name, kind):
    """Raise PyTorch's error for a wrong number of dims or an empty non-batch dim.

    ``kind`` is one of "max", "avg", "adaptive_max", "adaptive_avg"; returns True when the
    input is batched.
    """
    ndim = input.dim()
    if ndim not in (nsp + 1, nsp + 2):
        raise _dims_error(input, nsp, name, kind)
    # Adaptive average pooling allows empty channels; the others need every non-batch dim.
    first = ndim - nsp if kind == "adaptive_avg" else 1
    empty = [d for d in range(first, ndim) if input.shape[d] == 0]
    if empty:
        raise _empty_error(input, nsp, name, kind, empty[0])
    return ndim == nsp + 2


def pool_tuple(value, nsp, name, what):
    try:
        return tuple_arg(value, nsp, what)
    except (RuntimeError, TypeError):
        sizes = {1: "one int", 2: "two ints", 3: "three ints"}[nsp]
        raise RuntimeError(
            f"{name}: {what} must either be a single int, or a tuple of {sizes}"
        ) from None


def pool_geometry(input, nsp, name, kernel_size, stride, padding, dilation, ceil_mode):
    """Validate pooling arguments; returns the window Geometry over the input's last dims."""
    kernel = pool_tuple(kernel_size, nsp, name, "kernel_size")
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        stride = kernel
    stride = pool_tuple(stride, nsp, name, "stride")
    pad = pool_tuple(padding, nsp, name, "padding")
    dil = pool_tuple(dilation, nsp, name, "dilation")
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
    kernel = pool_tuple(kernel_size, nsp, name, "kernel_size")
    stride = kernel if stride is None else pool_tuple(stride, nsp, name, "stride")
    pad = pool_tuple(padding, nsp, name, "padding")
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
    if len(size) == nsp + 2:
        size = size[2:]
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
