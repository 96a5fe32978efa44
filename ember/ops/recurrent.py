"""The LSTM cell's state update as one node.

Note [fused LSTM cell]
Composed of ops, the update from the gate pre-activations to the new (h, c) is ten nodes (a
split, three sigmoids, two tanh, three products and a sum), each with its own backward call;
at the sizes recurrent layers run at that bookkeeping, not the arithmetic, is most of a
training step (bench/models.py). ``lstm_cell`` does it in one node. Its backward is NumPy on
the activations saved by the forward when no graph is being built, and the same formulas in
ember ops, recomputed from the inputs, under ``create_graph``, so double backward still works.
"""

import numpy as np

from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.ops.joining import cat

__all__ = ["lstm_cell"]


def _sigmoid(x):
    return 0.5 * np.tanh(0.5 * x) + 0.5  # as ember's sigmoid: no overflow for large |x|


class LSTMCellUpdate(Op):
    promote = True
    save_inputs = True

    def forward(ctx, gates, c):
        h = c.shape[-1]
        i, f, g, o = (gates[..., k * h : (k + 1) * h] for k in range(4))
        si, sf, so, tg = _sigmoid(i), _sigmoid(f), _sigmoid(o), np.tanh(g)
        c_new = sf * c + si * tg
        tc = np.tanh(c_new)
        ctx.activations = (si, sf, so, tg, tc)
        return (so * tc).astype(c.dtype, copy=False), c_new.astype(c.dtype, copy=False)

    def backward(ctx, grad_h, grad_c):
        gates, c = ctx.saved_tensors
        if GRAD.enabled:  # create_graph: a backward that is itself differentiable
            return _recorded_backward(gates, c, grad_h, grad_c)
        si, sf, so, tg, tc = ctx.activations
        gh = grad_h._data
        dc = grad_c._data + gh * so * (1 - tc * tc)
        d_gates = np.concatenate(
            [
                dc * tg * si * (1 - si),
                dc * c._data * sf * (1 - sf),
                dc * si * (1 - tg * tg),
                gh * tc * so * (1 - so),
            ],
            axis=-1,
        )
        return make_tensor(d_gates), make_tensor(dc * sf)


def _recorded_backward(gates, c, grad_h, grad_c):
    i, f, g, o = gates.chunk(4, -1)
    si, sf, so, tg = i.sigmoid(), f.sigmoid(), o.sigmoid(), g.tanh()
    tc = (sf * c + si * tg).tanh()
    dc = grad_c + grad_h * so * (1 - tc * tc)
    d_gates = cat(
        [
            dc * tg * si * (1 - si),
            dc * c * sf * (1 - sf),
            dc * si * (1 - tg * tg),
            grad_h * tc * so * (1 - so),
        ],
        -1,
    )
    return d_gates, dc * sf


def lstm_cell(gates, c):
    """(h', c') of an LSTM step from the gate pre-activations ``gates`` (..., 4H, in PyTorch's
    order i, f, g, o) and the cell state ``c`` (..., H)."""
    if gates.shape[-1] != 4 * c.shape[-1] or gates.shape[:-1] != c.shape[:-1]:
        raise RuntimeError(
            f"lstm_cell: gates of shape {list(gates.shape)} do not fit a cell state of shape "
            f"{list(c.shape)} (expected [..., 4 * {c.shape[-1]}])"
        )
    return LSTMCellUpdate.apply(gates, c)
