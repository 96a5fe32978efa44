"""ChannelShuffle."""

from ember.nn._functional.pixel_shuffle import channel_shuffle
from ember.nn.modules.module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """Interleaves the channels of ``groups`` groups (ShuffleNet).

    Shape:
        - Input: ``(*, C, H, W)`` with ``C`` divisible by ``groups``.
        - Output: ``(*, C, H, W)``.
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
