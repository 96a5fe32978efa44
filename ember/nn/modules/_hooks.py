"""Hook handles and Module's full backward hooks.

Note [module backward hooks]
As in PyTorch, a module with full backward hooks runs its forward between two identity
autograd functions: one over the tensor inputs, one over the outputs (each only when one of its
tensors requires grad). The output one sees ``grad_output`` first (and runs the backward
pre-hooks, which may replace it); the input one sees every ``grad_input`` at once and runs the
backward hooks, which may replace them. Both tuples have one slot per positional argument (per
output): None for a non-tensor, zeros where no gradient flows, as PyTorch materialises them.
"""

import itertools
import warnings
from collections import OrderedDict

from ember._tensor import Tensor
from ember.autograd.function import Function
from ember.autograd.grad_mode import is_grad_enabled

__all__ = ["HookHandle", "backward_hook_call"]

_ids = itertools.count()


class HookHandle:
    """What ``register_*_hook`` returns: ``remove()`` unregisters the hook."""

    def __init__(self, table, extra_tables=()):
        self.id = next(_ids)
        self._table = table
        self._extra = extra_tables

    @classmethod
    def add(cls, table, hook, prepend=False):
        handle = cls(table)
        table[handle.id] = hook
        if prepend and isinstance(table, OrderedDict):
            table.move_to_end(handle.id, last=False)
        return handle

    def remove(self):
        self._table.pop(self.id, None)
        for table in self._extra:
            table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _State:
    """What one call's two identity functions share."""

    def __init__(self, module):
        self.module = module
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None
        self.grad_output = None


def _pack_with_none(indices, values, size):
    res = [None] * size
    for i, value in zip(indices, values):
        res[i] = value
    return tuple(res)


class _Identity(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        ctx.mark_non_differentiable(*(t for t in tensors if not t.requires_grad))
        return tensors if len(tensors) > 1 else tensors[0]


class _OutputHook(_Identity):
    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state.module
        state.grad_output = _pack_with_none(state.output_index, grads, state.n_outputs)
        expected = len(state.grad_output)
        for hook in list(module._backward_pre_hooks.values()):
            result = hook(module, state.grad_output)
            if result is None:
                continue
            if len(result) != expected:
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, "
                    f"got {len(result)}, but expected {expected}"
                )
            state.grad_output = result
        grad_output = state.grad_output
        if state.input_index is None:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module "
                "outputs since no inputs require gradients. See "
                "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.register_full_backward_hook for more details.",
                stacklevel=2,
            )
            grad_input = (None,) * state.n_inputs
            for hook in list(module._backward_hooks.values()):
                result = hook(module, grad_input, grad_output)
                if result is not None and not (
                    isinstance(result, tuple) and all(g is None for g in result)
                ):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            state.grad_output = None
        return (None, *(grad_output[i] for i in state.output_index))


class _InputHook(_Identity):
    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state.module
        if state.grad_output is None:
            return (None, *grads)
        result = _pack_with_none(state.input_index, grads, state.n_inputs)
        for hook in list(module._backward_hooks.values()):
            out = hook(module, result, state.grad_output)
            if out is None:
                continue
            if len(out) != len(result):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, "
                    f"got {len(out)}, but expected {len(result)}"
                )
            result = out
        state.grad_output = None
        return (None, *(result[i] for i in state.input_index))


def _apply_on_tensors(function, state, args):
    """Pass the tensors among ``args`` through ``function`` if one of them requires grad;
    returns the new args and the tensors' positions (None when nothing was wrapped)."""
    index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    if not (any(args[i].requires_grad for i in index) and is_grad_enabled()):
        return args, None
    wrapped = function.apply(state, *(args[i] for i in index))
    wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
    values = list(args)
    for i, w in zip(index, wrapped):
        values[i] = w
    return (tuple(values) if type(args) is tuple else type(args)(*values)), index


def backward_hook_call(module, args, kwargs, run_forward):
    """Run ``run_forward(args, kwargs)`` between the identity functions of the Note."""
    state = _State(module)
    args, state.input_index = _apply_on_tensors(_InputHook, state, args)
    state.n_inputs = len(args)
    output = run_forward(args, kwargs)
    if not isinstance(output, (Tensor, tuple)):
        warnings.warn(
            "For backward hooks to be called, module output should be a Tensor or a tuple of "
            f"Tensors but received {type(output)}",
            stacklevel=3,
        )
    is_tuple = isinstance(output, tuple)
    outputs = output if is_tuple else (output,)
    outputs, state.output_index = _apply_on_tensors(_OutputHook, state, outputs)
    state.n_outputs = len(outputs)
    return outputs if is_tuple else outputs[0]
