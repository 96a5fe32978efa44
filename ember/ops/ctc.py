"""CTC loss: the forward-backward algorithm in log space, as one op per batch.

Note [ctc gradient]
PyTorch's ctc_loss returns, for time steps inside each input length,
``grad[t, c] = exp(lp[t, c]) - exp(log_occupancy[t, c] + nll - lp[t, c])``, the gradient with
respect to the logits under the assumption that ``lp`` is a log_softmax output (the first term
vanishes when it passes back through log_softmax). ember returns the same, so results agree
with PyTorch in every case. The gradient is computed with the loss and stored as a constant;
differentiating it again raises an error, as the op is differentiable once.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import errstate
from ember.autograd.function import Op

__all__ = ["ctc_nll"]

_NEG_INF = -np.inf


def _lse(*terms):
    """Elementwise log-sum-exp of arrays holding -inf where a path is impossible."""
    xp = array_module(terms[0])
    stacked = xp.stack(terms)
    top = xp.max(stacked, axis=0)
    safe = xp.where(xp.isfinite(top), top, 0.0)
    with errstate(xp, divide="ignore"):
        return safe + xp.log(xp.sum(xp.exp(stacked - safe), axis=0))


def _shifted(a, k):
    """``a`` moved right by ``k`` positions, -inf filled."""
    xp = array_module(a)
    out = xp.full_like(a, _NEG_INF)
    out[k:] = a[: len(a) - k] if k else a
    return out


def _extended(xp, target, blank):
    """The target with blanks around every label, as an array of ``xp`` (the targets may
    come from the host), and where a path may skip from two places back."""
    ext = xp.full(2 * len(target) + 1, blank, dtype=np.int64)
    ext[1::2] = xp.asarray(target)
    # s may come from s - 2 when it is a label different from the label two places back.
    skip = xp.zeros(len(ext), bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    return ext, skip


def _one_sequence(lp, target, blank):
    """(nll, grad) of one sequence: ``lp`` is (T, C) log-probabilities."""
    xp = array_module(lp)
    steps = lp.shape[0]
    ext, skip = _extended(xp, target, blank)
    n = len(ext)
    emit = lp[:, ext]  # (T, n)
    alpha = xp.full((steps, n), _NEG_INF)
    beta = xp.full((steps, n), _NEG_INF)
    if steps == 0:
        return (0.0 if len(target) == 0 else np.inf), xp.zeros_like(lp)
    alpha[0, 0] = emit[0, 0]
    if n > 1:
        alpha[0, 1] = emit[0, 1]
    for t in range(1, steps):
        prev = alpha[t - 1]
        from_skip = xp.where(skip, _shifted(prev, 2), _NEG_INF)
        alpha[t] = _lse(prev, _shifted(prev, 1), from_skip) + emit[t]
    beta[-1, -1] = emit[-1, -1]
    if n > 1:
        beta[-1, -2] = emit[-1, -2]
    skip_back = xp.zeros(n, bool)
    skip_back[:-2] = skip[2:]
    for t in range(steps - 2, -1, -1):
        nxt = beta[t + 1]
        one = xp.full(n, _NEG_INF)
        one[:-1] = nxt[1:]
        two = xp.full(n, _NEG_INF)
        two[:-2] = nxt[2:]
        beta[t] = _lse(nxt, one, xp.where(skip_back, two, _NEG_INF)) + emit[t]
    ends = [alpha[-1, -1]] + ([alpha[-1, -2]] if n > 1 else [])
    nll = -float(_lse(*[xp.asarray(e) for e in ends]))
    # Occupancy of each class: log-sum over the extended positions that emit it.
    occupancy = xp.full(lp.shape, _NEG_INF)
    both = alpha + beta
    for s in range(n):
        c = ext[s]
        occupancy[:, c] = _lse(occupancy[:, c], both[:, s])
    with errstate(xp, over="ignore", invalid="ignore"):
        grad = xp.exp(lp) - xp.exp(occupancy + nll - lp)
    return nll, grad


class CtcLoss(Op):
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = ctx.xp
        steps, batch, _ = log_probs.shape
        lp64 = log_probs.astype(np.float64)
        nll = xp.zeros(batch)
        grad = xp.zeros(lp64.shape)
        for b in range(batch):
            length = int(input_lengths[b])
            nll[b], grad[:length, b] = _one_sequence(lp64[:length, b], targets[b], blank)
            if zero_infinity and xp.isinf(nll[b]):
                nll[b] = 0.0
                grad[:, b] = 0.0
        ctx.grad = grad.astype(log_probs.dtype)
        return nll.astype(log_probs.dtype)

    save_inputs = True

    def backward(ctx, grad):
        # Note [ctc gradient]; log_probs is an input of the gradient's node only so that a
        # second differentiation reaches it and raises.
        log_probs = ctx.saved_tensors[0]
        out = CtcBackward.apply(grad.reshape((1, -1, 1)), log_probs, table=ctx.grad)
        return out, None, None, None


class CtcBackward(Op):
    def forward(ctx, grad, log_probs, table):
        return grad * table

    def backward(ctx, grad):
        raise RuntimeError(
            "ctc_loss is differentiable only once: its gradient has no gradient in ember"
        )


def ctc_nll(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """Per-sequence negative log likelihood (N,) of ``targets`` (a list of int arrays)."""
    return CtcLoss.apply(
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        blank=blank,
        zero_infinity=zero_infinity,
    )
