"""``ember.utils.summary``: a model's layers, output shapes, parameter counts and memory.

One forward pass runs with a forward pre-hook and a forward hook on every module; each call
becomes one row, in call order, indented by its depth in the module tree.
"""

from ember import _dtype
from ember._tensor import Tensor
from ember.autograd.grad_mode import no_grad
from ember.nn.modules.module import Module
from ember.ops.creation import zeros
from ember.ops.random import Generator, rand

__all__ = ["LayerInfo", "ModelStatistics", "summary"]

_WIDTHS = (48, 26, 16)
_MB = 1e6  # sizes are printed in megabytes of 10**6 bytes


class LayerInfo:
    """One module call: its path, type, depth, output shape and parameter counts.

    ``num_params`` counts the module's own parameters, or all of its subtree's when the table
    does not show its children (a leaf, or a module at the ``depth`` limit).
    """

    def __init__(self, name, module, depth):
        self.name = name
        self.class_name = type(module).__name__
        self.depth = depth
        self.module = module
        self.output_shape = None
        self.output_bytes = 0
        self.is_leaf = not any(True for _ in module.children())
        self.num_params = 0
        self.trainable_params = 0
        self.shown_children = False

    def __repr__(self):
        return f"LayerInfo({self.class_name} {self.name or '(root)'}, {self.output_shape})"


