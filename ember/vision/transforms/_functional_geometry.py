"""Geometric functionals on PIL images and tensors: resize, crops, pad, flips, affine, rotate,
perspective, and the crops that return several images."""

import numbers

import numpy as np

from ember.vision.transforms import _pil, _tensor_geometry
from ember.vision.transforms._image_info import check_image_type, get_dimensions
from ember.vision.transforms._modes import InterpolationMode, _as_mode, _pil_code

__all__ = [
    "affine",
    "center_crop",
    "crop",
    "five_crop",
    "hflip",
    "pad",
    "perspective",
    "resize",
    "resized_crop",
    "rotate",
    "ten_crop",
    "vflip",
]


def _compute_resized_output_size(image_size, size, max_size=None):
    """[h, w] after resizing: a one-element ``size`` sets the shorter edge, keeping the ratio."""
    h, w = image_size
    if size is not None and len(size) == 2:
        return [size[0], size[1]]
    short, long = (w, h) if w <= h else (h, w)
    if size is None:  # only the longer edge is bounded
        new_long = max_size
        new_short = int(max_size * short / long)
    else:
        new_short = size[0]
        new_long = int(new_short * long / short)
        if max_size is not None:
            if max_size <= new_short:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested size for "
                    f"the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if w <= h else [new_short, new_long]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ([h, w], or the shorter edge for an int or one-element sequence).

    Differences from PyTorch: tensor resizes compute in float32 (float64 for float64 images)
    with separable filter matrices; uint8 results are rounded from that and may differ from
    PyTorch's fixed-point uint8 kernels by one level.
    """
    check_image_type(img, "resize")
    interpolation = _as_mode(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(
                f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                "tuple/list"
            )
        if max_size is not None and len(size) != 1:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the smaller "
                "edge, i.e. size should be an int or a sequence of length 1 in torchscript mode."
            )
    elif isinstance(size, int):
        size = [size]
    elif size is None:
        if max_size is None:
            raise ValueError("resize: size can be None only if max_size is set")
    else:
        raise TypeError(f"Size should be int or sequence. Got {type(size)}")
    _, h, w = get_dimensions(img)
    out_size = _compute_resized_output_size((h, w), size, max_size)
    if [h, w] == out_size:
        return img
    if _pil.is_pil(img):
        return img.resize(tuple(out_size[::-1]), _pil_code(interpolation, "resize"))
    return _tensor_geometry.resize(img, out_size, interpolation.value, bool(antialias))


def crop(img, top, left, height, width):
    """The ``height`` x ``width`` region at (top, left); outside the image is zero."""
    check_image_type(img, "crop")
    if _pil.is_pil(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding = [
            max(-left + min(0, right), 0),
            max(-top + min(0, bottom), 0),
            max(right - max(w, left), 0),
            max(bottom - max(h, top), 0),
        ]
        inner = img[..., max(top, 0) : bottom, max(left, 0) : right]
        return _tensor_geometry.pad(inner, *padding, fill=0, padding_mode="constant")
    return img[..., top:bottom, left:right]


def _pair(size, name):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return size[0], size[1]
    raise ValueError(f"{name}: Please provide only two dimensions (h, w) for size.")


def center_crop(img, output_size):
    """The centred crop of ``output_size``, zero-padded where the image is smaller."""
    crop_h, crop_w = _pair(output_size, "center_crop")
    _, h, w = get_dimensions(img)
    if crop_w > w or crop_h > h:
        padding = [
            (crop_w - w) // 2 if crop_w > w else 0,
            (crop_h - h) // 2 if crop_h > h else 0,
            (crop_w - w + 1) // 2 if crop_w > w else 0,
            (crop_h - h + 1) // 2 if crop_h > h else 0,
        ]
        img = pad(img, padding, fill=0)
        _, h, w = get_dimensions(img)
        if crop_w == w and crop_h == h:
            return img
    top = int(round((h - crop_h) / 2.0))
    left = int(round((w - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def resized_crop(
    img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True
):
    """Crop, then resize to ``size``."""
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def _parse_padding(padding):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(
            f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element "
            "tuple"
        )
    if isinstance(padding, numbers.Number):
        padding = [padding]
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return padding


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad each border: an int, (left/right, top/bottom) or (left, top, right, bottom)."""
    check_image_type(img, "pad")
    left, top, right, bottom = _parse_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if _pil.is_pil(img):
        _pil.check_pad_fill(fill)
        return _pil.pad(img, left, top, right, bottom, fill, padding_mode)
    if not isinstance(fill, numbers.Number):
        raise TypeError(f"pad: fill must be a number for tensor images, got {type(fill)}")
    return _tensor_geometry.pad(img, left, top, right, bottom, fill, padding_mode)


