"""In-place ops and ``out=``: one mechanism that every ``fn_`` variant goes through.

Note [in-place recording]
An in-place op runs its out-of-place twin and writes the result into the tensor's memory.
When nothing is recorded that is all. When the graph is recorded, the twin runs on a copy of
the tensor that carries its old graph identity (PyTorch saves the original value the same
way), and the tensor then takes the result's ``grad_fn``. For a view whose base is in the
graph, the base is rewritten as "the old base with this window replaced" (PyTorch's
CopySlices), and the view becomes a fresh view of the new base.
"""

from ember import _dtype
from ember._backend import array_module
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD

__all__ = ["inplace", "make_inplace", "write_out"]


def _requires_grad(args):
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            return True
    return False


def _check_result(x, result, name):
    if result._data.shape != x._data.shape:
        raise RuntimeError(
            f"{name}: output with shape {list(x.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}"
        )
    rd, xd = result.dtype, x.dtype
    if rd is not xd and not _dtype.can_cast(rd, xd):
        raise RuntimeError(
            f"{name}: result type {SCALAR_NAMES[rd]} can't be cast to the desired output type "
            f"{SCALAR_NAMES[xd]}"
        )


def inplace(fn, x, *args, **kwargs):
    """Compute ``fn(x, *args, **kwargs)`` and store it into ``x``, recording as PyTorch does."""
    name = fn.__name__ + "_"
    # getattr: CuPy arrays have no write flag (always writable); inline on this hot path.
    if not getattr(x._data.flags, "writeable", True):
        # An expanded tensor: several elements share one memory location.
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )
    if not (
        GRAD.enabled
        and (x._requires_grad or _requires_grad(args) or _requires_grad(kwargs.values()))
    ):
        result = fn(x, *args, **kwargs)
        _check_result(x, result, name)
        array_module(x._data).copyto(x._data, result._data, casting="unsafe")
        x._version.value += 1
        return x
    if x._grad_fn is None and x._requires_grad:
        if x.__dict__.get("_view_chain") and x._base is not None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    chain = x.__dict__.get("_view_chain")
    base = x._base
    if chain and base is not None and base._grad_fn is None and base._requires_grad:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    multi = x.__dict__.get("_multi_view")
    if multi is not None:
        _raise_multi_view(x, multi)
    result = fn(_snapshot(x), *args, **kwargs)
    _check_result(x, result, name)
    if result.dtype is not x.dtype:
        result = result.to(x.dtype)
    if chain and x._base is not None:
        _rewrite_base(x, x._base, chain, result)
    else:
        array_module(x._data).copyto(x._data, result._data)
        x._version.value += 1
        _take_identity(x, result)
    return x


def _raise_multi_view(x, multi):
    name, i = multi
    tail = (
        "This view is the output of a function that returns multiple views. Such functions do "
        "not allow the output views to be modified inplace. You should replace the inplace "
        "operation by an out-of-place one."
    )
    if x._grad_fn is None:
        raise RuntimeError(
            "A view was created in no_grad mode and is being modified inplace with grad mode "
            "enabled. " + tail
        )
    raise RuntimeError(f"Output {i} of {name} is a view and is being modified inplace. " + tail)


def make_inplace(fn):
    """The in-place variant ``fn_`` of an out-of-place op ``fn``."""

    def fn_(input, *args, **kwargs):
        return inplace(fn, input, *args, **kwargs)

    fn_.__name__ = fn.__name__ + "_"
    fn_.__qualname__ = fn_.__name__
    fn_.__doc__ = f"In-place version of :func:`{fn.__name__}`."
    return fn_


def _snapshot(x):
    """A copy of ``x`` that keeps its current place in the graph."""
    return make_tensor(x._data.copy(), x._requires_grad, x._grad_fn, x._output_nr)


def _take_identity(x, result):
    x._grad_fn = result._grad_fn
    x._output_nr = result._output_nr
    x._requires_grad = result._requires_grad


def _replay(base, chain):
    for cls, params in chain:
        base = cls.apply(base, **params)
    return base


class CopySlices(Op):
    """The base with one view window replaced by ``value``: the graph of an in-place op on a
    view."""

    def forward(ctx, base, value, chain):
        ctx.chain = chain
        out = base.copy(order="K")  # the same layout, so the chain's views replay as views
        window = _replay(make_tensor(out), chain)._data
        window[...] = value
        return out

    def backward(ctx, grad):
        mask = make_tensor(array_module(grad._data).ones(grad.shape, grad._data.dtype))
        _replay(mask, ctx.chain)._data[...] = 0
        return grad * mask, _replay(grad, ctx.chain)


def _rewrite_base(view, base, chain, result):
    new_base = CopySlices.apply(_snapshot(base), result, chain)
    array_module(base._data).copyto(base._data, new_base._data)
    base._version.value += 1
    _take_identity(base, new_base)
    # The view's memory already holds the new values; only its graph identity changes.
    fresh = _replay(base, chain)
    _take_identity(view, fresh)


def write_out(result, out, name="op"):
    """Copy ``result`` into the user's ``out=`` tensor, as PyTorch's out= variants do."""
    if out is None:
        return result
    if GRAD.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if not _dtype.can_cast(result.dtype, out.dtype):
        raise RuntimeError(
            f"result type {SCALAR_NAMES[result.dtype]} can't be cast to the desired output type "
            f"{SCALAR_NAMES[out.dtype]}"
        )
    if out._data.shape != result._data.shape:
        # PyTorch resizes an out= tensor of the wrong shape; ember does the same.
        out._data = array_module(out._data).empty(result._data.shape, out._data.dtype)
    array_module(out._data).copyto(out._data, result._data, casting="unsafe")
    out._version.value += 1
    return out
