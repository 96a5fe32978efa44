"""einsum: PyTorch's string API (ellipsis, implicit output, broadcasting of size-1 dims) over
``xp.einsum``; its gradient is itself an einsum, so it differentiates any number of times.

Note [einsum gradient]
The gradient for operand i is the einsum of the output gradient with every other operand,
producing operand i's subscripts. Two cases need an extra constant operand: a subscript that
appears twice in operand i (a diagonal, as in ``ii->i``) is renamed in the result and tied to
its twin by an identity matrix; a subscript that appears only in operand i (summed away) gets a
vector of ones, which broadcasts the gradient along it.
"""

import string

from ember._backend import array_module
from ember._dtype import SCALAR_NAMES
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops.cumulative import accumulation_dtype

__all__ = ["einsum"]

TENSOR_METHODS = ()

_LETTERS = string.ascii_uppercase + string.ascii_lowercase


class Einsum(Op):
    """``xp.einsum`` on operands whose subscripts are plain letters (no ellipsis)."""

    save_inputs = True

    def forward(ctx, *arrays, terms, output, sizes):
        xp = ctx.xp
        ctx.terms, ctx.out_subs, ctx.sizes = terms, output, sizes
        equation = ",".join(terms) + "->" + output
        dtype = arrays[0].dtype if arrays else None
        acc = accumulation_dtype(dtype)
        if acc is not dtype:
            # Half precision contracts in float32 and rounds once, as PyTorch accumulates it
            # (NumPy's einsum has no bfloat16 loop at all).
            arrays = tuple(a.astype(acc) for a in arrays)
        # The optimised path contracts pairs with BLAS (tensordot); one operand needs no plan.
        out = xp.einsum(equation, *arrays, optimize=len(arrays) > 1)
        return out if acc is dtype else xp.asarray(out).astype(dtype)

    def backward(ctx, grad):
        inputs = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return tuple(
            _operand_grad(ctx, grad, inputs, i) if needs[i] else None for i in range(len(inputs))
        )


def _operand_grad(ctx, grad, inputs, i):
    """Note [einsum gradient]."""
    terms, sizes = ctx.terms, ctx.sizes
    dtype = grad._data.dtype
    xp = array_module(grad._data)
    used = set(ctx.out_subs).union(*terms)
    fresh = (c for c in _LETTERS if c not in used)
    ops = [grad] + [x for j, x in enumerate(inputs) if j != i]
    subs = [ctx.out_subs] + [t for j, t in enumerate(terms) if j != i]
    target = []
    for c in terms[i]:
        if c in target:
            twin = next(fresh)
            ops.append(make_tensor(xp.eye(sizes[c], dtype=dtype)))
            subs.append(c + twin)
            target.append(twin)
        else:
            target.append(c)
    present = set("".join(subs))
    for c in dict.fromkeys(target):
        if c not in present:
            ops.append(make_tensor(xp.ones(sizes[c], dtype=dtype)))
            subs.append(c)
    return Einsum.apply(*ops, terms=tuple(subs), output="".join(target), sizes=sizes)


def _parse(equation, operands):
    """Split and validate ``equation``: (terms with '...', output or None)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for pos, c in enumerate(eq):
        if not (c in _LETTERS or c in ".,->"):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {pos} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    return terms, (rhs if arrow else None)


def _expand_ellipses(terms, operands):
    """Replace '...' by letters, right-aligned across operands; returns (terms, ellipsis)."""
    used = set("".join(terms))
    counts = []
    for i, (t, x) in enumerate(zip(terms, operands)):
        named = len(t.replace("...", ""))
        ndim = x._data.ndim
        if "..." in t:
            if named > ndim:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({named}) is more than "
                    f"the number of dimensions ({ndim}) for operand {i}"
                )
            counts.append(ndim - named)
        elif named != ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match "
                f"the number of dimensions ({ndim}) for operand {i} and no ellipsis was given"
            )
        else:
            counts.append(0)
    width = max(counts, default=0)
    ellipsis = "".join([c for c in _LETTERS if c not in used][:width])
    out = [t.replace("...", ellipsis[width - n :]) for t, n in zip(terms, counts)]
    return out, ellipsis


def _sizes(terms, operands):
    """Each subscript's size; size-1 dims broadcast, other mismatches are errors."""
    sizes = {}
    for i, (t, x) in enumerate(zip(terms, operands)):
        for c in set(t):
            dims = [x._data.shape[k] for k, d in enumerate(t) if d == c]
            if len(set(dims)) > 1:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't "
                    f"match, {dims[1]} != {dims[0]}"
                )
        for c, s in zip(t, x._data.shape):
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = s
            elif s != seen and s != 1:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {s} for operand {i} which does not "
                    f"broadcast with previously seen size {seen}"
                )
    return sizes


def _output(rhs, terms, ellipsis):
    if rhs is None:
        # Implicit output: ellipsis dims, then the subscripts seen exactly once, sorted.
        counts = {}
        for c in "".join(terms):
            counts[c] = counts.get(c, 0) + 1
        once = sorted(
            (c for c, n in counts.items() if n == 1 and c not in ellipsis), key=_LETTERS.index
        )
        return ellipsis + "".join(once)
    out = rhs.replace("...", ellipsis)
    seen = set("".join(terms))
    for c in rhs.replace("...", ""):
        if c not in seen:
            raise RuntimeError(
                f"einsum(): output subscript {c} does not appear in the equation for any input "
                "operand"
            )
        if rhs.count(c) > 1:
            raise RuntimeError(
                f"einsum(): output subscript {c} appears more than once in the output"
            )
    return out


def _from_sublists(args):
    """``einsum(op0, sublist0, op1, sublist1, ..., [out_sublist])`` as (equation, operands)."""

    def letters(sublist):
        return "".join("..." if d is Ellipsis else _LETTERS[d] for d in sublist)

    operands = args[0::2][: len(args) // 2]
    terms = [letters(s) for s in args[1::2][: len(operands)]]
    equation = ",".join(terms)
    if len(args) % 2:
        equation += "->" + letters(args[-1])
    return equation, operands


def einsum(equation, *operands):
    """Sum of products over the subscripts of ``equation`` (PyTorch's string API)."""
    if not isinstance(equation, str):
        equation, operands = _from_sublists((equation,) + operands)
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, rhs = _parse(equation, operands)
    terms, ellipsis = _expand_ellipses(terms, operands)
    first = operands[0]
    for x in operands[1:]:
        if x._data.dtype != first._data.dtype:
            raise RuntimeError(
                f"expected scalar type {SCALAR_NAMES[first.dtype.name]} but found "
                f"{SCALAR_NAMES[x.dtype.name]}"
            )
    sizes = _sizes(terms, operands)
    output = _output(rhs, terms, ellipsis)
    # Broadcast size-1 dims up front (views), so the op and its gradient never see them.
    operands = [
        x.expand(tuple(sizes[c] for c in t))
        if any(s != sizes[c] for c, s in zip(t, x._data.shape))
        else x
        for t, x in zip(terms, operands)
    ]
    return Einsum.apply(*operands, terms=tuple(terms), output=output, sizes=sizes)
