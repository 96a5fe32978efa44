"""The iterators' shared state (sampler pass, base seed, count) and the single-process
iterator, which fetches every batch in the calling process."""

import warnings

from ember.utils.data._fetch import make_fetcher
from ember.utils.data.sampler import _fresh_seed

__all__ = ["BaseIter", "SingleProcessIter"]


class BaseIter:
    """State shared by both iterators: the sampler pass, the base seed, the count."""

    def __init__(self, loader):
        self._dataset = loader.dataset
        self._is_iterable = loader._is_iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        if loader.pin_memory:
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, "
                "then device pinned memory won't be used.",
                stacklevel=3,
            )
        self._sampler_iter = iter(self._index_sampler)
        # Drawn from the loader's generator (or the default one) on every iterator, with or
        # without workers, so seeding gives the same stream of epochs either way.
        self._base_seed = _fresh_seed(loader.generator)
        self._num_yielded = 0
        self._len_called = loader._IterableDataset_len_called

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (
            self._is_iterable
            and self._len_called is not None
            and self._num_yielded > self._len_called
        ):
            self._warn_length()
        return data

    def _warn_length(self):
        # An iterable dataset whose len() undercounts, often because every worker yields
        # the whole stream; PyTorch warns with the same words.
        msg = (
            f"Length of IterableDataset {self._dataset} was reported to be "
            f"{self._len_called}(when accessing len(dataloader)), but {self._num_yielded} "
            "samples have been fetched. "
        )
        if self._num_workers > 0:
            msg += (
                "For multiprocessing data-loading, this could be caused by not properly "
                "configuring the IterableDataset replica at each worker. Please see "
                "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                "for examples."
            )
        warnings.warn(msg, stacklevel=3)

    def __len__(self):
        return len(self._index_sampler)


class SingleProcessIter(BaseIter):
    """Fetches every batch in the calling process."""

    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._fetcher = make_fetcher(
            self._is_iterable,
            self._dataset,
            self._auto_collation,
            self._collate_fn,
            self._drop_last,
        )

    def _next_data(self):
        index = self._next_index()
        return self._fetcher.fetch(index)
