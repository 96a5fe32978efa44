"""ctc_loss: argument checks and reductions around the CTC op."""

import itertools

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import to_host
from ember._tensor import Tensor, make_tensor
from ember.ops.ctc import ctc_nll

__all__ = ["ctc_loss"]


def _lengths(x, batch, name):
    # Lengths drive the recursion's loops: host integers, read once from a device tensor.
    if isinstance(x, Tensor):
        x = to_host(x._data)
    arr = np.asarray(x, dtype=np.int64).reshape(-1)
    if arr.size != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return arr


def _split_targets(targets, target_lengths, batch):
    data = targets._data.astype(np.int64)
    if data.ndim == 2:
        return [data[b, : target_lengths[b]] for b in range(batch)]
    ends = itertools.accumulate(int(n) for n in target_lengths)
    return [data[end - n : end] for end, n in zip(ends, target_lengths)]


def ctc_loss(
    log_probs,
    targets,
    input_lengths,
    target_lengths,
    blank=0,
    reduction="mean",
    zero_infinity=False,
):
    """Connectionist temporal classification loss of ``log_probs`` (T, N, C) or (T, C).

    Differences from PyTorch: differentiable once; differentiating the gradient again raises
    RuntimeError.
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.ndim == 1 else targets
    if log_probs.ndim != 3:
        raise RuntimeError(f"ctc_loss expects log_probs of 2 or 3 dims, got {log_probs.ndim}")
    steps, batch, classes = log_probs.shape
    in_len = _lengths(input_lengths, batch, "input_lengths")
    tgt_len = _lengths(target_lengths, batch, "target_lengths")
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    for b in range(batch):
        if in_len[b] > steps:
            raise RuntimeError(
                f"Expected input_lengths to have value at most {steps}, but got value "
                f"{in_len[b]} (while checking arguments for ctc_loss_cpu)"
            )
    nll = ctc_nll(
        log_probs, _split_targets(targets, tgt_len, batch), in_len, tgt_len, blank, zero_infinity
    )
    if reduction == "none":
        return nll.squeeze(0) if unbatched else nll
    if reduction == "sum":
        return nll.sum()
    xp = array_module(nll._data)
    divisor = make_tensor(xp.maximum(xp.asarray(tgt_len), 1).astype(nll._data.dtype))
    return (nll / divisor).mean()
