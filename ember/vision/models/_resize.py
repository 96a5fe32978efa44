"""The image operations of the classification preset: resize the shorter side (PIL, or
tensors with torchvision's antialiased filters), center crop, PIL image to tensor."""

import numpy as np

from ember._dtype import float32, uint8
from ember._tensor import Tensor
from ember.nn import functional as F
from ember.ops.creation import from_numpy

__all__ = ["center_crop", "pil_to_tensor", "resize"]

# Kernel support (half-width in input pixels at scale 1) of each interpolation.
_SUPPORT = {"bilinear": 1.0, "bicubic": 2.0}


def _output_size(h, w, size):
    """torchvision's rule: the shorter side becomes ``size[0]``, the longer keeps the ratio
    (truncated); two numbers are (height, width)."""
    if len(size) == 2:
        return list(size)
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size[0], int(size[0] * long / short)
    return [new_long, new_short] if w <= h else [new_short, new_long]


def resize(img, size, interpolation="bilinear", antialias=True):
    """Resize a PIL image or a (..., C, H, W) tensor so that its shorter side is ``size[0]``."""
    if interpolation not in ("nearest", "bilinear", "bicubic"):
        raise ValueError(f"resize: unsupported interpolation {interpolation!r}")
    if not isinstance(img, Tensor):
        w, h = img.size  # a PIL image; Pillow's filters always antialias, as in torchvision
        out_h, out_w = _output_size(h, w, size)
        if (out_h, out_w) == (h, w):
            return img
        from PIL import Image

        filters = {
            "nearest": Image.NEAREST,
            "bilinear": Image.BILINEAR,
            "bicubic": Image.BICUBIC,
        }
        return img.resize((out_w, out_h), filters[interpolation])
    if img.ndim < 3:
        raise ValueError(f"resize: expected a (..., C, H, W) tensor, got shape {tuple(img.shape)}")
    h, w = img.shape[-2:]
    out_h, out_w = _output_size(h, w, size)
    if (out_h, out_w) == (h, w):
        return img
    x = img.to(float32) if not img.is_floating_point() else img
    if interpolation == "nearest" or not antialias:
        batch = x.reshape(-1, *x.shape[-3:])
        out = F.interpolate(batch, size=(out_h, out_w), mode=interpolation)
        out = out.reshape(*x.shape[:-2], out_h, out_w)
    else:
        rows = _resample_matrix(h, out_h, interpolation, x)
        cols = _resample_matrix(w, out_w, interpolation, x)
        out = rows @ x @ cols.t()  # (out_h, H) @ (..., H, W) @ (W, out_w)
    if img.dtype == uint8:
        out = out.round().clamp(0, 255).to(uint8)
    return out


def _filter(x, interpolation):
    """The antialiasing filter at offsets ``x`` (in output-pixel units)."""
    x = np.abs(x)
    if interpolation == "bilinear":
        return np.maximum(0.0, 1.0 - x)
    a = -0.5  # the cubic of Pillow and of PyTorch's antialiased path (not the -0.75 of plain)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _resample_matrix(in_size, out_size, interpolation, like):
    """The (out_size, in_size) matrix of antialiased resampling weights along one axis."""
    # Note [antialiased resampling]
    # Output pixel i is centred at input coordinate scale * (i + 0.5). When shrinking, the
    # filter is stretched by the scale so that every input pixel contributes (that is the
    # antialiasing); the taps' weights are normalised to sum to one, which also handles the
    # borders. Pillow and PyTorch's ``interpolate(antialias=True)`` use the same construction.
    scale = in_size / out_size
    stretch = max(scale, 1.0)
    support = _SUPPORT[interpolation] * stretch
    weights = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), in_size)
        taps = _filter((np.arange(lo, hi) - center + 0.5) / stretch, interpolation)
        total = taps.sum()
        weights[i, lo:hi] = taps / total if total != 0.0 else taps
    return from_numpy(weights).to(like.dtype)


def center_crop(img, output_size):
    """Crop the centre ``output_size`` of a (..., C, H, W) tensor, zero-padding first when the
    image is smaller (torchvision's rounding of the offsets)."""
    crop_h, crop_w = (output_size[0], output_size[0]) if len(output_size) == 1 else output_size
    h, w = img.shape[-2:]
    if crop_h > h or crop_w > w:
        pad_w, pad_h = max(crop_w - w, 0), max(crop_h - h, 0)
        img = F.pad(img, (pad_w // 2, (pad_w + 1) // 2, pad_h // 2, (pad_h + 1) // 2))
        h, w = img.shape[-2:]
    top = int(round((h - crop_h) / 2.0))
    left = int(round((w - crop_w) / 2.0))
    return img[..., top : top + crop_h, left : left + crop_w]


def pil_to_tensor(pic):
    """A PIL image as a (C, H, W) tensor of its pixel values (uint8 for 8-bit modes)."""
    array = np.array(pic, copy=True)
    if array.ndim == 2:
        array = array[:, :, None]  # one channel: (H, W) -> (H, W, 1)
    return from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))