def _shapes(value):
    """Output shapes of ``value``: a list for a tensor, nested lists for tuples and lists."""
    if isinstance(value, Tensor):
        return list(value.shape)
    if isinstance(value, (tuple, list)):
        return [_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    return None


def _nbytes(value):
    if isinstance(value, Tensor):
        return value._data.nbytes
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    return 0


def _count(params):
    total = trainable = 0
    for p in params:
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return total, trainable


class ModelStatistics:
    """What ``summary`` returns: the rows, the totals, and the table as ``str(stats)``.

    Attributes: ``summary_list`` (``LayerInfo`` per call), ``total_params``,
    ``trainable_params``, ``non_trainable_params``, ``input_size_bytes``,
    ``activations_size_bytes``, ``params_size_bytes`` and ``total_size_bytes``.
    """

    def __init__(self, model, layers, inputs, depth):
        self.model_name = type(model).__name__
        self.summary_list = layers
        self.depth = depth
        # Each parameter once, however many modules share it.
        params = list(model.parameters())
        self.total_params, self.trainable_params = _count(params)
        self.non_trainable_params = self.total_params - self.trainable_params
        self.params_size_bytes = sum(p._data.nbytes for p in params)
        self.input_size_bytes = _nbytes(inputs)
        # What the forward keeps for backward is, to first order, every leaf layer's output.
        self.activations_size_bytes = sum(r.output_bytes for r in layers if r.is_leaf)
        self.total_size_bytes = (
            self.params_size_bytes + self.activations_size_bytes + self.input_size_bytes
        )

    def _row(self, layer):
        tree = "" if layer.depth == 0 else "│    " * (layer.depth - 1) + "├─"
        name = f" ({layer.name})" if layer.name else ""
        label = f"{tree}{layer.class_name}{name}"
        shape = "--" if layer.output_shape is None else str(layer.output_shape)
        params = f"{layer.num_params:,}" if layer.num_params else "--"
        if layer.num_params and layer.trainable_params != layer.num_params:
            params += f" ({layer.num_params - layer.trainable_params:,} frozen)"
        return f"{label:<{_WIDTHS[0]}}{shape:<{_WIDTHS[1]}}{params:<{_WIDTHS[2]}}".rstrip()

    def __str__(self):
        rule = "=" * sum(_WIDTHS)
        header = f"{'Layer (type (name))':<{_WIDTHS[0]}}{'Output Shape':<{_WIDTHS[1]}}Param #"
        lines = [rule, header, rule]
        lines += [self._row(layer) for layer in self.summary_list if layer.depth <= self.depth]
        lines += [
            rule,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            rule,
            f"Input size (MB): {self.input_size_bytes / _MB:.2f}",
            f"Forward activations size (MB): {self.activations_size_bytes / _MB:.2f}",
            f"Params size (MB): {self.params_size_bytes / _MB:.2f}",
            f"Estimated Total Size (MB): {self.total_size_bytes / _MB:.2f}",
            rule,
        ]
        return "\n".join(lines)

    __repr__ = __str__


def _model_device(model):
    for t in model.parameters():
        return t.device
    for t in model.buffers():
        return t.device
    return None


def _make_inputs(input_size, dtypes, device):
    sizes = [input_size] if all(isinstance(d, int) for d in input_size) else list(input_size)
    dtypes = list(dtypes) if dtypes is not None else [None] * len(sizes)
    if len(dtypes) != len(sizes):
        raise ValueError(f"summary: {len(sizes)} input sizes but {len(dtypes)} dtypes were given")
    gen = Generator().manual_seed(0)  # leaves the global random state alone
    inputs = []
    for size, dtype in zip(sizes, dtypes):
        dtype = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
        if dtype.is_floating_point:
            x = rand(*size, generator=gen, dtype=dtype)
        else:
            x = zeros(*size, dtype=dtype)  # valid indices for embeddings
        inputs.append(x if device is None else x.to(device))
    return inputs


def _install_hooks(model, layers):
    names = {id(m): n for n, m in model.named_modules()}
    open_calls = []  # the rows of the calls in progress, innermost last
    handles = []

    def pre_hook(module, args):
        layer = LayerInfo(names.get(id(module), "?"), module, len(open_calls))
        if open_calls:
            open_calls[-1].shown_children = True
        layers.append(layer)
        open_calls.append(layer)

    def hook(module, args, output):
        layer = open_calls.pop()
        layer.output_shape = _shapes(output)
        layer.output_bytes = _nbytes(output)

    for module in model.modules():
        handles.append(module.register_forward_pre_hook(pre_hook))
        handles.append(module.register_forward_hook(hook))
    return handles, open_calls


def summary(
    model,
    input_size=None,
    input_data=None,
    dtypes=None,
    depth=3,
    device=None,
    mode="eval",
    verbose=1,
    **kwargs,
):
    """Run one forward pass of ``model`` and tabulate its layers (hierarchical names, output
    shapes, parameter counts) with parameter totals and estimated memory.

    Args:
        input_size: the shape of the one input, batch dimension included (``(2, 3, 32, 32)``),
            or a list of shapes for several inputs; inputs are random (floats) or zeros.
        input_data: the input itself: a tensor, a list/tuple of positional inputs, or a dict
            of keyword inputs. Give ``input_size`` or ``input_data``.
        dtypes: one dtype per input built from ``input_size`` (default: the default dtype).
        depth: the deepest level of nesting shown (0: the model only).
        device: where inputs built from ``input_size`` go (default: the model's device).
        mode: ``"eval"`` (default: BatchNorm statistics are left untouched), ``"train"`` or
            ``"same"``; the model's own mode is restored afterwards.
        verbose: 1 prints the table, 0 only returns it.
        **kwargs: extra keyword arguments for ``model.forward``.

    Returns:
        ``ModelStatistics``; ``str()`` of it is the table.
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary: expected an ember.nn.Module, got {type(model).__name__}")
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: give exactly one of input_size and input_data")
    if mode not in ("eval", "train", "same"):
        raise ValueError(f"summary: mode must be 'eval', 'train' or 'same', got {mode!r}")
    if input_data is not None:
        args = [input_data] if isinstance(input_data, Tensor) else input_data
    else:
        args = _make_inputs(input_size, dtypes, device or _model_device(model))
    call_kwargs = dict(kwargs)
    if isinstance(args, dict):
        call_kwargs.update(args)
        args = []
    layers = []
    modes = [(m, m.training) for m in model.modules()]
    handles, open_calls = _install_hooks(model, layers)
    try:
        if mode != "same":
            model.train(mode == "train")
        with no_grad():
            model(*args, **call_kwargs)
    except Exception as e:
        done = [f"{r.class_name} ({r.name})" for r in layers if r.output_shape is not None]
        e.add_note(f"summary: the forward failed after these layers ran: {done}")
        raise
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            module.training = training
        open_calls.clear()
    for layer in layers:
        shown = layer.shown_children and layer.depth < depth
        params = layer.module.parameters(recurse=not shown)
        layer.num_params, layer.trainable_params = _count(params)
    stats = ModelStatistics(model, layers, args or list(call_kwargs.values()), depth)
    if verbose:
        print(stats)
    return stats
