"""``interpolate`` (and the deprecated ``upsample*``): nearest, nearest-exact, linear, bilinear,
trilinear, bicubic and area resizing of the spatial dims of (N, C, *spatial).

Note [separable interpolation]
Every mode is separable: resizing (H, W) is resizing H, then W. Along one dim, each output
position reads a few input positions (1 for nearest, 2 for linear, 4 for cubic, a window for
area) with fixed weights: a gather (``take_axis``) for nearest, a weighted gather
(``axis_taps``) otherwise. All are linear maps whose gradients are their transposes, so
gradients of every order come for free. The source positions follow PyTorch's kernels exactly
(``area_pixel_compute_source_index``), including the float32 arithmetic of the nearest modes
and the special cases for same and double sizes.

The taps (source indices and weights, one short vector per resized dim) are computed on the
host, where NumPy's float32 arithmetic reproduces PyTorch's CPU kernels; ``take_axis`` and
``axis_taps`` move them to the input's device once per call.
"""

import math
import warnings

import numpy as np

from ember._dtype import uint8
from ember.nn._functional.normalization import not_implemented_for
from ember.ops._axis_take import take_axis
from ember.ops._axis_taps import axis_taps

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_NDIM = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_CUBIC_A = -0.75  # PyTorch's bicubic coefficient


def _scale(in_size, out_size, scale_factor, align_corners, dtype):
    """Input positions per output position (PyTorch's area_pixel_compute_scale), in ``dtype``."""
    if align_corners:
        return dtype((in_size - 1) / (out_size - 1)) if out_size > 1 else dtype(0)
    if scale_factor is not None and scale_factor > 0:
        return dtype(1.0 / scale_factor)
    return dtype(in_size) / dtype(out_size)


def _source(in_size, out_size, scale_factor, align_corners, cubic, dtype):
    """Real source coordinate of each output position."""
    scale = _scale(in_size, out_size, scale_factor, align_corners, dtype)
    dst = np.arange(out_size, dtype=dtype)
    if align_corners:
        return scale * dst
    src = scale * (dst + dtype(0.5)) - dtype(0.5)
    return src if cubic else np.maximum(src, dtype(0))


def _nearest_taps(in_size, out_size, scale_factor, exact, shortcuts):
    # PyTorch's 2-d nearest kernels special-case same and double sizes, whatever the scale.
    if shortcuts and out_size == in_size:
        return [(np.arange(out_size), None)]
    if shortcuts and out_size == 2 * in_size:  # for nearest-exact this changes nothing
        return [(np.arange(out_size) >> 1, None)]
    # PyTorch computes nearest indices in float32, whatever the input's dtype.
    scale = _scale(in_size, out_size, scale_factor, False, np.float32)
    dst = np.arange(out_size, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    idx = np.floor(dst * scale).astype(np.int64)
    return [(np.minimum(idx, in_size - 1), None)]


def _linear_taps(in_size, out_size, scale_factor, align_corners, dtype):
    src = _source(in_size, out_size, scale_factor, align_corners, False, dtype)
    i0 = src.astype(np.int64)  # src >= 0, so truncation is floor
    i1 = np.where(i0 < in_size - 1, i0 + 1, i0)
    w1 = src - i0.astype(dtype)
    return [(i0, dtype(1) - w1), (i1, w1)]


def _cubic_taps(in_size, out_size, scale_factor, align_corners, dtype):
    src = _source(in_size, out_size, scale_factor, align_corners, True, dtype)
    i = np.floor(src)
    t = src - i
    a = dtype(_CUBIC_A)

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    i = i.astype(np.int64)
    return [(np.clip(i - 1 + k, 0, in_size - 1), w) for k, w in enumerate(weights)]


def _area_taps(in_size, out_size, dtype):
    """Adaptive average pooling along one dim: output o averages inputs [start, stop)."""
    o = np.arange(out_size)
    start = (o * in_size) // out_size
    stop = -((-(o + 1) * in_size) // out_size)  # ceil
    length = stop - start
    taps = []
    for k in range(int(length.max())):
        inside = k < length
        idx = np.where(inside, start + k, start)
        taps.append((idx, np.where(inside, 1.0 / length, 0.0).astype(dtype)))
    return taps


def _resize_dim(x, dim, taps):
    """``x`` resized along ``dim`` by ``taps`` (pairs of source index and weight arrays)."""
    if taps[0][1] is None:  # nearest: a plain gather
        return take_axis(x, taps[0][0], dim)
    return axis_taps(x, taps, dim)


def _output_size(input, size, scale_factor, mode, recompute_scale_factor):
    """(output sizes, scale factors or None), as torch.nn.functional.interpolate computes them."""
    dim = input.dim() - 2
    spatial = list(input.shape[2:])
    scales = None
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format."
                )
            if not all(isinstance(s, (int, np.integer)) for s in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types {[type(s) for s in size]}"
                )
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and "
                    f"scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "scale_factor in (s1, s2, ...,sK) format."
                )
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [math.floor(n * s) for n, s in zip(spatial, scales)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor or mode == "area":
        scales = None  # the kernels then use in/out, from the (floored) output size
    return out, scales


def _check_sizes(input, out):
    spatial = list(input.shape[2:])
    if any(n <= 0 for n in spatial + out):
        names = "DHW"[3 - len(out) :]
        ins = ", ".join(f"{c}: {n}" for c, n in zip(names, spatial))
        outs = ", ".join(f"{c}: {n}" for c, n in zip(names, out))
        sep = " and " if len(out) == 1 else " "
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got "
            f"input ({ins}){sep}output ({outs})"
        )
    if input.numel() == 0 and input.shape[0] != 0:
        raise RuntimeError(
            f"Non-empty {input.dim()}D data tensor expected but got a tensor with sizes "
            f"{list(input.shape)}"
        )


