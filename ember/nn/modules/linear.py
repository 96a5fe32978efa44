"""Identity, Linear (and the attention output projection, a Linear subclass), Bilinear."""

import math

from ember import ops
from ember.nn import init
from ember.nn._functional.linear import bilinear, linear
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter, UninitializedParameter

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


class Identity(Module):
    """Returns its input; any constructor arguments are ignored.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input itself.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """``y = x W^T + b`` with W of shape (out_features, in_features).

    Shape:
        - Input: ``(*, H_in)`` with ``H_in = in_features``; ``*`` is any number of dims.
        - Output: ``(*, H_out)`` with ``H_out = out_features``.

    Example::

        >>> import ember
        >>> layer = ember.nn.Linear(20, 30)
        >>> layer(ember.randn(128, 20)).shape
        ember.Size([128, 30])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ops.empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(ops.empty((out_features,), device=device, dtype=dtype))
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

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class NonDynamicallyQuantizableLinear(Linear):
    """The output projection of MultiheadAttention (its class name appears in the repr)."""


class Bilinear(Module):
    """``y = x1^T A x2 + b`` with A of shape (out_features, in1_features, in2_features).

    Shape:
        - Input1: ``(*, H_in1)``, ``H_in1 = in1_features``; Input2: ``(*, H_in2)``,
          ``H_in2 = in2_features``, with the same leading dims.
        - Output: ``(*, H_out)``, ``H_out = out_features``.
    """

    def __init__(
        self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None
    ):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(
            ops.empty((out_features, in1_features, in2_features), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(ops.empty((out_features,), device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """U(-1/sqrt(in1_features), 1/sqrt(in1_features)) for weight and bias."""
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class LazyLinear(Linear):
    """A Linear whose ``in_features`` is inferred from the first input; it then becomes a
    plain Linear, as in PyTorch.

    Shape:
        - Input: ``(*, H_in)``; ``H_in`` is read from the first input.
        - Output: ``(*, H_out)`` with ``H_out = out_features``.
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self._lazy_hook = self.register_forward_pre_hook(LazyLinear._infer_parameters)

    def reset_parameters(self):
        """Initialise once the shapes are known (a no-op before)."""
        if self.in_features != 0:
            super().reset_parameters()

    def _infer_parameters(self, args):
        self.in_features = args[0].shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()
        self._lazy_hook.remove()
        del self._lazy_hook
        self.__class__ = self.cls_to_become
