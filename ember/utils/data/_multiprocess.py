"""Multi-process loading: a pool of worker processes fed by per-worker index queues, answering
on one result queue, and the iterator that keeps batches in sampler order.

Note [worker lifetime]
The pool, not the iterator, owns the processes, queues and shared-memory prefix, and a
``weakref.finalize`` on the iterator shuts the pool down: when the iterator is garbage (an
early ``break``, an exception out of the loop), at the end of an epoch without persistent
workers, when a worker dies, and at interpreter exit. Shutdown asks the workers to stop,
terminates those that do not within a moment, frees the segments of batches never received,
and sweeps the prefix for segments a killed worker left behind.
"""

import itertools
import multiprocessing
import os
import queue
import signal
import time
import uuid
import weakref

from ember.utils.data import _shared_memory
from ember.utils.data._iterators import BaseIter
from ember.utils.data._worker import (
    ExceptionWrapper,
    IterableDatasetStopIteration,
    ResumeIteration,
    worker_loop,
)

__all__ = ["MultiProcessIter"]

# How often (seconds) a waiting main process checks that its workers are alive: a dead
# worker is reported within this interval rather than waited on forever.
STATUS_CHECK_INTERVAL = 0.5
# How long shutdown waits for a worker to leave on its own before terminating it.
_JOIN_TIMEOUT = 2.0


class WorkerSpec:
    """What every worker is started with (picklable, for the spawn start method)."""

    def __init__(self, loader, iterator, shm_prefix):
        self.is_iterable = iterator._is_iterable
        self.auto_collation = iterator._auto_collation
        self.collate_fn = iterator._collate_fn
        self.drop_last = iterator._drop_last
        self.worker_init_fn = loader.worker_init_fn
        self.num_workers = loader.num_workers
        self.shm_prefix = shm_prefix


def _exit_detail(worker_id, process):
    code = process.exitcode
    if code is not None and code < 0:
        try:
            how = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    return f"worker {worker_id} (pid {process.pid}) {how}"


class WorkerPool:
    """The worker processes of one iterator, their queues, and their clean shutdown."""

    def __init__(self, context, spec, dataset, base_seed):
        self.prefix = spec.shm_prefix
        self.result_queue = context.Queue()
        self.done_event = context.Event()
        self.index_queues = []
        self.workers = []
        self.closed = False
        for worker_id in range(spec.num_workers):
            index_queue = context.Queue()
            # Shutdown must not block on indices that a dead worker will never read.
            index_queue.cancel_join_thread()
            process = context.Process(
                target=worker_loop,
                args=(
                    spec,
                    dataset,
                    index_queue,
                    self.result_queue,
                    self.done_event,
                    worker_id,
                    base_seed,
                ),
                daemon=True,
            )
            process.start()
            self.index_queues.append(index_queue)
            self.workers.append(process)

    def get(self, timeout):
        """The next ``(task index, data)`` from any worker; RuntimeError when a worker has
        died or ``timeout`` seconds (when > 0) pass without a result."""
        if self.closed:
            raise RuntimeError("DataLoader's worker processes were shut down after an error")
        deadline = time.monotonic() + timeout if timeout > 0 else None
        while True:
            wait = STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = max(0.0, min(wait, deadline - time.monotonic()))
            try:
                return self.result_queue.get(timeout=wait)
            except queue.Empty:
                self.check_alive()
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None

    def check_alive(self):
        """Raise RuntimeError (and shut down) if any worker has exited."""
        dead = [(i, w) for i, w in enumerate(self.workers) if not w.is_alive()]
        if dead:
            pids = ", ".join(str(w.pid) for _, w in dead)
            details = "; ".join(_exit_detail(i, w) for i, w in dead)
            self.shutdown()
            raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly: {details}")

    def shutdown(self):
        """Stop the workers, free every segment of this pool and close the queues."""
        if self.closed:
            return
        self.closed = True
        self.done_event.set()
        for index_queue in self.index_queues:
            try:
                index_queue.put(None)
            except (OSError, ValueError):
                pass  # the queue is already closed
        for process in self.workers:
            process.join(timeout=_JOIN_TIMEOUT)
            if process.is_alive():
                process.terminate()
                process.join()
        self._drain()
        _shared_memory.sweep(self.prefix + "_")
        for q in (*self.index_queues, self.result_queue):
            q.cancel_join_thread()
            q.close()

    def _drain(self):
        # Batches produced but never received: their segments would outlive the pool.
        while True:
            try:
                _, data = self.result_queue.get(timeout=0.01)
            except (queue.Empty, OSError, ValueError, EOFError):
                return
            _shared_memory.discard(data)


class MultiProcessIter(BaseIter):
    """Sends key batches round-robin to the workers, ``prefetch_factor`` per worker ahead,
    and yields the results in sampler order (or as they arrive with ``in_order=False``)."""

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        self._persistent_workers = loader.persistent_workers
        context = loader.multiprocessing_context or multiprocessing.get_context()
        prefix = f"ember_dl_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        spec = WorkerSpec(loader, self, prefix)
        self._pool = WorkerPool(context, spec, self._dataset, self._base_seed)
        # See Note [worker lifetime].
        self._finalizer = weakref.finalize(self, self._pool.shutdown)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # the next task index to send
        self._rcvd_idx = 0  # the next task index to yield
        self._task_info = {}  # task index -> (worker id,) or (worker id, data)
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            self._resume_workers()
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _resume_workers(self):
        # Persistent workers restart their fetchers; results of the previous epoch still in
        # flight come before each worker's acknowledgement and are dropped.
        for index_queue in self._pool.index_queues:
            index_queue.put(ResumeIteration())
        pending = self._num_workers
        while pending > 0:
            idx, data = self._pool.get(self._timeout)
            if isinstance(idx, ResumeIteration):
                pending -= 1
            else:
                _shared_memory.discard(data)

    def _try_put_index(self):
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._workers_status[worker_id]:
                break
        else:
            return  # every worker has exhausted its iterable dataset
        self._pool.index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _next_data(self):
        while True:
            # Skip tasks that will never come back (sent to a worker whose dataset ended).
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            idx, data = self._pool.get(self._timeout)
            self._tasks_outstanding -= 1
            if isinstance(data, IterableDatasetStopIteration):
                self._workers_status[data.worker_id] = False
                self._try_put_index()
                continue
            data = _shared_memory.unpack(data)
            if idx == self._rcvd_idx:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process(data)
            if not self._in_order:
                del self._task_info[idx]
                return self._process(data)
            self._task_info[idx] += (data,)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown(self):
        self._pool.shutdown()
