"""``InterpolationMode``: the resampling filters the transforms accept, and their Pillow codes."""

from enum import Enum

from PIL import Image

__all__ = ["InterpolationMode"]


class InterpolationMode(Enum):
    """Interpolation modes, as ``torchvision.transforms.InterpolationMode``.

    Tensors support NEAREST, NEAREST_EXACT, BILINEAR and BICUBIC; PIL images support NEAREST,
    BILINEAR, BICUBIC, BOX, HAMMING and LANCZOS.
    """

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    # PIL-only modes
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_CODES = {
    InterpolationMode.NEAREST: Image.Resampling.NEAREST,
    InterpolationMode.BILINEAR: Image.Resampling.BILINEAR,
    InterpolationMode.BICUBIC: Image.Resampling.BICUBIC,
    InterpolationMode.BOX: Image.Resampling.BOX,
    InterpolationMode.HAMMING: Image.Resampling.HAMMING,
    InterpolationMode.LANCZOS: Image.Resampling.LANCZOS,
}
_FROM_INT = {int(code): mode for mode, code in _PIL_CODES.items()}


def _interpolation_modes_from_int(i):
    """The mode whose Pillow constant is ``i`` (for code written against old torchvision)."""
    if i not in _FROM_INT:
        raise ValueError(f"Unknown Pillow interpolation constant {i}")
    return _FROM_INT[i]


def _as_mode(interpolation):
    """``interpolation`` as an ``InterpolationMode``, accepting Pillow's integer constants."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    raise TypeError(
        "Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
        "constant"
    )


def _pil_code(interpolation, op):
    """The Pillow resampling constant for ``interpolation``, or a clear error for ``op``."""
    if interpolation not in _PIL_CODES:
        raise ValueError(
            f"{op}: interpolation mode {interpolation.value!r} is unsupported for PIL images"
        )
    return _PIL_CODES[interpolation]
