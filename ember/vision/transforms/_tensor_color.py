"""The tensor side of the color functionals, on (..., C, H, W) ember tensors, computed as
torchvision computes them (blends in float, then a truncating cast for integer images)."""

import numpy as np

from ember import _dtype, ops
from ember.vision.transforms._tensor_image import (
    array,
    check_channels,
    float_array,
    get_dimensions,
    max_value,
    truncating_wrap,
)

__all__ = []

_LUMA = (0.2989, 0.587, 0.114)  # ITU-R 601-2, with torchvision's rounding of the weights


def _gray_array(x, dtype):
    """Luma of RGB array ``x`` (..., 3, H, W) as (..., 1, H, W), cast as torchvision casts."""
    r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
    gray = (_LUMA[0] * r.astype(np.float32) + _LUMA[1] * g + _LUMA[2] * b)[..., None, :, :]
    return gray.astype(dtype, copy=False)


def rgb_to_grayscale(img, num_output_channels):
    """Luma of an RGB (or one-channel) image, one or three channels."""
    check_channels(img, [1, 3], "rgb_to_grayscale")
    x = array(img)
    gray = _gray_array(x, x.dtype) if get_dimensions(img)[0] == 3 else x.copy()
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, gray.shape[:-3] + (3,) + gray.shape[-2:])
    return ops.from_numpy(np.ascontiguousarray(gray))


def _blend(x1, x2, ratio, dtype):
    return truncating_wrap(ratio * x1 + (1.0 - ratio) * x2, dtype)


def adjust_brightness(img, factor):
    """Blend with black."""
    check_channels(img, [1, 3], "adjust_brightness")
    return _blend(float_array(img), 0.0, factor, img.dtype)


def adjust_contrast(img, factor):
    """Blend with the mean luma of each image."""
    check_channels(img, [3, 1], "adjust_contrast")
    x = array(img)
    compute = x.dtype if img.dtype.is_floating_point else np.float32
    gray = _gray_array(x, x.dtype) if get_dimensions(img)[0] == 3 else x
    dims = (-3, -2, -1) if x.ndim > 2 else (-2, -1)
    mean = gray.astype(compute).mean(axis=dims, keepdims=True)
    return _blend(x.astype(compute), mean, factor, img.dtype)


def adjust_saturation(img, factor):
    """Blend with the luma image; one-channel images are returned unchanged."""
    check_channels(img, [1, 3], "adjust_saturation")
    if get_dimensions(img)[0] == 1:
        return img
    x = array(img)
    compute = x.dtype if img.dtype.is_floating_point else np.float32
    return _blend(x.astype(compute), _gray_array(x, x.dtype).astype(compute), factor, img.dtype)


def _rgb_to_hsv(x):
    r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
    maxc, minc = x.max(axis=-3), x.min(axis=-3)
    equal = maxc == minc
    chroma = maxc - minc
    s = chroma / np.where(equal, 1.0, maxc)
    div = np.where(equal, 1.0, chroma)
    rc, gc, bc = (maxc - r) / div, (maxc - g) / div, (maxc - b) / div
    h = np.select([maxc == r, maxc == g], [bc - gc, 2.0 + rc - bc], 4.0 + gc - rc)
    h = np.fmod(h / 6.0 + 1.0, 1.0)
    return h.astype(x.dtype), s.astype(x.dtype), maxc


def _hsv_to_rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    sector = [i == k for k in range(6)]
    r = np.select(sector, [v, q, p, p, t, v])
    g = np.select(sector, [t, v, v, q, p, p])
    b = np.select(sector, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-3)


def adjust_hue(img, hue_factor):
    """Shift the hue in HSV space; one-channel images are returned unchanged."""
    check_channels(img, [1, 3], "adjust_hue")
    if get_dimensions(img)[0] == 1:
        return img
    x = array(img)
    if not img.dtype.is_floating_point:
        x = x.astype(np.float32) / max_value(img.dtype)
    h, s, v = _rgb_to_hsv(x)
    rgb = _hsv_to_rgb(np.mod(h + hue_factor, 1.0), s, v).astype(x.dtype)
    return _from_unit(rgb, img.dtype)


