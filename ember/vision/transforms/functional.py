"""``ember.vision.transforms.functional``: torchvision's functional transforms, on PIL images
and on ember tensors ((..., C, H, W) or (H, W), uint8 or float); each returns the kind it got.

Differences from PyTorch: the tensor pixel kernels (resize, affine, rotate, perspective,
gaussian_blur and the color adjustments) compute with NumPy on detached arrays, so their
results do not carry autograd history; crops, flips, pad-free crops and ``normalize`` are ember
ops and do. ``RandomOrder`` and ``RandomChoice`` draw from Python's ``random``, as torchvision's.
"""

from ember.vision.transforms._elastic import elastic_transform
from ember.vision.transforms._functional_color import (
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    adjust_hue,
    adjust_saturation,
    adjust_sharpness,
    autocontrast,
    equalize,
    erase,
    gaussian_blur,
    invert,
    posterize,
    rgb_to_grayscale,
    solarize,
    to_grayscale,
)
from ember.vision.transforms._functional_convert import (
    convert_image_dtype,
    normalize,
    pil_to_tensor,
    to_pil_image,
    to_tensor,
)
from ember.vision.transforms._functional_geometry import (
    _compute_resized_output_size as _compute_resized_output_size,
)
from ember.vision.transforms._functional_geometry import (
    _get_perspective_coeffs as _get_perspective_coeffs,
)
from ember.vision.transforms._functional_geometry import (
    affine,
    center_crop,
    crop,
    five_crop,
    hflip,
    pad,
    perspective,
    resize,
    resized_crop,
    rotate,
    ten_crop,
    vflip,
)
from ember.vision.transforms._image_info import (
    get_dimensions,
    get_image_num_channels,
    get_image_size,
)
from ember.vision.transforms._modes import InterpolationMode
from ember.vision.transforms._modes import (
    _interpolation_modes_from_int as _interpolation_modes_from_int,
)
from ember.vision.transforms._pil import is_pil as _is_pil_image  # noqa: F401 (torchvision's name)
from ember.vision.transforms._tensor_geometry import (
    inverse_affine_matrix as _inverse_affine_matrix,
)

__all__ = [
    "InterpolationMode",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue",
    "adjust_saturation",
    "adjust_sharpness",
    "affine",
    "autocontrast",
    "center_crop",
    "convert_image_dtype",
    "crop",
    "elastic_transform",
    "equalize",
    "erase",
    "five_crop",
    "gaussian_blur",
    "get_dimensions",
    "get_image_num_channels",
    "get_image_size",
    "hflip",
    "invert",
    "normalize",
    "pad",
    "perspective",
    "pil_to_tensor",
    "posterize",
    "resize",
    "resized_crop",
    "rgb_to_grayscale",
    "rotate",
    "solarize",
    "ten_crop",
    "to_grayscale",
    "to_pil_image",
    "to_tensor",
    "vflip",
]


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """torchvision's private helper name, kept for code that calls it (inverse map only)."""
    if not inverted:
        raise NotImplementedError("_get_inverse_affine_matrix: only inverted=True is supported")
    return _inverse_affine_matrix(center, angle, translate, scale, shear)
