"""Upsample, UpsamplingNearest2d, UpsamplingBilinear2d."""

from ember.nn._functional.upsampling import interpolate
from ember.nn.modules.module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resizes the spatial dims of its input with ``F.interpolate``.

    Shape:
        - Input: ``(N, C, W_in)``, ``(N, C, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same rank, each spatial dim ``size`` or ``floor(in * scale_factor)``.

    Differences from PyTorch: as ``F.interpolate``, the backward of nearest (1-d, 3-d) and
    bicubic resizes is the exact adjoint of the forward where PyTorch's backward takes a copy
    shortcut (see ``docs/differences.md``).

    Example::

        >>> import ember
        >>> ember.nn.Upsample(scale_factor=2, mode="nearest")(ember.zeros(1, 1, 2, 2)).shape
        ember.Size([1, 1, 4, 4])
    """

    def __init__(
        self,
        size=None,
        scale_factor=None,
        mode="nearest",
        align_corners=None,
        recompute_scale_factor=None,
    ):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def __setstate__(self, state):
        # Pickles from before recompute_scale_factor existed behaved as if it were True.
        state.setdefault("recompute_scale_factor", True)
        super().__setstate__(state)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of a (N, C, H, W) input.

    Shape:
        - Input: ``(N, C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)``, ``size`` or ``floor(in * scale_factor)``.
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of a (N, C, H, W) input, with ``align_corners=True``.

    Shape:
        - Input: ``(N, C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)``, ``size`` or ``floor(in * scale_factor)``.
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