def _from_unit(x, dtype):
    """Float in [0, 1] to ``dtype`` as ``convert_image_dtype`` scales it."""
    if dtype.is_floating_point:
        return ops.from_numpy(np.ascontiguousarray(x.astype(dtype.np, copy=False)))
    # multiply by (max + 1 - eps) and truncate, so 1.0 maps to max and the bins are even
    scaled = x * (max_value(dtype) + 1.0 - 1e-3)
    return ops.from_numpy(np.ascontiguousarray(scaled.astype(dtype.np)))


def adjust_gamma(img, gamma, gain):
    """``gain * x ** gamma`` on the [0, 1] scale."""
    check_channels(img, [1, 3], "adjust_gamma")
    x = array(img)
    if not img.dtype.is_floating_point:
        x = x.astype(np.float32) / max_value(img.dtype)
    return _from_unit(np.clip(gain * x**gamma, 0.0, 1.0), img.dtype)


def _degenerate_sharpness(x, dtype):
    """The 3x3 smoothing (centre weight 5 of 13) inside the border; the border is kept."""
    kernel = np.ones((3, 3), np.float32)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    f = x.astype(np.float32) if not np.issubdtype(x.dtype, np.floating) else x
    windows = np.lib.stride_tricks.sliding_window_view(f, (3, 3), axis=(-2, -1))
    smooth = np.einsum("...ij,ij->...", windows, kernel.astype(f.dtype))
    if not dtype.is_floating_point:
        smooth = np.rint(smooth)
    out = f.copy()
    out[..., 1:-1, 1:-1] = smooth
    return out


def adjust_sharpness(img, factor):
    """Blend with a smoothed image; images of side 2 or less are returned unchanged."""
    check_channels(img, [1, 3], "adjust_sharpness")
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    x = array(img)
    compute = x.astype(x.dtype if img.dtype.is_floating_point else np.float32)
    return _blend(compute, _degenerate_sharpness(x, img.dtype), factor, img.dtype)


def posterize(img, bits):
    """Keep the ``bits`` high bits (uint8 images only)."""
    if img.dtype is not _dtype.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    check_channels(img, [1, 3], "posterize")
    mask = np.uint8((0xFF << (8 - bits)) & 0xFF)
    return ops.from_numpy(array(img) & mask)


def invert(img):
    """``max - x``."""
    check_channels(img, [1, 3], "invert")
    return ops.from_numpy(
        np.ascontiguousarray(max_value(img.dtype) - array(img)).astype(img.dtype.np)
    )


def solarize(img, threshold):
    """Invert the pixels at or above ``threshold``."""
    check_channels(img, [1, 3], "solarize")
    if threshold > max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    x = array(img)
    out = np.where(x >= threshold, max_value(img.dtype) - x, x).astype(x.dtype)
    return ops.from_numpy(np.ascontiguousarray(out))


def autocontrast(img):
    """Stretch each channel to the full range (constant channels are left as they are)."""
    check_channels(img, [1, 3], "autocontrast")
    x = array(img)
    bound = max_value(img.dtype)
    compute = x.dtype if img.dtype.is_floating_point else np.float32
    lo = x.min(axis=(-2, -1), keepdims=True).astype(compute)
    hi = x.max(axis=(-2, -1), keepdims=True).astype(compute)
    flat = hi == lo
    scale = bound / np.where(flat, 1.0, hi - lo).astype(compute)
    scale = np.where(flat, 1.0, scale).astype(compute)
    lo = np.where(flat, 0.0, lo).astype(compute)
    return truncating_wrap((x - lo) * scale, img.dtype)


def _equalize_channel(chan):
    hist = np.bincount(chan.ravel(), minlength=256)
    nonzero = hist[hist != 0]
    step = int(nonzero[:-1].sum()) // 255
    if step == 0:
        return chan
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255).astype(np.uint8)
    return lut[chan]


def equalize(img):
    """Histogram equalisation of each channel (uint8 images only), as Pillow's."""
    if img.dtype is not _dtype.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    check_channels(img, [1, 3], "equalize")
    x = array(img)
    flat = x.reshape(-1, *x.shape[-2:])
    out = np.stack([_equalize_channel(c) for c in flat]).reshape(x.shape)
    return ops.from_numpy(out)


def erase(img, i, j, h, w, v, inplace):
    """Set ``img[..., i:i+h, j:j+w]`` to ``v``."""
    if not inplace:
        img = img.clone()
    img[..., i : i + h, j : j + w] = v
    return img