def _check_align_corners(mode, align_corners):
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the "
            "interpolating modes: linear | bilinear | bicubic | trilinear"
        )


def _check_kernel(input, mode, align_corners, antialias):
    """PyTorch's checks of mode, input rank and antialias, in its order."""
    if antialias:
        if not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
            raise ValueError(
                "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                "requires a 4-D tensor as input"
            )
        raise NotImplementedError("interpolate: antialias=True is not supported by ember")
    if mode == "lanczos" and input.dim() == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        raise ValueError("Lanczos mode requires antialias=True")
    need = _NDIM.get(mode)
    if need is not None and input.dim() in (3, 4, 5) and input.dim() != need:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need}D input")
    known = mode in _NDIM or mode in ("nearest", "nearest-exact", "area")
    if input.dim() not in (3, 4, 5) or not known:
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported"
            f" (got {input.dim()}D) for the modes: {_MODES} (got {mode})"
        )


def _check_dtype(input, mode):
    kernel = "nearest" if mode.startswith("nearest") else "linear"
    if input.is_floating_point() or (kernel == "nearest" and input.dtype == uint8):
        return
    raise not_implemented_for(f"compute_indices_weights_{kernel}", input.dtype)


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resize the spatial dims of (N, C, *spatial) to ``size`` or by ``scale_factor``; see
    Note [separable interpolation].

    Differences from PyTorch: ``antialias=True`` and the lanczos mode are not supported.
    """
    _check_align_corners(mode, align_corners)
    out_size, scales = _output_size(input, size, scale_factor, mode, recompute_scale_factor)
    _check_kernel(input, mode, align_corners, antialias)
    _check_sizes(input, out_size)
    _check_dtype(input, mode)
    dtype = np.float32 if input._data.dtype != np.float64 else np.float64
    x = input
    for i, (n, m) in enumerate(zip(input.shape[2:], out_size)):
        dim, sf = i + 2, None if scales is None else scales[i]
        if mode == "area":
            x = x if n == m else _resize_dim(x, dim, _area_taps(n, m, dtype))
        elif mode in ("nearest", "nearest-exact"):
            taps = _nearest_taps(n, m, sf, mode == "nearest-exact", input.dim() == 4)
            x = _resize_dim(x, dim, taps)
        elif mode == "bicubic":
            x = _resize_dim(x, dim, _cubic_taps(n, m, sf, bool(align_corners), dtype))
        elif n != m:  # PyTorch's linear kernels leave a dim of unchanged size as it is
            x = _resize_dim(x, dim, _linear_taps(n, m, sf, bool(align_corners), dtype))
    return input.clone() if x is input else x


def _deprecated(name):
    warnings.warn(
        f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=3,
    )


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of ``interpolate``."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
