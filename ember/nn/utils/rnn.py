"""Variable-length sequences: PackedSequence, pack/pad helpers, as ``torch.nn.utils.rnn``.

A packed batch stores the sequences time-major without padding: step ``t`` holds the rows of
every sequence longer than ``t``, longest sequences first (``batch_sizes[t]`` rows). Packing
and unpacking are gathers, so gradients flow through them.
"""

from collections import namedtuple

import numpy as np

from ember import ops
from ember._backend import array_module
from ember._backend._arrays import to_host
from ember._tensor import Tensor, make_tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "pack_sequence",
    "unpad_sequence",
    "unpack_sequence",
]


class PackedSequence(
    namedtuple("PackedSequence", "data batch_sizes sorted_indices unsorted_indices")
):
    """Packed sequences: ``data`` (sum of lengths, *), ``batch_sizes`` (int64, per step)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The sequence with ``data`` moved or cast by ``Tensor.to``; itself if nothing changes."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._replace(data=data)

    def float(self):
        """The sequence with ``data`` cast to float32."""
        return self._replace(data=self.data.float())

    def double(self):
        """The sequence with ``data`` cast to float64."""
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self):
        """False: the packed data is taken to be in host memory."""
        return False

    def is_pinned(self):
        """False: ember has no page-locked memory."""
        return False


def _invert(permutation):
    p = permutation._data
    xp = array_module(p)
    inverse = xp.empty_like(p)
    inverse[p] = xp.arange(p.size)
    return make_tensor(inverse)


def _lengths_array(lengths):
    # Lengths and batch sizes are host values (CPU tensors in PyTorch): they shape the packing.
    arr = np.asarray(to_host(lengths._data) if isinstance(lengths, Tensor) else lengths, np.int64)
    if arr.ndim != 1:
        raise ValueError(f"lengths must be a 1D tensor or list, got {arr.ndim}D")
    return arr


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of given lengths."""
    lengths = _lengths_array(lengths)
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX exportability."
            )
        order = np.arange(lengths.size)
        sorted_indices = None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = ops.tensor(order, device=input.device)
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if lengths.size != batch:
        raise ValueError(
            "Expected `len(lengths)` to be equal to batch_size, but got "
            f"{lengths.size} (batch_size={batch})"
        )
    if lengths.size and lengths.max() > steps:
        raise RuntimeError(
            f"Start (0) + length ({lengths.max()}) exceeds dimension size ({steps})."
        )
    sorted_lengths = lengths[order]
    batch_sizes = np.array([(sorted_lengths > t).sum() for t in range(sorted_lengths.max())])
    # Row index into the (T * B) flattened input for every packed row, time-major.
    rows = np.concatenate([t * batch + order[:n] for t, n in enumerate(batch_sizes)])
    flat = input.reshape(steps * batch, *input.shape[2:])
    data = flat[ops.tensor(rows, device=input.device)]
    return PackedSequence(data, ops.tensor(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of ``pack_padded_sequence``: returns (padded, lengths)."""
    data, batch_sizes = sequence.data, to_host(sequence.batch_sizes._data)
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    steps = batch_sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being {steps}"
            )
        steps = total_length
    # For each padded slot (t, b) in sorted order: its packed row, or the padding row.
    pad_row = data.shape[0]
    index = np.full((steps, batch), pad_row, dtype=np.int64)
    start = 0
    for t, n in enumerate(batch_sizes):
        index[t, :n] = np.arange(start, start + n)
        start += n
    lengths = (index != pad_row).sum(axis=0)
    if sequence.unsorted_indices is not None:
        unsorted = to_host(sequence.unsorted_indices._data)  # a small permutation
        index = index[:, unsorted]
        lengths = lengths[unsorted]
    filler = ops.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = ops.cat([data, filler])[ops.tensor(index.reshape(-1), device=data.device)]
    padded = padded.reshape(steps, batch, *data.shape[1:])
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, ops.tensor(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length tensors (L_i, *) into (T, B, *) (or (B, T, *)), padded."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        pad = longest - s.shape[0]
        if pad:
            filler = ops.full((pad, *s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
            s = ops.cat([s, filler] if padding_side == "right" else [filler, s])
        rows.append(s)
    out = ops.stack(rows, 0)  # (B, T, *)
    return out if batch_first else out.transpose(0, 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors (L_i, *)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of tensors of the given lengths."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[: int(n)] for seq, n in zip(padded_sequences.unbind(0), _lengths_array(lengths))]


def unpack_sequence(packed_sequences):
    """Unpack a PackedSequence into a list of tensors."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
