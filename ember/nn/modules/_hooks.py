"""Hook handles and Module's full backward hooks.

Note [module backward hooks]
As in PyTorch, a module with full backward hooks runs its forward between two identity
autograd functions: one over the tensor inputs, one over the outputs. The output one sees
``grad_output`` first (and runs the backward pre-hooks, which may replace it); the input one
sees every ``grad_input`` at once and runs the backward hooks, which may replace them.
"""

import itertools
from collections import OrderedDict

from ember._tensor import Tensor
from ember.autograd.function import Function

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
    def __init__(self, module, n_inputs):
        self.module = module
        self.n_inputs = n_inputs
        self.grad_output = None


def _check_count(new, old, what):
    if len(new) != len(old):
        raise RuntimeError(
            f"Backward hook returned an invalid number of grad_{what} (expected {len(old)}, "
            f"got {len(new)})"
        )


def _as_tuple(result):
    return (
        result
        if isinstance(result, tuple)
        else tuple(result)
        if isinstance(result, list)
        else (result,)
    )


class _OutputHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        ctx.set_materialize_grads(False)
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state.module
        for hook in list(module._backward_pre_hooks.values()):
            result = hook(module, grads)
            if result is not None:
                result = _as_tuple(result)
                _check_count(result, grads, "output")
                grads = result
        state.grad_output = grads
        if state.n_inputs == 0:
            # No input needs a gradient: the backward hooks see None for every input now.
            for hook in list(module._backward_hooks.values()):
                hook(module, (None,), grads)
        return (None, *grads)


class _InputHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        ctx.set_materialize_grads(False)
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state.module
        for hook in list(module._backward_hooks.values()):
            result = hook(module, grads, state.grad_output)
            if result is not None:
                result = _as_tuple(result)
                _check_count(result, grads, "input")
                grads = result
        return (None, *grads)


def backward_hook_call(module, args, kwargs, run_forward):
    """Run ``run_forward(args, kwargs)`` between the identity functions of the Note."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    state = _State(module, len(positions))
    if positions:
        wrapped = _as_tuple(_InputHook.apply(state, *(args[i] for i in positions)))
        args = list(args)
        for i, w in zip(positions, wrapped):
            args[i] = w
        args = tuple(args)
    output = run_forward(args, kwargs)
    if isinstance(output, Tensor):
        return _OutputHook.apply(state, output) if output.requires_grad else output
    if isinstance(output, tuple):
        slots = [i for i, o in enumerate(output) if isinstance(o, Tensor) and o.requires_grad]
        if slots:
            wrapped = _as_tuple(_OutputHook.apply(state, *(output[i] for i in slots)))
            output = list(output)
            for i, w in zip(slots, wrapped):
                output[i] = w
            output = tuple(output)
    return output
