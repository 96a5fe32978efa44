"""What runs inside a DataLoader worker process: seeding, ``get_worker_info``, the fetch loop,
and the wrapper that carries an exception (with its traceback text) to the main process."""

import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

from ember.ops.random import manual_seed
from ember.utils.data import _shared_memory
from ember.utils.data._fetch import make_fetcher

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper", "worker_loop"]

# How often (seconds) a waiting worker checks that the main process is still there.
STATUS_CHECK_INTERVAL = 1.0

_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and its own copy of
    the ``dataset``."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({fields})"


def get_worker_info():
    """In a DataLoader worker, its ``WorkerInfo``; None in the main process."""
    return _worker_info


class _KeyErrorMessage(str):
    """A KeyError's message printed as is (KeyError would print its repr, quotes and ``\\n``)."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, with its type and formatted traceback, to be raised
    again in the main process as ``Caught X in DataLoader worker process N``."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        exc_type = exc_info[0]
        try:
            pickle.dumps(exc_type)
        except Exception:  # a class the main process could not import, e.g. a local one
            exc_type = RuntimeError
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the exception again, with the worker's traceback text in its message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # The type needs other constructor arguments: keep the message, lose the type.
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            # The traceback holds this frame: dropping the local breaks the cycle, so the
            # iterator (and its workers) can be freed without waiting for the collector.
            del exception


class IterableDatasetStopIteration:
    """A worker's signal that its copy of an iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Sent to persistent workers at the start of an epoch; echoed back once they are ready."""


def seed_worker(base_seed, worker_id):
    """Seed ember, ``random`` and NumPy's global state in worker ``worker_id``; returns the
    worker's seed, ``base_seed + worker_id``."""
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    # NumPy's 32-bit seed words, spread from both numbers so neighbouring seeds do not
    # give correlated streams.
    state = np.random.SeedSequence(base_seed, spawn_key=(worker_id,)).generate_state(4)
    np.random.seed(state)
    return seed


def worker_loop(spec, dataset, index_queue, result_queue, done_event, worker_id, base_seed):
    """The body of worker ``worker_id``: fetch the batches named in ``index_queue`` and put
    them (through shared memory) or their exceptions on ``result_queue``."""
    global _worker_info
    orphaned = False
    try:
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(
            id=worker_id, num_workers=spec.num_workers, seed=seed, dataset=dataset
        )
        where = f"in DataLoader worker process {worker_id}"
        fetcher, init_error = _start(spec, dataset, worker_id, where, init=True)
        prefix = f"{spec.shm_prefix}_w{worker_id}"
        counter = 0
        iteration_end = False
        # The process that started this worker (the main process, or the forkserver): when it
        # goes, nobody will ask for batches any more.
        parent = os.getppid()
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if isinstance(task, ResumeIteration):
                fetcher, init_error = _start(spec, dataset, worker_id, where, init=False)
                iteration_end = False
                result_queue.put((task, None))
                continue
            if done_event.is_set() or iteration_end:
                continue  # draining: the main process wants no more batches
            idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                data = _fetch(spec, fetcher, index, worker_id, where)
                iteration_end = isinstance(data, IterableDatasetStopIteration)
                if not iteration_end and not isinstance(data, ExceptionWrapper):
                    try:
                        data = _shared_memory.pack(data, prefix, counter)
                        counter += 1
                    except Exception:
                        data = ExceptionWrapper(where=where)
            result_queue.put((idx, data))
            del data, task, index
        orphaned = os.getppid() != parent
        if orphaned:
            # The batches this worker sent will never be received and unlinked.
            _shared_memory.sweep(prefix + "_")
    except KeyboardInterrupt:
        pass  # the main process handles the interrupt and shuts the workers down
    if done_event.is_set() or orphaned:
        # Exit without flushing results nobody will read (a full pipe would block forever).
        result_queue.cancel_join_thread()
        result_queue.close()


def _start(spec, dataset, worker_id, where, init):
    """A new fetcher (after ``worker_init_fn`` on the first start), or the error to report."""
    try:
        if init and spec.worker_init_fn is not None:
            spec.worker_init_fn(worker_id)
        fetcher = make_fetcher(
            spec.is_iterable, dataset, spec.auto_collation, spec.collate_fn, spec.drop_last
        )
        return fetcher, None
    except Exception:
        return None, ExceptionWrapper(where=where)


def _fetch(spec, fetcher, index, worker_id, where):
    try:
        return fetcher.fetch(index)
    except StopIteration:
        if spec.is_iterable:
            return IterableDatasetStopIteration(worker_id)
        return ExceptionWrapper(where=where)
    except Exception:
        return ExceptionWrapper(where=where)
