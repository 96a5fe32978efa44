"""The PyTorch oracle: run one function under ember and under PyTorch on identical inputs.

A test writes ``fn(T, *args)`` against a namespace ``T`` (``ember`` or ``torch``). Array
arguments become tensors in each namespace; floating ones require grad. The oracle compares
values, dtypes and shapes, then the gradients of ``(out * w).sum()`` for a random cotangent
``w`` of every floating output.
"""

from dataclasses import dataclass, field

import numpy as np

import ember
from ember._dtype import is_floating_np
from ember.testing.comparison import assert_close

__all__ = ["Sample", "NonContiguous", "check_against_torch", "to_namespace", "TOLERANCES"]

# (rtol, atol) for values and gradients per dtype; float64 is tight, float32 loose.
TOLERANCES = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
# The floor for a result of a given dtype, whatever precision the sample ran in: an integer
# input run "in float64" still gives a float32 result, which two CPUs' vector math libraries
# may round an ulp apart (PyTorch's assert_close defaults).
_RESULT_TOLERANCES = {
    "float64": (1e-7, 1e-7),
    "float32": (1.3e-6, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float16": (1e-3, 1e-5),
}


def _tolerance(result, rtol, atol):
    """(rtol, atol) for comparing ``result``: the requested ones, never below its dtype's."""
    floor_rtol, floor_atol = _RESULT_TOLERANCES.get(_dtype_name(result), (0.0, 0.0))
    return max(rtol, floor_rtol), max(atol, floor_atol)


@dataclass
class NonContiguous:
    """An array argument to be passed as a non-contiguous (transposed) tensor."""

    array: np.ndarray


@dataclass
class Sample:
    """One call of an op: positional ``args`` (arrays become tensors) and ``kwargs``.

    ``grad`` lists the positions of array arguments that require grad (None: all floating).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    grad: tuple | None = None
    name: str = ""


def _make(T, value, dtype, requires_grad):
    if isinstance(value, NonContiguous):
        base = _make(T, np.ascontiguousarray(np.swapaxes(value.array, 0, -1)), dtype, False)
        t = base.transpose(0, -1)
        assert not t.is_contiguous() or t.numel() <= 1
        return t.requires_grad_(requires_grad) if requires_grad else t
    arr = value
    if is_floating_np(arr.dtype):
        arr = arr.astype(dtype)
    t = T.tensor(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def to_namespace(T, sample, dtype):
    """(args, grad_inputs) of ``sample`` for namespace ``T``, float arrays in ``dtype``."""
    args = []
    grad_inputs = []
    for i, a in enumerate(sample.args):
        if isinstance(a, (np.ndarray, NonContiguous)):
            arr = a.array if isinstance(a, NonContiguous) else a
            wants = is_floating_np(arr.dtype) and (sample.grad is None or i in sample.grad)
            t = _make(T, a, dtype, wants)
            args.append(t)
            if wants:
                grad_inputs.append(t)
        elif isinstance(a, list) and a and all(isinstance(x, np.ndarray) for x in a):
            ts = [_make(T, x, dtype, is_floating_np(x.dtype)) for x in a]
            args.append(ts)
            grad_inputs.extend(t for t in ts if t.requires_grad)
        else:
            args.append(a)
    return args, grad_inputs


def _flatten(out):
    if isinstance(out, (tuple, list)):
        result = []
        for o in out:
            result.extend(_flatten(o))
        return result
    return [out]


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]


def check_against_torch(fn, sample, dtype="float64", grad=True, rtol=None, atol=None, seed=0):
    """Compare ``fn`` under ember and torch on ``sample``: values, dtypes, shapes, gradients."""
    import torch

    default_rtol, default_atol = TOLERANCES[dtype]
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    e_args, e_grad_inputs = to_namespace(ember, sample, dtype)
    t_args, t_grad_inputs = to_namespace(torch, sample, dtype)
    e_out = _flatten(fn(ember, *e_args, **sample.kwargs))
    t_out = _flatten(fn(torch, *t_args, **sample.kwargs))
    assert len(e_out) == len(t_out), f"{len(e_out)} outputs, PyTorch gives {len(t_out)}"
    for e, t in zip(e_out, t_out):
        if isinstance(t, torch.Tensor):
            assert isinstance(e, ember.Tensor), f"expected a Tensor, got {type(e).__name__}"
            assert _dtype_name(e) == _dtype_name(t), f"dtype {e.dtype} != torch's {t.dtype}"
            assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != {tuple(t.shape)}"
            r, a = _tolerance(t, rtol, atol)
            assert_close(e, t, rtol=r, atol=a, equal_nan=True)
        else:
            assert e == t or (e != e and t != t), f"{e!r} != torch's {t!r}"
    if not grad or not t_grad_inputs:
        return
    rng = np.random.default_rng(seed)
    e_diff = [e for e, t in zip(e_out, t_out) if isinstance(t, torch.Tensor) and t.requires_grad]
    t_diff = [t for t in t_out if isinstance(t, torch.Tensor) and t.requires_grad]
    if not t_diff:
        return
    cots = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in t_diff]
    e_loss = sum((e * ember.tensor(w)).sum() for e, w in zip(e_diff, cots))
    t_loss = sum((t * torch.tensor(w)).sum() for t, w in zip(t_diff, cots))
    e_grads = ember.autograd.grad(e_loss, e_grad_inputs, allow_unused=True)
    t_grads = torch.autograd.grad(t_loss, t_grad_inputs, allow_unused=True)
    for i, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        if tg is None:
            assert eg is None or not np.any(eg._data), f"grad {i}: PyTorch gives None"
            continue
        assert eg is not None, f"grad {i}: ember gives None, PyTorch a gradient"
        r, a = _tolerance(tg, rtol, atol)
        assert_close(eg, tg, rtol=r, atol=a, equal_nan=True, msg=None)
