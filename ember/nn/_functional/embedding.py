"""embedding, embedding_bag and one_hot."""

import numpy as np

from ember import _dtype, ops
from ember._backend import array_module
from ember._backend._arrays import put_along_axis, repeat_indices
from ember._tensor import make_tensor
from ember.autograd.grad_mode import no_grad
from ember.ops.embedding import embedding_lookup

__all__ = ["embedding", "embedding_bag", "one_hot"]


def _check_indices(input, name):
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            f"{name})"
        )


def _padding_idx(padding_idx, num):
    if padding_idx is None:
        return None
    if padding_idx > 0 and padding_idx >= num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    if padding_idx < 0:
        if padding_idx < -num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx += num
    return padding_idx


def _check_range(idx, num):
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = idx[(idx < 0) | (idx >= num)][0]
        raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {num}")


def _renorm(weight, idx, max_norm, norm_type):
    """Rescale, in place, the rows of ``weight`` used by ``idx`` whose norm exceeds max_norm."""
    xp = array_module(idx)
    rows = xp.unique(idx.reshape(-1))
    with no_grad():
        data = weight._data
        sub = data[rows]
        norms = (xp.abs(sub) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
        scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        data[rows] = sub * scale[:, None].astype(data.dtype)
        weight._version.value += 1


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    """Look up rows of ``weight`` at the integer indices ``input``.

    Differences from PyTorch: ``sparse=True`` raises NotImplementedError (ember has no sparse
    tensors).
    """
    if sparse:
        raise NotImplementedError("ember has no sparse tensors: use sparse=False")
    _check_indices(input, "embedding")
    num = weight.shape[0]
    padding_idx = _padding_idx(padding_idx, num)
    _check_range(input._data, num)
    if max_norm is not None:
        _renorm(weight, input._data, max_norm, norm_type)
    return embedding_lookup(weight, input, padding_idx, scale_grad_by_freq)


def _bags(input, offsets, include_last_offset):
    """(flat indices, bag id per index, number of bags) for 1-D input + offsets or 2-D input."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is "
                "a mini-batch of fixed length sequences. However, found offsets of "
                f"type {type(offsets)}"
            )
        b, length = input.shape
        xp = array_module(input._data)
        return input._data.reshape(-1), repeat_indices(xp.full(b, length, np.int64)), b
    if input.ndim != 1:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}"
        )
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    off = offsets._data.astype(np.int64)
    n = input.shape[0]
    if include_last_offset:
        starts, n_bags = off[:-1], len(off) - 1
    else:
        starts, n_bags = off, len(off)
    xp = array_module(off)
    bag = xp.searchsorted(starts, xp.arange(n), side="right") - 1
    return input._data.reshape(-1), bag, n_bags


def embedding_bag(
    input,
    weight,
    offsets=None,
    max_norm=None,
    norm_type=2,
    scale_grad_by_freq=False,
    mode="mean",
    sparse=False,
    per_sample_weights=None,
    include_last_offset=False,
    padding_idx=None,
):
    """Sums, means or maxima of bags of embeddings.

    Differences from PyTorch: ember has no sparse tensors; with ``sparse=True`` the weight
    gradient is dense.
    """
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                "on GitHub."
            )
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is not "
                f"None, then it must have the same shape as the input ({tuple(input.shape)})"
            )
    _check_indices(input, "embedding_bag")
    num, dim = weight.shape
    padding_idx = _padding_idx(padding_idx, num)
    idx, bag, n_bags = _bags(input, offsets, include_last_offset)
    _check_range(idx, num)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    xp = array_module(idx)
    keep = idx != padding_idx if padding_idx is not None else xp.ones(idx.shape, bool)
    rows = embedding_lookup(weight, make_tensor(idx), padding_idx, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape((-1, 1))
    if mode == "max":
        return _bag_max(rows, bag, keep, n_bags, dim)
    # One (n_bags, n) matrix sums (or averages) each bag's rows in a single GEMM.
    counts = xp.bincount(bag[keep], minlength=n_bags).astype(weight._data.dtype)
    select = xp.zeros((n_bags, idx.size), weight._data.dtype)
    select[bag[keep], xp.nonzero(keep)[0]] = 1
    if mode == "mean":
        select = select / xp.maximum(counts, 1)[:, None]
    return ops.matmul(make_tensor(select), rows)


def _bag_max(rows, bag, keep, n_bags, dim):
    outs = []
    xp = array_module(bag)
    for b in range(n_bags):
        members = xp.nonzero((bag == b) & keep)[0]
        if members.size == 0:
            outs.append(ops.zeros((dim,), dtype=rows.dtype, device=rows.device))
        else:
            # A lookup op gathers the bag's rows differentiably (no dependency on indexing).
            outs.append(embedding_lookup(rows, make_tensor(members), None, False).amax(0))
    return ops.stack(outs) if outs else ops.zeros((0, dim), dtype=rows.dtype, device=rows.device)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding with ``num_classes`` classes (-1: max + 1)."""
    if tensor.dtype != _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    elif data.size and data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = array_module(data).zeros(data.shape + (num_classes,), np.int64)
    put_along_axis(out, data[..., None], 1, axis=-1)
    return make_tensor(out)
