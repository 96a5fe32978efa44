"""Argument checks and geometry for convolutions, with PyTorch's error messages."""

from ember._dtype import SCALAR_NAMES
from ember.ops._windows import Geometry, tuple_arg

__all__ = ["conv_geometry", "conv_transpose_geometry", "unbatched", "squeeze0", "dims_str"]

_SHORT = {"float64": "double", "float32": "float", "float16": "Half", "bfloat16": "BFloat16"}


def dims_str(values):
    return " x ".join(str(v) for v in values)


def unbatched(input, nsp, name):
    """True when ``input`` is batched; raise PyTorch's error for a wrong number of dims."""
    if input.dim() == nsp + 2:
        return True
    if input.dim() == nsp + 1:
        return False
    raise RuntimeError(
        f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to {name}, but got "
        f"input of size: {list(input.shape)}"
    )


def squeeze0(out):
    return out.squeeze(0)


def _vector(value, nsp, name):
    try:
        return tuple_arg(value, nsp, name)
    except RuntimeError:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nsp} values to match "
            f"the convolution dimensions, but got {name}={list(value)}"
        ) from None


def _dtype_key(t):
    return str(t.dtype).split(".")[-1]


def _check_common(x, weight, bias, stride, dilation, groups, nsp, transposed):
    if weight.dim() != nsp + 2:
        if weight.dim() > x.dim():
            raise RuntimeError(
                f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
                f"{list(weight.shape)}, but got {x.dim()}-dimensional input of size "
                f"{list(x.shape)} instead"
            )
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {weight.dim() - 2} "
            f"values to match the convolution dimensions, but got stride={list(stride)}"
        )
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    w_shape = list(weight.shape)
    if w_shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{w_shape}] instead"
        )
    if not transposed and bias is not None and _dtype_key(bias) != _dtype_key(x):
        # PyTorch compares the bias's dtype first, then the weight's.
        raise RuntimeError(
            f"Input type ({_SHORT.get(_dtype_key(x), _dtype_key(x))}) and bias type "
            f"({_SHORT.get(_dtype_key(bias), _dtype_key(bias))}) should be the same"
        )
    if _dtype_key(x) != _dtype_key(weight):
        raise RuntimeError(
            f"expected scalar type {SCALAR_NAMES.get(_dtype_key(x), _dtype_key(x))} but found "
            f"{SCALAR_NAMES.get(_dtype_key(weight), _dtype_key(weight))}"
        )
    channels = w_shape[0] if transposed else w_shape[1] * groups
    if x.shape[1] != channels:
        prefix = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(
            f"Given {prefix}, weight of size {w_shape}, expected input{list(x.shape)} to have "
            f"{channels} channels, but got {x.shape[1]} channels instead"
        )
    if bias is not None:
        n_out = w_shape[1] * groups if transposed else w_shape[0]
        if bias.dim() != 1 or bias.shape[0] != n_out:
            prefix = "transposed=1, weight" if transposed else "weight"
            raise RuntimeError(
                f"Given {prefix} of size {w_shape}, expected bias to be 1-dimensional with "
                f"{n_out} elements, but got bias of size {list(bias.shape)} instead"
            )
        if _dtype_key(bias) != _dtype_key(x):
            raise RuntimeError(
                f"Input type ({_SHORT.get(_dtype_key(x), _dtype_key(x))}) and bias type "
                f"({_SHORT.get(_dtype_key(bias), _dtype_key(bias))}) should be the same"
            )


def _padding(padding, kernel, stride, dilation, nsp):
    """(lo, hi) per dim; 'same' pads the extra element of an odd total on the right."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * nsp, (0,) * nsp
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        total = [d * (k - 1) for d, k in zip(dilation, kernel)]
        lo = tuple(t // 2 for t in total)
        return lo, tuple(t - lo_ for t, lo_ in zip(total, lo))
    pad = _vector(padding, nsp, "padding")
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    return pad, pad


def conv_geometry(x, weight, bias, stride, padding, dilation, groups, nsp):
    """Validate a convolution's arguments; returns (Geometry, input)."""
    stride = _vector(stride, nsp, "stride")
    dilation = _vector(dilation, nsp, "dilation")
    _check_common(x, weight, bias, stride, dilation, groups, nsp, transposed=False)
    kernel = tuple(int(k) for k in weight.shape[2:])
    lo, hi = _padding(padding, kernel, stride, dilation, nsp)
    in_size = tuple(int(s) for s in x.shape[2:])
    padded = tuple(s + a + b for s, a, b in zip(in_size, lo, hi))
    eff = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({dims_str(padded)}). Kernel size: "
            f"({dims_str(eff)}). Kernel size can't be greater than actual input size"
        )
    out = tuple((p - e) // s + 1 for p, e, s in zip(padded, eff, stride))
    return Geometry(kernel, stride, dilation, lo, in_size, out), x


def conv_transpose_geometry(x, weight, bias, stride, padding, output_padding, groups, dilation,
                            nsp):  # fmt: skip
    """Validate a transposed convolution's arguments; returns the Geometry of the convolution
    whose input gradient it is (its ``in_size`` is the transposed convolution's output)."""
    stride = _vector(stride, nsp, "stride")
    dilation = _vector(dilation, nsp, "dilation")
    _check_common(x, weight, bias, stride, dilation, groups, nsp, transposed=True)
    if isinstance(padding, str):
        raise TypeError(
            f"conv_transpose{nsp}d(): argument 'padding' must be tuple of ints, not str"
        )
    pad = _vector(padding, nsp, "padding")
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    out_pad = _vector(output_padding, nsp, "output_padding")
    if any(op >= s and op >= d for op, s, d in zip(out_pad, stride, dilation)):
        # PyTorch runs the 1-d op as a 2-d one of height 1 (output_padding 0, stride 1).
        names = ("depth", "height", "width")[3 - max(nsp, 2) :]
        lead = ((0,), (1,), (1,)) if nsp == 1 else ((), (), ())
        parts = [f"output_padding_{n}: {v}" for n, v in zip(names, lead[0] + out_pad)]
        parts += [f"stride_{n}: {v}" for n, v in zip(names, lead[1] + stride)]
        parts += [f"dilation_{n}: {v}" for n, v in zip(names, lead[2] + dilation)]
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(parts)
        )
    kernel = tuple(int(k) for k in weight.shape[2:])
    in_size = tuple(int(s) for s in x.shape[2:])
    out = tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        for i, s, p, d, k, op in zip(in_size, stride, pad, dilation, kernel, out_pad)
    )
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: ({dims_str(in_size)}). Calculated output size per "
            f"channel: ({dims_str(out)}). Output size is too small"
        )
    return Geometry(kernel, stride, dilation, pad, out, in_size)
