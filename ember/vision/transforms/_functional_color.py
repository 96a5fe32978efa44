"""Color functionals on PIL images and tensors: brightness, contrast, saturation, hue, gamma,
sharpness, grayscale, posterize, solarize, autocontrast, equalize, invert, blur, erase."""

import numbers

from PIL import ImageOps

from ember._tensor import Tensor
from ember.vision.transforms import _pil, _tensor_color, _tensor_geometry
from ember.vision.transforms._functional_convert import pil_to_tensor, to_pil_image
from ember.vision.transforms._image_info import check_image_type

__all__ = [
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue",
    "adjust_saturation",
    "adjust_sharpness",
    "autocontrast",
    "equalize",
    "erase",
    "gaussian_blur",
    "invert",
    "posterize",
    "rgb_to_grayscale",
    "solarize",
    "to_grayscale",
]


def _check_factor(value, name):
    if value < 0:
        raise ValueError(f"{name} ({value}) is not non-negative.")


def adjust_brightness(img, brightness_factor):
    """Scale the brightness: 0 gives black, 1 the original."""
    check_image_type(img, "adjust_brightness")
    _check_factor(brightness_factor, "brightness_factor")
    if _pil.is_pil(img):
        return _pil.adjust_brightness(img, brightness_factor)
    return _tensor_color.adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Scale the contrast about the mean gray: 0 gives a gray image, 1 the original."""
    check_image_type(img, "adjust_contrast")
    _check_factor(contrast_factor, "contrast_factor")
    if _pil.is_pil(img):
        return _pil.adjust_contrast(img, contrast_factor)
    return _tensor_color.adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Scale the saturation: 0 gives the gray image, 1 the original."""
    check_image_type(img, "adjust_saturation")
    _check_factor(saturation_factor, "saturation_factor")
    if _pil.is_pil(img):
        return _pil.adjust_saturation(img, saturation_factor)
    return _tensor_color.adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor):
    """Rotate the hue by ``hue_factor`` turns, in [-0.5, 0.5].

    Differences from PyTorch: none intended; PIL images go through Pillow's HSV, tensors
    through float HSV, as in torchvision, so the two paths differ slightly from each other.
    """
    check_image_type(img, "adjust_hue")
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if _pil.is_pil(img):
        return _pil.adjust_hue(img, hue_factor)
    return _tensor_color.adjust_hue(img, hue_factor)


def adjust_gamma(img, gamma, gain=1):
    """``gain * x ** gamma`` on the [0, 1] intensity scale."""
    check_image_type(img, "adjust_gamma")
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    if _pil.is_pil(img):
        return _pil.adjust_gamma(img, gamma, gain)
    return _tensor_color.adjust_gamma(img, gamma, gain)


def adjust_sharpness(img, sharpness_factor):
    """Blend with a smoothed image: 0 blurs, 1 is the original, 2 sharpens."""
    check_image_type(img, "adjust_sharpness")
    _check_factor(sharpness_factor, "sharpness_factor")
    if _pil.is_pil(img):
        return _pil.adjust_sharpness(img, sharpness_factor)
    return _tensor_color.adjust_sharpness(img, sharpness_factor)


def rgb_to_grayscale(img, num_output_channels=1):
    """ITU-R 601-2 luma (L = 0.299 R + 0.587 G + 0.114 B), with 1 or 3 output channels."""
    check_image_type(img, "rgb_to_grayscale")
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _pil.is_pil(img):
        return _pil.to_grayscale(img, num_output_channels)
    return _tensor_color.rgb_to_grayscale(img, num_output_channels)


def to_grayscale(img, num_output_channels=1):
    """``rgb_to_grayscale`` for PIL images."""
    if not _pil.is_pil(img):
        raise TypeError(f"Input should be PIL Image. Got {type(img)}")
    return rgb_to_grayscale(img, num_output_channels)


def posterize(img, bits):
    """Keep the ``bits`` (0 to 8) high bits of each channel."""
    check_image_type(img, "posterize")
    if not (isinstance(bits, int) and 0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if _pil.is_pil(img):
        return _pil.posterize(img, bits)
    return _tensor_color.posterize(img, bits)


def solarize(img, threshold):
    """Invert the pixels at or above ``threshold``."""
    check_image_type(img, "solarize")
    if _pil.is_pil(img):
        return _pil.solarize(img, threshold)
    return _tensor_color.solarize(img, threshold)


def autocontrast(img):
    """Stretch each channel so its darkest pixel is black and its lightest white."""
    check_image_type(img, "autocontrast")
    if _pil.is_pil(img):
        return ImageOps.autocontrast(img)
    return _tensor_color.autocontrast(img)


def equalize(img):
    """Equalise each channel's histogram."""
    check_image_type(img, "equalize")
    if _pil.is_pil(img):
        return ImageOps.equalize(img)
    return _tensor_color.equalize(img)


def invert(img):
    """Invert the colors."""
    check_image_type(img, "invert")
    if _pil.is_pil(img):
        return ImageOps.invert(img)
    return _tensor_color.invert(img)


def gaussian_blur(img, kernel_size, sigma=None):
    """Gaussian blur with odd ``kernel_size`` ([kx, ky]) and ``sigma`` ([sx, sy]), reflect
    padding; a None sigma is ``0.15 * k + 0.35`` per axis."""
    check_image_type(img, "gaussian_blur")
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(
            f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}"
        )
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(
            f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}"
        )
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(
                f"kernel_size should have odd and positive integers. Got {kernel_size}"
            )
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if _pil.is_pil(img):
        # PIL images are blurred through the tensor kernel, as torchvision does
        out = _tensor_geometry.gaussian_blur(pil_to_tensor(img), kernel_size, sigma)
        return to_pil_image(out, mode=img.mode)
    return _tensor_geometry.gaussian_blur(img, kernel_size, sigma)


def erase(img, i, j, h, w, v, inplace=False):
    """Set the ``h`` x ``w`` region at (i, j) of a tensor image to ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not isinstance(v, (Tensor, numbers.Number)):
        raise TypeError(f"erase: v should be a Tensor or a number. Got {type(v)}")
    return _tensor_color.erase(img, i, j, h, w, v, inplace)
