"""Flatten and Unflatten."""

from ember.nn.modules.module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one.

    Shape:
        - Input: ``(*, S_start, ..., S_end, *)``.
        - Output: ``(*, S_start * ... * S_end, *)``.

    Example::

        >>> import ember
        >>> ember.nn.Flatten()(ember.zeros(32, 1, 5, 5)).shape
        ember.Size([32, 25])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim ``dim`` into ``unflattened_size``.

    Shape:
        - Input: ``(*, S_dim, *)`` with ``S_dim`` the product of ``unflattened_size``.
        - Output: ``(*, U_1, ..., U_n, *)`` with ``(U_1, ..., U_n) = unflattened_size``.

    Differences from PyTorch: a named ``dim`` (a string) raises TypeError; ember has no named
    tensors.
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, int):
            if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, int) for s in unflattened_size
            ):
                raise TypeError(
                    "unflattened_size must be tuple of ints, but found element of type "
                    f"{type(unflattened_size).__name__} at pos 0"
                    if not isinstance(unflattened_size, (tuple, list))
                    else "unflattened_size must be tuple of ints"
                )
        elif isinstance(dim, str):
            raise TypeError("ember has no named tensors: dim must be an int")
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
