"""The PIL-image side of ``transforms.functional``: each kernel takes and returns a PIL image.

Geometry goes through Pillow's own resampling (``resize``, ``transform``, ``rotate``), as
torchvision does, so PIL results match torchvision's PIL results.
"""

import numbers

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

__all__ = []


def is_pil(img):
    """Whether ``img`` is a PIL image."""
    return isinstance(img, Image.Image)


def get_dimensions(img):
    """``[channels, height, width]`` of a PIL image."""
    width, height = img.size
    return [len(img.getbands()), height, width]


def parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill keyword for ``img``: one value per band, integers unless mode 'F'."""
    channels = get_dimensions(img)[0]
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * channels
        elif len(fill) != channels:
            raise ValueError(
                "The number of elements in 'fill' does not match the number of channels of the "
                f"image ({len(fill)} != {channels})"
            )
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(v) for v in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, left, top, right, bottom, fill, padding_mode):
    """Pad (negative amounts crop) with numpy's modes; the mode and palette are kept."""
    if min(left, top, right, bottom) < 0:
        w, h = img.size
        crop_l, crop_t = max(-left, 0), max(-top, 0)
        img = img.crop((crop_l, crop_t, w - max(-right, 0), h - max(-bottom, 0)))
        left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    if padding_mode == "constant":
        opts = parse_fill(fill, img, name="fill")
        out = Image.new(img.mode, (img.width + left + right, img.height + top + bottom))
        if img.mode == "P":
            out.putpalette(img.getpalette())
        out.paste(opts["fill"], (0, 0, out.width, out.height))
        out.paste(img, (left, top))
        return out
    palette = img.getpalette() if img.mode == "P" else None
    arr = np.asarray(img)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (arr.ndim - 2)
    out = Image.fromarray(np.pad(arr, widths, mode=padding_mode), mode=img.mode)
    if palette is not None:
        out.putpalette(palette)
    return out


def to_grayscale(img, num_output_channels):
    """ITU-R 601-2 luma through Pillow's 'L' conversion, one or three channels."""
    gray = img.convert("L")
    if num_output_channels == 3:
        return Image.merge("RGB", (gray, gray, gray))
    return gray


def adjust_brightness(img, factor):
    """Pillow's brightness enhancer."""
    return ImageEnhance.Brightness(img).enhance(factor)


def adjust_contrast(img, factor):
    """Pillow's contrast enhancer."""
    return ImageEnhance.Contrast(img).enhance(factor)


def adjust_saturation(img, factor):
    """Pillow's color (saturation) enhancer."""
    return ImageEnhance.Color(img).enhance(factor)


def adjust_sharpness(img, factor):
    """Pillow's sharpness enhancer."""
    return ImageEnhance.Sharpness(img).enhance(factor)


def adjust_hue(img, hue_factor):
    """Rotate the hue channel in Pillow's HSV space (uint8 hue, wrapping)."""
    if img.mode in {"L", "1", "I", "F"}:
        return img
    mode = img.mode
    h, s, v = img.convert("HSV").split()
    # The shift truncates toward zero and wraps around the uint8 hue circle, as torchvision's.
    shift = np.array(int(hue_factor * 255)).astype(np.uint8)
    h = Image.fromarray(np.asarray(h) + shift, "L")
    return Image.merge("HSV", (h, s, v)).convert(mode)


def adjust_gamma(img, gamma, gain):
    """Gamma through a lookup table on the RGB bands, as torchvision builds it."""
    mode = img.mode
    img = img.convert("RGB")
    table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
    return img.point(table).convert(mode)


def posterize(img, bits):
    """Keep the ``bits`` high bits of each channel."""
    return ImageOps.posterize(img, bits)


def solarize(img, threshold):
    """Invert the pixels at or above ``threshold``."""
    return ImageOps.solarize(img, threshold)


def affine(img, matrix, interpolation, fill):
    """Pillow's affine transform with ``matrix``, the inverse map in pixel coordinates."""
    return img.transform(
        img.size, Image.Transform.AFFINE, matrix[:6], interpolation, **parse_fill(fill, img)
    )


def perspective(img, coeffs, interpolation, fill):
    """Pillow's perspective transform with ``coeffs``, the inverse map."""
    return img.transform(
        img.size, Image.Transform.PERSPECTIVE, coeffs, interpolation, **parse_fill(fill, img)
    )


def rotate(img, angle, interpolation, expand, center, fill):
    """Pillow's rotate (counter-clockwise degrees)."""
    return img.rotate(angle, interpolation, expand, center, **parse_fill(fill, img))


def check_pad_fill(fill):
    """Pad's fill for PIL images is a number, a string (color name) or a tuple."""
    if not isinstance(fill, (numbers.Number, str, tuple)):
        raise TypeError("Got inappropriate fill arg")
