"""PairwiseDistance and CosineSimilarity."""

from ember.nn._functional.distance import cosine_similarity, pairwise_distance
from ember.nn.modules.module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """The p-norm distance between rows of two inputs.

    Shape:
        - Input1, Input2: ``(N, D)`` or ``(D)``, broadcastable to each other.
        - Output: ``(N)`` or ``()``; ``(N, 1)`` or ``(1)`` with ``keepdim=True``.
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    Shape:
        - Input1, Input2: ``(*1, D, *2)`` with ``D`` at ``dim``, broadcastable to each other.
        - Output: ``(*1, *2)``, the broadcast shape without ``dim``.
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)
