"""The LSTM and GRU cells' state updates, each as one node.

Note [fused LSTM cell]
Composed of ops, the LSTM update from the gate pre-activations to the new (h, c) is ten nodes
(a split, three sigmoids, two tanh, three products and a sum), each with its own backward call;
at the sizes recurrent layers run at that bookkeeping, not the arithmetic, is most of a
training step (bench/models.py). ``lstm_cell`` does it in one node. Its backward is NumPy on
the activations saved by the forward when no graph is being built, and the same formulas in
ember ops, recomputed from the inputs, under ``create_graph``, so double backward still works.
The GRU update (``gru_cell``) is fused the same way.
"""

from ember._backend import array_module
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.ops.joining import cat
from ember.ops.unary_math import sigmoid_kernel

__all__ = ["lstm_cell", "gru_cell"]


class LSTMCellUpdate(Op):
    promote = True
    save_inputs = True

    def forward(ctx, gates, c):
        h = c.shape[-1]
        i, f, g, o = (gates[..., k * h : (k + 1) * h] for k in range(4))
        tanh = ctx.xp.tanh
        si, sf, so, tg = sigmoid_kernel(i), sigmoid_kernel(f), sigmoid_kernel(o), tanh(g)
        c_new = sf * c + si * tg
        tc = tanh(c_new)
        ctx.activations = (si, sf, so, tg, tc)
        return (so * tc).astype(c.dtype, copy=False), c_new.astype(c.dtype, copy=False)

    def backward(ctx, grad_h, grad_c):
        gates, c = ctx.saved_tensors
        if GRAD.enabled:  # create_graph: a backward that is itself differentiable
            return _recorded_backward(gates, c, grad_h, grad_c)
        si, sf, so, tg, tc = ctx.activations
        gh = grad_h._data
        dc = grad_c._data + gh * so * (1 - tc * tc)
        d_gates = array_module(gh).concatenate(
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


class GRUCellUpdate(Op):
    promote = True
    save_inputs = True

    def forward(ctx, x_proj, h_proj, h):
        n_h = h.shape[-1]
        xr, xz, xn = (x_proj[..., k * n_h : (k + 1) * n_h] for k in range(3))
        hr, hz, hn = (h_proj[..., k * n_h : (k + 1) * n_h] for k in range(3))
        r, z = sigmoid_kernel(xr + hr), sigmoid_kernel(xz + hz)
        n = ctx.xp.tanh(xn + r * hn)
        ctx.activations = (r, z, n, hn)
        return ((1 - z) * n + z * h).astype(h.dtype, copy=False)

    def backward(ctx, grad):
        x_proj, h_proj, h = ctx.saved_tensors
        if GRAD.enabled:  # create_graph: a backward that is itself differentiable
            return _recorded_gru_backward(x_proj, h_proj, h, grad)
        r, z, n, hn = ctx.activations
        g = grad._data
        d_n = g * (1 - z) * (1 - n * n)
        d_r = d_n * hn * r * (1 - r)
        d_z = g * (h._data - n) * z * (1 - z)
        xp = array_module(g)
        d_x = xp.concatenate([d_r, d_z, d_n], axis=-1)
        d_h_proj = xp.concatenate([d_r, d_z, d_n * r], axis=-1)
        return make_tensor(d_x), make_tensor(d_h_proj), make_tensor(g * z)


def _recorded_gru_backward(x_proj, h_proj, h, grad):
    xr, xz, xn = x_proj.chunk(3, -1)
    hr, hz, hn = h_proj.chunk(3, -1)
    r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    d_n = grad * (1 - z) * (1 - n * n)
    d_r = d_n * hn * r * (1 - r)
    d_z = grad * (h - n) * z * (1 - z)
    return cat([d_r, d_z, d_n], -1), cat([d_r, d_z, d_n * r], -1), grad * z


def gru_cell(x_proj, h_proj, h):
    """h' of a GRU step from the input and hidden projections ``x_proj``, ``h_proj`` (..., 3H,
    in PyTorch's order r, z, n, biases included) and the hidden state ``h`` (..., H)."""
    n_h = h.shape[-1]
    if (
        x_proj.shape != h_proj.shape
        or x_proj.shape[-1] != 3 * n_h
        or x_proj.shape[:-1] != h.shape[:-1]
    ):
        raise RuntimeError(
            f"gru_cell: projections of shapes {list(x_proj.shape)} and {list(h_proj.shape)} do "
            f"not fit a hidden state of shape {list(h.shape)} (expected [..., 3 * {n_h}])"
        )
    return GRUCellUpdate.apply(x_proj, h_proj, h)
