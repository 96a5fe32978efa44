"""``DistributedSampler``: each of ``num_replicas`` processes takes its own share of the
indices, as ``torch.utils.data.distributed``."""

import importlib
import math

from ember.ops.random import Generator, randperm
from ember.utils.data.sampler import Sampler

__all__ = ["DistributedSampler"]

_NOT_INITIALIZED = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)


def _process_group():
    """``ember.distributed`` when it exists and its default group is initialised."""
    try:
        dist = importlib.import_module("ember.distributed")
    except ModuleNotFoundError:
        raise ValueError(_NOT_INITIALIZED) from None
    if hasattr(dist, "is_available") and not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    if hasattr(dist, "is_initialized") and not dist.is_initialized():
        raise ValueError(_NOT_INITIALIZED)
    return dist


class DistributedSampler(Sampler):
    """The indices of replica ``rank`` out of ``num_replicas``: shuffled per epoch from
    ``seed + epoch`` (call ``set_epoch``), padded by repeating the first indices so every
    replica gets as many, or trimmed to a multiple of ``num_replicas`` with ``drop_last``."""

    def __init__(
        self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False
    ):
        if num_replicas is None:
            num_replicas = _process_group().get_world_size()
        if rank is None:
            rank = _process_group().get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            # The largest share that every replica can fill without padding.
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch, which reseeds the shuffle so every epoch has its own order."""
        self.epoch = epoch
