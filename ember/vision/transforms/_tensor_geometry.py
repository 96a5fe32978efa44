"""The tensor side of the geometric functionals: resize, pad, crop, flips and the grid
transforms (affine, rotate, perspective), on (..., C, H, W) or (H, W) ember tensors."""

import math

import numpy as np

from ember import ops
from ember.vision.transforms import _resample
from ember.vision.transforms._tensor_image import float_array, get_dimensions, wrap

__all__ = []


def resize(img, size, interpolation, antialias):
    """Resize the last two dimensions to ``size`` = [h, w]."""
    if interpolation not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(
            f"resize: interpolation mode {interpolation!r} is unsupported with Tensor input"
        )
    x = float_array(img)
    out = _resample.resize(x, size, interpolation, antialias)
    return wrap(out, img.dtype)


def pad(img, left, top, right, bottom, fill, padding_mode):
    """Pad the last two dimensions (negative amounts crop), with NumPy's pad modes."""
    x = img.detach().numpy()
    h, w = x.shape[-2:]
    # negative padding crops, as in PyTorch's F.pad
    x = x[..., max(-top, 0) : h - max(-bottom, 0), max(-left, 0) : w - max(-right, 0)]
    widths = [(0, 0)] * (x.ndim - 2) + [
        (max(top, 0), max(bottom, 0)),
        (max(left, 0), max(right, 0)),
    ]
    if padding_mode == "constant":
        out = np.pad(x, widths, mode="constant", constant_values=np.asarray(fill).astype(x.dtype))
    else:
        out = np.pad(x, widths, mode=padding_mode)
    return ops.from_numpy(np.ascontiguousarray(out))


def _check_fill(fill, channels, op):
    if isinstance(fill, (tuple, list)) and len(fill) not in (1, channels):
        raise ValueError(
            f"{op}: The number of elements in 'fill' cannot broadcast to match the number of "
            f"channels of the image ({len(fill)} != {channels})"
        )


def _check_grid_mode(interpolation, op):
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(
            f"{op}: Interpolation mode '{interpolation}' is unsupported with Tensor input"
        )


def _sample(img, src_x, src_y, interpolation, fill, op):
    """Run the sampling grid over ``img`` and return a tensor of the input's dtype."""
    channels = get_dimensions(img)[0]
    _check_grid_mode(interpolation, op)
    _check_fill(fill, channels, op)
    x = float_array(img)
    squeeze = x.ndim == 2
    if squeeze:
        x = x[None]
    out = _resample.grid_sample(x, src_x, src_y, interpolation, fill)
    return wrap(out[0] if squeeze else out, img.dtype)


def affine(img, matrix, interpolation, fill):
    """Apply the inverse affine ``matrix`` (about the image centre) to a tensor image."""
    _, h, w = get_dimensions(img)
    src_x, src_y = _resample.affine_grid(matrix, (h, w), (h, w))
    return _sample(img, src_x, src_y, interpolation, fill, "affine")


def expanded_size(matrix, w, h):
    """Output (w, h) that holds the whole rotated image, rounded as Pillow rounds it."""
    corners = np.array(
        [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]]
    )
    theta = np.array(matrix, np.float64).reshape(2, 3)
    # corners measured from the top-left corner, as Pillow measures them for its expand size
    pts = corners @ theta[:, :2].T + theta[:, 2] + np.array([0.5 * w, 0.5 * h])
    # Truncate to 1e-4 before ceil/floor so 1e-15 rounding noise does not add a pixel
    tol = 1e-4
    hi = np.ceil(np.trunc(pts.max(axis=0) / tol) * tol)
    lo = np.floor(np.trunc(pts.min(axis=0) / tol) * tol)
    size = hi - lo
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation, expand, fill):
    """Rotate by the inverse ``matrix``, optionally enlarging the canvas to hold the result."""
    _, h, w = get_dimensions(img)
    ow, oh = expanded_size(matrix, w, h) if expand else (w, h)
    src_x, src_y = _resample.affine_grid(matrix, (h, w), (oh, ow))
    return _sample(img, src_x, src_y, interpolation, fill, "rotate")


def perspective(img, coeffs, interpolation, fill):
    """Apply the inverse perspective ``coeffs`` to a tensor image."""
    _, h, w = get_dimensions(img)
    src_x, src_y = _resample.perspective_grid(coeffs, (h, w))
    return _sample(img, src_x, src_y, interpolation, fill, "perspective")


def gaussian_kernel1d(ksize, sigma):
    """Normalised Gaussian taps at integer offsets about the centre."""
    half = (ksize - 1) * 0.5
    x = np.linspace(-half, half, ksize)
    pdf = np.exp(-0.5 * (x / sigma) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma):
    """Separable Gaussian blur with reflect padding, as torchvision's conv2d on a padded image."""
    x = float_array(img)
    kx = gaussian_kernel1d(kernel_size[0], sigma[0]).astype(x.dtype)
    ky = gaussian_kernel1d(kernel_size[1], sigma[1]).astype(x.dtype)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    widths = [(0, 0)] * (x.ndim - 2) + [(py, py), (px, px)]
    x = np.pad(x, widths, mode="reflect")
    x = np.lib.stride_tricks.sliding_window_view(x, kernel_size[1], axis=-2) @ ky
    x = np.lib.stride_tricks.sliding_window_view(x, kernel_size[0], axis=-1) @ kx
    return wrap(x, img.dtype)


def inverse_affine_matrix(center, angle, translate, scale, shear):
    """Inverse of translate(T) . translate(C) . rotate-scale-shear . translate(-C), as the
    six coefficients [a, b, c, d, e, f] that map output to input positions.

    Angles are clockwise degrees on screen (y pointing down); shear is (x, y) in degrees.
    """
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation-shear matrix [[a, b], [c, d]] without scale; its determinant is 1
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
    m[2] = m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] = m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def elastic(img, displacement, interpolation, fill):
    """Move each pixel by ``displacement`` (1, H, W, 2), in grid_sample's [-1, 1] units."""
    _, h, w = get_dimensions(img)
    d = displacement.detach().numpy().astype(np.float64)[0]
    gy, gx = np.meshgrid(
        np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij"
    )
    # a normalised offset of 2 spans the whole side
    src_x, src_y = gx + d[..., 0] * (w / 2), gy + d[..., 1] * (h / 2)
    return _sample(img, src_x, src_y, interpolation, fill, "elastic_transform")
