"""``ember.utils.tensorboard``: ``SummaryWriter`` writing TensorBoard event files by itself
(no TensorFlow, no tensorboard package)."""

from ember.utils.tensorboard.writer import SummaryWriter

__all__ = ["SummaryWriter"]