def hflip(img):
    """Flip left to right."""
    check_image_type(img, "hflip")
    if _pil.is_pil(img):
        return img.transpose(_pil.Image.Transpose.FLIP_LEFT_RIGHT)
    return img.flip(-1)


def vflip(img):
    """Flip top to bottom."""
    check_image_type(img, "vflip")
    if _pil.is_pil(img):
        return img.transpose(_pil.Image.Transpose.FLIP_TOP_BOTTOM)
    return img.flip(-2)


def five_crop(img, size):
    """The four corner crops and the centre crop, in that order (tl, tr, bl, br, centre)."""
    crop_h, crop_w = _pair(size, "five_crop")
    _, h, w = get_dimensions(img)
    if crop_w > w or crop_h > h:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    tl = crop(img, 0, 0, crop_h, crop_w)
    tr = crop(img, 0, w - crop_w, crop_h, crop_w)
    bl = crop(img, h - crop_h, 0, crop_h, crop_w)
    br = crop(img, h - crop_h, w - crop_w, crop_h, crop_w)
    return tl, tr, bl, br, center_crop(img, [crop_h, crop_w])


def ten_crop(img, size, vertical_flip=False):
    """``five_crop`` of the image and of its (horizontal or vertical) flip."""
    size = _pair(size, "ten_crop")
    flipped = vflip(img) if vertical_flip else hflip(img)
    return five_crop(img, size) + five_crop(flipped, size)


def _fill_for_tensor(fill):
    if fill is None or isinstance(fill, (list, tuple)):
        return None if fill is None else [float(f) for f in fill]
    return [float(fill)]


def affine(
    img,
    angle,
    translate,
    scale,
    shear,
    interpolation=InterpolationMode.NEAREST,
    fill=None,
    center=None,
):
    """Rotate (clockwise degrees), scale, shear and translate about ``center``."""
    check_image_type(img, "affine")
    interpolation = _as_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    if not isinstance(shear, (list, tuple)) or len(shear) not in (1, 2):
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    shear = [float(shear[0]), float(shear[0] if len(shear) == 1 else shear[1])]
    _, h, w = get_dimensions(img)
    if _pil.is_pil(img):
        # Pillow's origin is the top-left corner: rotate about the centre w/2, h/2 (no half-pixel
        # shift, which keeps a 90-degree rotation aligned with rot90)
        center = [w * 0.5, h * 0.5] if center is None else center
        matrix = _tensor_geometry.inverse_affine_matrix(center, angle, translate, scale, shear)
        return _pil.affine(img, matrix, _pil_code(interpolation, "affine"), fill)
    # tensor grids measure from the image centre
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (w, h))]
    translate_f = [float(t) for t in translate]
    matrix = _tensor_geometry.inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    return _tensor_geometry.affine(img, matrix, interpolation.value, _fill_for_tensor(fill))


def rotate(
    img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None
):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default the centre)."""
    check_image_type(img, "rotate")
    interpolation = _as_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if _pil.is_pil(img):
        code = _pil_code(interpolation, "rotate")
        return _pil.rotate(img, angle, code, expand, center, fill)
    _, h, w = get_dimensions(img)
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (w, h))]
    # the affine matrix turns clockwise; rotate turns counter-clockwise
    matrix = _tensor_geometry.inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return _tensor_geometry.rotate(img, matrix, interpolation.value, expand, _fill_for_tensor(fill))


def _get_perspective_coeffs(startpoints, endpoints):
    """The 8 coefficients of the perspective map from ``endpoints`` back to ``startpoints``."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(
            f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
            f"{len(endpoints)} endpoints."
        )
    a = np.zeros((8, 8), np.float64)
    for i, ((x, y), (u, v)) in enumerate(zip(endpoints, startpoints)):
        a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y]
        a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y]
    b = np.asarray(startpoints, np.float64).reshape(8)
    coeffs = np.linalg.lstsq(a, b, rcond=None)[0]
    return [float(c) for c in coeffs.astype(np.float32)]


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so that the four ``startpoints`` land on the four ``endpoints`` ([x, y] each)."""
    check_image_type(img, "perspective")
    interpolation = _as_mode(interpolation)
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    if _pil.is_pil(img):
        return _pil.perspective(img, coeffs, _pil_code(interpolation, "perspective"), fill)
    return _tensor_geometry.perspective(img, coeffs, interpolation.value, _fill_for_tensor(fill))
