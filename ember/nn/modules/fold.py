"""Fold and Unfold: col2im and im2col as layers."""

from ember.nn._functional.fold import fold, unfold
from ember.nn.modules.module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """Sums sliding blocks (N, C * prod(kernel_size), L) into an image (N, C, *output_size).

    Shape:
        - Input: ``(N, C * prod(kernel_size), L)`` or ``(C * prod(kernel_size), L)``, where ``L``
          is the number of blocks that fit in ``output_size``.
        - Output: ``(N, C, *output_size)`` or ``(C, *output_size)``.
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return fold(
            input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self):
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )


class Unfold(Module):
    """Extracts sliding blocks of an image (N, C, H, W) as columns (N, C * prod(kernel), L).

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: ``(N, C * prod(kernel_size), L)``, ``L`` the number of block positions:
          the product over spatial dims of
          ``floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``.
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
            f"stride={self.stride}"
        )
