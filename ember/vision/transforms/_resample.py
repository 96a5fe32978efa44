"""NumPy resampling for tensor images: separable resize weights and inverse-mapped grids.

Note [sampling coordinates]
Pixel ``j`` covers ``[j, j + 1)``, so its centre is ``j + 0.5``. Resize maps output centres to
``(i + 0.5) * in / out`` (PyTorch's ``align_corners=False``); grid transforms (affine, rotate,
perspective) give, for each output pixel, the source position in index units, where sample
``k`` sits at ``k`` exactly, as ``grid_sample(..., align_corners=False)`` unnormalises.
"""

import numpy as np

__all__ = []


def _triangle(x):
    return np.maximum(1.0 - np.abs(x), 0.0)


def _cubic(x, a):
    # Keys' cubic convolution kernel; a = -0.75 is PyTorch's bicubic, -0.5 Pillow's (antialias)
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return np.where(x <= 1.0, near, np.where(x < 2.0, far, 0.0))


def nearest_index(in_size, out_size, exact):
    """Source index of each output sample for 'nearest' (floor) or 'nearest-exact' (centre)."""
    scale = np.float32(in_size) / np.float32(out_size)  # PyTorch computes the scale in float32
    pos = np.arange(out_size, dtype=np.float32) + np.float32(0.5 if exact else 0.0)
    return np.minimum(np.floor(pos * scale).astype(np.int64), in_size - 1)


def resize_matrix(in_size, out_size, mode, antialias, dtype):
    """``(out_size, in_size)`` matrix of the linear or cubic taps of each output sample.

    With ``antialias`` the filter widens by the downscale factor and border taps are dropped
    and the rest renormalised (Pillow's and PyTorch's antialiased resize); without it, linear
    taps are clamped at the border and cubic taps replicate the edge, as PyTorch's interpolate.
    """
    scale = in_size / out_size
    stretch = max(scale, 1.0) if antialias else 1.0
    radius = (1.0 if mode == "bilinear" else 2.0) * stretch
    centres = (np.arange(out_size) + 0.5) * scale
    first = np.floor(centres - radius).astype(np.int64)
    taps = first[:, None] + np.arange(int(np.ceil(2 * radius)) + 2)
    dist = (taps + 0.5 - centres[:, None]) / stretch
    if mode == "bilinear":
        weights = _triangle(dist)
    else:
        weights = _cubic(dist, -0.5 if antialias else -0.75)
    inside = (taps >= 0) & (taps < in_size)
    if antialias or mode == "bilinear":
        weights = np.where(inside, weights, 0.0)
        weights /= weights.sum(axis=1, keepdims=True)
    out = np.zeros((out_size, in_size), np.float64)
    rows = np.broadcast_to(np.arange(out_size)[:, None], taps.shape)
    np.add.at(out, (rows, np.clip(taps, 0, in_size - 1)), weights)
    return out.astype(dtype)


def resize(x, size, mode, antialias):
    """Resize the last two axes of float array ``x`` to ``size`` = (h, w)."""
    (h, w), (oh, ow) = x.shape[-2:], size
    if mode in ("nearest", "nearest-exact"):
        exact = mode == "nearest-exact"
        rows, cols = nearest_index(h, oh, exact), nearest_index(w, ow, exact)
        return x[..., rows[:, None], cols]
    mh = resize_matrix(h, oh, mode, antialias, x.dtype)
    mw = resize_matrix(w, ow, mode, antialias, x.dtype)
    return np.matmul(np.matmul(mh, x), mw.T)


def _taps(x, yi, xi):
    """Samples ``x[..., yi, xi]`` where in range, and the in-range mask."""
    h, w = x.shape[-2:]
    inside = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1)
    flat = np.clip(yi, 0, h - 1).astype(np.intp) * w + np.clip(xi, 0, w - 1).astype(np.intp)
    # one take along the flattened plane is several times faster than 2-d fancy indexing
    vals = np.take(x.reshape(x.shape[:-2] + (h * w,)), flat.ravel(), axis=-1)
    return vals.reshape(x.shape[:-2] + flat.shape), inside


def grid_sample(x, src_x, src_y, mode, fill):
    """Sample float ``x`` (..., C, H, W) at source positions ``src_x``/``src_y`` (oh, ow).

    Outside the image the result is zero, or ``fill`` (one value, or one per channel): for
    bilinear the fill is blended by the in-image weight, as torchvision's mask channel does.
    """
    if mode == "nearest":
        # grid_sample rounds half to even, as np.rint
        out, inside = _taps(x, np.rint(src_y), np.rint(src_x))
        mask = inside.astype(x.dtype)
        out = out * mask
    else:
        x0, y0 = np.floor(src_x), np.floor(src_y)
        fx, fy = (src_x - x0).astype(x.dtype), (src_y - y0).astype(x.dtype)
        out = np.zeros(x.shape[:-2] + src_x.shape, x.dtype)
        mask = np.zeros(src_x.shape, x.dtype)
        for dy, wy in ((0, 1 - fy), (1, fy)):
            for dx, wx in ((0, 1 - fx), (1, fx)):
                vals, inside = _taps(x, y0 + dy, x0 + dx)
                weight = wy * wx * inside
                out += vals * weight
                mask += weight
    if fill is None:
        return out
    fill = np.asarray(fill, x.dtype).reshape(-1, 1, 1)
    if mode == "nearest":
        return np.where(mask < 0.5, fill, out)
    return out * mask + (1.0 - mask) * fill


def affine_grid(matrix, in_size, out_size):
    """Source positions for each output pixel under the inverse affine ``matrix`` (2x3, about
    the image centre), for an input of ``in_size`` and an output of ``out_size`` (h, w)."""
    (h, w), (oh, ow) = in_size, out_size
    ys = np.arange(oh, dtype=np.float64) - (oh - 1) / 2
    xs = np.arange(ow, dtype=np.float64) - (ow - 1) / 2
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    a, b, c, d, e, f = matrix
    return a * gx + b * gy + c + (w - 1) / 2, d * gx + e * gy + f + (h - 1) / 2


def perspective_grid(coeffs, size):
    """Source positions for each output pixel under the inverse perspective ``coeffs``."""
    oh, ow = size
    gy, gx = np.meshgrid(np.arange(oh) + 0.5, np.arange(ow) + 0.5, indexing="ij")
    a, b, c, d, e, f, g, h = coeffs
    den = g * gx + h * gy + 1.0
    return (a * gx + b * gy + c) / den - 0.5, (d * gx + e * gy + f) / den - 0.5
