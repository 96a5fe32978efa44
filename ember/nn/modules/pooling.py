"""Pooling layers: max, average, Lp, adaptive max/average and max-unpooling, in 1-3 dims."""

from ember.nn._functional import pooling as _lp
from ember.nn.modules.module import Module
from ember.ops import pooling as _pool

__all__ = [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
]


def _ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _MaxPoolNd(Module):
    _pool = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self)._pool(
            input, self.kernel_size, self.stride, self.padding, self.dilation,
            ceil_mode=self.ceil_mode, return_indices=self.return_indices,
        )  # fmt: skip

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling over (N, C, L) or (C, L) input.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (``ceil`` with ``ceil_mode=True``); indices, if returned, have the output's shape.
    """

    _pool = staticmethod(_pool.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling over (N, C, H, W) or (C, H, W) input.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (``ceil`` with ``ceil_mode=True``); indices, if returned, have the output's shape.

    Example::

        >>> import ember
        >>> ember.nn.MaxPool2d(2)(ember.randn(1, 3, 8, 8)).shape
        ember.Size([1, 3, 4, 4])
    """

    _pool = staticmethod(_pool.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W) input.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (``ceil`` with ``ceil_mode=True``); indices, if returned, have the output's shape.
    """

    _pool = staticmethod(_pool.max_pool3d)


class _MaxUnpoolNd(Module):
    _nsp = 0
    _unpool = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self._nsp)
        self.stride = _ntuple(stride if stride is not None else kernel_size, self._nsp)
        self.padding = _ntuple(padding, self._nsp)

    def forward(self, input, indices, output_size=None):
        return type(self)._unpool(
            input, indices, self.kernel_size, self.stride, self.padding, output_size
        )

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d (non-maximal positions are zero).

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out = (in - 1) * stride - 2 * padding + kernel_size``, or ``output_size``; ``indices``
          has the input's shape.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order (PyTorch's multi-threaded check may name another).
    """

    _nsp = 1
    _unpool = staticmethod(_pool.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d (non-maximal positions are zero).

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out = (in - 1) * stride - 2 * padding + kernel_size``, or ``output_size``; ``indices``
          has the input's shape.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order (PyTorch's multi-threaded check may name another).
    """

    _nsp = 2
    _unpool = staticmethod(_pool.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d (non-maximal positions are zero).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim
          ``out = (in - 1) * stride - 2 * padding + kernel_size``, or ``output_size``; ``indices``
          has the input's shape.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order (PyTorch's multi-threaded check may name another).
    """

    _nsp = 3
    _unpool = staticmethod(_pool.max_unpool3d)


class _AvgPoolNd(Module):
    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """1-D average pooling over (N, C, L) or (C, L) input.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out = floor((in + 2 * padding - kernel_size) / stride + 1)`` (``ceil`` with
          ``ceil_mode=True``).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):  # fmt: skip
        super().__init__()
        # PyTorch stores the 1-d arguments as 1-tuples (and the 2-d/3-d ones as given).
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return _pool.avg_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad,
        )  # fmt: skip


class _AvgPoolNdOverride(_AvgPoolNd):
    _pool = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return type(self)._pool(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip


class AvgPool2d(_AvgPoolNdOverride):
    """2-D average pooling over (N, C, H, W) or (C, H, W) input.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out = floor((in + 2 * padding - kernel_size) / stride + 1)`` (``ceil`` with
          ``ceil_mode=True``).
    """

    _pool = staticmethod(_pool.avg_pool2d)


class AvgPool3d(_AvgPoolNdOverride):
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W) input.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim
          ``out = floor((in + 2 * padding - kernel_size) / stride + 1)`` (``ceil`` with
          ``ceil_mode=True``).
    """

    _pool = staticmethod(_pool.avg_pool3d)


class _LPPoolNd(Module):
    _pool = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self)._pool(
            input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode
        )

    def extra_repr(self):
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """1-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out = floor((in - kernel_size) / stride + 1)`` (``ceil`` with ``ceil_mode=True``).
    """

    _pool = staticmethod(_lp.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """2-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out = floor((in - kernel_size) / stride + 1)`` (``ceil`` with ``ceil_mode=True``).
    """

    _pool = staticmethod(_lp.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """3-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim
          ``out = floor((in - kernel_size) / stride + 1)`` (``ceil`` with ``ceil_mode=True``).
    """

    _pool = staticmethod(_lp.lp_pool3d)


class _AdaptiveMaxPoolNd(Module):
    _pool = None

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):
        return type(self)._pool(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output length.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out`` is ``output_size``.
    """

    _pool = staticmethod(_pool.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed (H, W) output size (None keeps that dim).

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out`` is ``output_size``.
    """

    _pool = staticmethod(_pool.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed (D, H, W) output size (None keeps that dim).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim ``out`` is ``output_size``.
    """

    _pool = staticmethod(_pool.adaptive_max_pool3d)


class _AdaptiveAvgPoolNd(Module):
    _pool = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return type(self)._pool(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output length.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, where along each spatial dim
          ``out`` is ``output_size``.
    """

    _pool = staticmethod(_pool.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed (H, W) output size (None keeps that dim).

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, where along each spatial dim
          ``out`` is ``output_size``.

    Example::

        >>> import ember
        >>> ember.nn.AdaptiveAvgPool2d((1, 1))(ember.randn(2, 16, 7, 5)).shape
        ember.Size([2, 16, 1, 1])
    """

    _pool = staticmethod(_pool.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed (D, H, W) output size (None keeps that dim).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``, where along
          each spatial dim ``out`` is ``output_size``.
    """

    _pool = staticmethod(_pool.adaptive_avg_pool3d)
