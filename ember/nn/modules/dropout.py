"""Dropout layers."""

from ember.nn._functional import dropout as F
from ember.nn.modules.module import Module

__all__ = [
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "AlphaDropout",
    "FeatureAlphaDropout",
]


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training; identity in eval.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.

    Example::

        >>> import ember
        >>> drop = ember.nn.Dropout(p=0.5).eval()
        >>> drop(ember.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) input in training.

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``.
        - Output: the shape of the input.
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input in training.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(N, C, L)`` (read as one batch of ``(C, H, W)``).
        - Output: the shape of the input.
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) input in training.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: the shape of the input.
    """

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps selu's self-normalising statistics.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Channel-wise alpha dropout.

    Shape:
        - Input: ``(N, C, *)``; whole channels are dropped.
        - Output: the shape of the input.
    """

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
