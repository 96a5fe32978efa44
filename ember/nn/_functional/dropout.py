"""The dropout family: dropout, dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout."""

import math
import warnings

from ember import ops
from ember._tensor import make_tensor
from ember.ops._inplace import inplace as _inplace

__all__ = [
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "alpha_dropout",
    "feature_alpha_dropout",
]

_SELU_ALPHA_PRIME = 1.7580993408473766  # -scale * alpha of selu


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, like):
    """A Bernoulli(1 - p) mask of ``shape`` in ``like``'s dtype and on its device, drawn from
    ember's generator."""
    return ops.empty(shape, dtype=like.dtype, device=like.device).bernoulli_(1 - p)._data


def _apply(input, inplace, fn):
    return _inplace(fn, input) if inplace else fn(input)


def _feature_shape(x, batched):
    # One draw per (sample, channel): the mask broadcasts over the spatial dims.
    lead = 2 if batched else 1
    return tuple(x.shape[:lead]) + (1,) * (x.ndim - lead)


def _dropout(input, p, training, inplace, feature_batched=None):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input

    def fn(x):
        if p == 1:
            return x * 0
        shape = tuple(x.shape) if feature_batched is None else _feature_shape(x, feature_batched)
        mask = _keep_mask(shape, p, x) / (1 - p)
        return x * make_tensor(mask.astype(x._data.dtype))

    return _apply(input, inplace, fn)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``."""
    return _dropout(input, p, training, inplace)


def _feature_dropout(name, input, p, training, inplace, batched_dim):
    ndim = input.ndim
    if ndim not in (batched_dim - 1, batched_dim):
        warnings.warn(
            f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result "
            f"in an error in a future release. To retain the behavior and silence this warning, "
            f"please use dropout instead. Note that {name} exists to provide channel-wise "
            f"dropout on inputs with {batched_dim - 2} spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. "
            f"{batched_dim - 1}D or {batched_dim}D inputs).",
            stacklevel=3,
        )
    return _dropout(input, p, training, inplace, feature_batched=ndim == batched_dim)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note "
            "that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    return _dropout(input, p, training, inplace, feature_batched=input.ndim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input."""
    _check_p(p)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
        return _dropout(input, p, training, inplace, feature_batched=True)
    return _feature_dropout("dropout2d", input, p, training, inplace, 4)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) input."""
    return _feature_dropout("dropout3d", input, p, training, inplace, 5)


def _alpha_dropout(input, p, training, inplace, feature):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input

    def fn(x):
        if p == 1:
            return x * 0
        shape = _feature_shape(x, True) if feature else tuple(x.shape)
        keep = _keep_mask(shape, p, x)
        a = 1.0 / math.sqrt((_SELU_ALPHA_PRIME**2 * p + 1) * (1 - p))
        b = (keep - 1) * (_SELU_ALPHA_PRIME * a) + _SELU_ALPHA_PRIME * a * p
        dt = x._data.dtype
        return x * make_tensor((keep * a).astype(dt)) + make_tensor(b.astype(dt))

    return _apply(input, inplace, fn)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps the self-normalising statistics of selu."""
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Channel-wise alpha dropout."""
    return _alpha_dropout(input, p, training, inplace, True)
