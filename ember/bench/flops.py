"""Counting a model's FLOPs with forward hooks.

Note [what is counted]
    Only the GEMM-shaped work, which dominates every benchmark model: ``Linear`` (2 * rows *
    in * out), ``Conv2d`` (2 * N * C_out * H_out * W_out * C_in / groups * kH * kW), ``LSTM``
    (per layer, direction and step: 2 * B * 4H * (input + H)), and any module that declares the
    FLOPs of its functional matmuls with an ``extra_flops(inputs, output)`` method (the GPT's
    attention). A multiply-add is 2 FLOPs. Bias additions, activations, normalisation, pooling,
    softmax and the optimizer are not counted. A training step is counted as 3x the forward
    pass: the backward pass of a GEMM is two GEMMs of the same size (input and weight
    gradients).
"""

__all__ = ["FlopCounter", "count_forward_flops", "TRAINING_MULTIPLIER"]

TRAINING_MULTIPLIER = 3  # forward + backward (two GEMMs per forward GEMM), see Note above


def _numel(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _linear(module, inputs, output):
    rows = _numel(inputs[0].shape) // module.in_features
    return 2 * rows * module.in_features * module.out_features


def _conv2d(module, inputs, output):
    n, c_out, h_out, w_out = output.shape
    k_h, k_w = module.kernel_size
    per_output = module.in_channels // module.groups * k_h * k_w
    return 2 * n * c_out * h_out * w_out * per_output


def _lstm(module, inputs, output):
    x = inputs[0]
    if module.batch_first:
        batch, steps = x.shape[0], x.shape[1]
    else:
        steps, batch = x.shape[0], x.shape[1] if x.dim() == 3 else 1
    hidden = module.hidden_size
    directions = 2 if module.bidirectional else 1
    total = 0
    for layer in range(module.num_layers):
        n_in = module.input_size if layer == 0 else hidden * directions
        total += directions * steps * 2 * batch * 4 * hidden * (n_in + hidden)
    return total


def _declared(module, inputs, output):
    return module.extra_flops(inputs, output)


class FlopCounter:
    """Counts the forward FLOPs of the GEMM-shaped modules of a model while active.

    ``T`` is the namespace the model was built with (``ember`` or ``torch``). Use as a context
    manager around forward passes; ``total`` holds the count. See Note [what is counted].
    """

    def __init__(self, T, model):
        self.model = model
        self.rules = ((T.nn.Linear, _linear), (T.nn.Conv2d, _conv2d), (T.nn.LSTM, _lstm))
        self.total = 0
        self._handles = []

    def _rule(self, module):
        if hasattr(module, "extra_flops"):
            return _declared
        for cls, rule in self.rules:
            if isinstance(module, cls):
                return rule
        return None

    def __enter__(self):
        for module in self.model.modules():
            rule = self._rule(module)
            if rule is not None:
                self._handles.append(module.register_forward_hook(self._hook(rule)))
        return self

    def _hook(self, rule):
        def hook(module, inputs, output):
            self.total += rule(module, inputs, output)

        return hook

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        return False


def count_forward_flops(T, model, *inputs):
    """The forward FLOPs of ``model(*inputs)`` under the namespace ``T``, counted by hooks."""
    with T.no_grad(), FlopCounter(T, model) as counter:
        model(*inputs)
    return counter.total
