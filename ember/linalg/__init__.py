"""``ember.linalg``: PyTorch's ``torch.linalg`` namespace."""

from ember.ops.linalg import matmul

__all__ = ["matmul"]
