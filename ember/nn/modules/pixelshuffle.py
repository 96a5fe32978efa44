"""PixelShuffle and PixelUnshuffle."""

from ember.nn._functional.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from ember.nn.modules.module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r), r = ``upscale_factor``.

    Shape:
        - Input: ``(*, C * r^2, H, W)``.
        - Output: ``(*, C, H * r, W * r)``.
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W), r = ``downscale_factor``.

    Shape:
        - Input: ``(*, C, H * r, W * r)``.
        - Output: ``(*, C * r^2, H, W)``.
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
