"""Conv1d/2d/3d and ConvTranspose1d/2d/3d, with PyTorch's arguments, init and repr."""

import math

from ember import ops
from ember.nn import init
from ember.nn._functional.padding import pad
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.ops.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value, n):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


def _same_padding(kernel_size, dilation):
    """F.pad amounts for padding='same' (last dim first); the odd extra element goes right."""
    amounts = []
    for d, k in zip(reversed(dilation), reversed(kernel_size)):
        total = d * (k - 1)
        amounts += [total // 2, total - total // 2]
    return amounts


class _ConvNd(Module):
    """What every convolution layer shares: arguments, parameters, init and repr."""

    _nsp = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None):  # fmt: skip
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {set(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # The F.pad amounts (last dim first) for the non-zero padding modes.
        if padding == "same":
            self._reversed_padding_repeated_twice = _same_padding(kernel_size, dilation)
        elif isinstance(padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(padding) for _ in (0, 1)]
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(ops.empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(ops.empty((out_channels,), device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) and bias U(-1/sqrt(fan_in), ...)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)


class _Conv(_ConvNd):
    """A convolution layer over ``_nsp`` spatial dims, calling ``_conv``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):  # fmt: skip
        n = self._nsp
        padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        super().__init__(
            in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n), padding,
            _ntuple(dilation, n), False, _ntuple(0, n), groups, bias, padding_mode, device, dtype,
        )  # fmt: skip

    def _conv_forward(self, input, weight, bias):
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            padded = pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            zero = (0,) * self._nsp
            return conv(padded, weight, bias, self.stride, zero, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) or (C_in, L) input.

    Shape:
        - Input: ``(N, C_in, L_in)`` or ``(C_in, L_in)``.
        - Output: ``(N, C_out, L_out)`` or ``(C_out, L_out)``, where along each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (with ``padding="same"`` the output keeps the input's size).
    """

    _nsp = 1
    _conv = staticmethod(conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W) input.

    Shape:
        - Input: ``(N, C_in, H_in, W_in)`` or ``(C_in, H_in, W_in)``.
        - Output: ``(N, C_out, H_out, W_out)`` or ``(C_out, H_out, W_out)``, where along
          each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (with ``padding="same"`` the output keeps the input's size).

    Example::

        >>> import ember
        >>> conv = ember.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)
        >>> conv(ember.randn(2, 3, 32, 32)).shape
        ember.Size([2, 8, 16, 16])
    """

    _nsp = 2
    _conv = staticmethod(conv2d)


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W) input.

    Shape:
        - Input: ``(N, C_in, D_in, H_in, W_in)`` or ``(C_in, D_in, H_in, W_in)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)`` or ``(C_out, D_out, H_out, W_out)``,
          where along each spatial dim
          ``out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``
          (with ``padding="same"`` the output keeps the input's size).
    """

    _nsp = 3
    _conv = staticmethod(conv3d)


class _ConvTranspose(_ConvNd):
    """A transposed convolution layer; ``forward`` takes an optional ``output_size``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):  # fmt: skip
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {self.__class__.__name__}'
            )
        n = self._nsp
        super().__init__(
            in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n),
            _ntuple(padding, n), _ntuple(dilation, n), True, _ntuple(output_padding, n), groups,
            bias, padding_mode, device, dtype,
        )  # fmt: skip

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims,
                        dilation=None):  # fmt: skip
        """The output_padding that makes the output ``output_size`` (checked), as in PyTorch."""
        if output_size is None:
            return self.output_padding
        n = num_spatial_dims
        lead = 2 if input.dim() == n + 2 else 1
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                f"{lead + n} elements (got {len(output_size)})"
            )
        dilation = dilation if dilation is not None else (1,) * n
        min_sizes = [
            (input.shape[d + lead] - 1) * stride[d] - 2 * padding[d]
            + dilation[d] * (kernel_size[d] - 1) + 1
            for d in range(n)
        ]  # fmt: skip
        max_sizes = [m + s - 1 for m, s in zip(min_sizes, stride)]
        for size, lo, hi in zip(output_size, min_sizes, max_sizes):
            if size < lo or size > hi:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from "
                    f"{min_sizes} to {max_sizes} (for an input of {input.shape[2:]})"
                )
        return [size - lo for size, lo in zip(output_size, min_sizes)]

    def forward(self, input, output_size=None):
        if self.padding_mode != "zeros":
            raise ValueError(
                f"Only `zeros` padding mode is supported for {self.__class__.__name__}"
            )
        output_padding = self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size, self._nsp,
            self.dilation,
        )  # fmt: skip
        return type(self)._conv_transpose(
            input, self.weight, self.bias, self.stride, self.padding, output_padding,
            self.groups, self.dilation,
        )  # fmt: skip


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution over (N, C_in, L) or (C_in, L) input.

    Shape:
        - Input: ``(N, C_in, L_in)`` or ``(C_in, L_in)``.
        - Output: ``(N, C_out, L_out)`` or ``(C_out, L_out)``, where along each spatial dim
          ``out = (in - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
          + output_padding + 1``; ``forward(input, output_size)`` picks ``output_padding`` to
          reach ``output_size``.
    """

    _nsp = 1
    _conv_transpose = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution over (N, C_in, H, W) or (C_in, H, W) input.

    Shape:
        - Input: ``(N, C_in, H_in, W_in)`` or ``(C_in, H_in, W_in)``.
        - Output: ``(N, C_out, H_out, W_out)`` or ``(C_out, H_out, W_out)``, where along
          each spatial dim ``out = (in - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
          + output_padding + 1``; ``forward(input, output_size)`` picks ``output_padding`` to
          reach ``output_size``.

    Example::

        >>> import ember
        >>> up = ember.nn.ConvTranspose2d(8, 3, kernel_size=2, stride=2)
        >>> up(ember.randn(2, 8, 16, 16)).shape
        ember.Size([2, 3, 32, 32])
    """

    _nsp = 2
    _conv_transpose = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution over (N, C_in, D, H, W) or (C_in, D, H, W) input.

    Shape:
        - Input: ``(N, C_in, D_in, H_in, W_in)`` or ``(C_in, D_in, H_in, W_in)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)`` or ``(C_out, D_out, H_out, W_out)``,
          where along each spatial dim
          ``out = (in - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
          + output_padding + 1``; ``forward(input, output_size)`` picks ``output_padding`` to
          reach ``output_size``.
    """

    _nsp = 3
    _conv_transpose = staticmethod(conv_transpose3d)
