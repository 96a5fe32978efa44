"""Embedding lookup and its gradient (an index-add), each an op with its own backward."""

from ember._backend._arrays import add_at
from ember._tensor import make_tensor
from ember.autograd.function import Op

__all__ = ["embedding_lookup"]


def _row_scale(xp, idx, padding_idx, scale_grad_by_freq, dtype):
    """Per-lookup gradient factor: 0 for the padding index, 1 / count with scale_grad_by_freq."""
    flat = idx.reshape(-1)
    scale = xp.ones(flat.shape, dtype)
    if scale_grad_by_freq and flat.size:
        _, inverse, counts = xp.unique(flat, return_inverse=True, return_counts=True)
        scale = scale / counts[inverse]
    if padding_idx is not None and padding_idx >= 0:
        scale = scale * (flat != padding_idx)
    return scale


class Embedding(Op):
    def forward(ctx, weight, idx, padding_idx, scale_grad_by_freq):
        ctx.idx = idx
        ctx.num = weight.shape[0]
        ctx.scale = _row_scale(ctx.xp, idx, padding_idx, scale_grad_by_freq, weight.dtype)
        return weight[idx]

    def backward(ctx, grad):
        return EmbeddingBackward.apply(grad, idx=ctx.idx, num=ctx.num, scale=ctx.scale), None


class EmbeddingBackward(Op):
    """``grad_weight[idx[i]] += scale[i] * grad[i]``; its own gradient is a lookup again."""

    def forward(ctx, grad, idx, num, scale):
        ctx.idx = idx
        ctx.scale = scale
        dim = grad.shape[-1]
        out = ctx.xp.zeros((num, dim), grad.dtype)
        rows = grad.reshape(-1, dim) * scale[:, None].astype(grad.dtype)
        add_at(out, idx.reshape(-1), rows)
        return out

    def backward(ctx, grad):
        looked_up = Embedding.apply(grad, ctx.idx, padding_idx=None, scale_grad_by_freq=False)
        scale = make_tensor(ctx.scale.reshape(ctx.idx.shape + (1,)).astype(grad._data.dtype))
        return looked_up * scale


def embedding_lookup(weight, indices, padding_idx, scale_grad_by_freq):
    """Rows ``weight[indices]``; the padding row gets no gradient."""
    return Embedding.apply(
        weight, indices._data, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq
    )
