"""``ToDevice``: the recorded copy of a tensor to another device (``Tensor.to``, ``.cuda()``)."""

from ember._backend import device_of, to_device
from ember.autograd.function import Op

__all__ = ["ToDevice"]


class ToDevice(Op):
    """Copy to ``device`` (canonical); the gradient is copied back to the source device."""

    moves_device = True

    def forward(ctx, a, device):
        ctx.source = device_of(a)
        return to_device(a, device)

    def backward(ctx, grad):
        return ToDevice.apply(grad, device=ctx.source)

    def name(self):
        return "ToCopyBackward0"  # PyTorch's name for the node of a device (or dtype) copy
