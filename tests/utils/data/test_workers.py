"""Real worker processes: order, seeds, shared memory, errors, dead workers, timeouts, and
that no process or shared-memory segment outlives its iterator."""

import faulthandler
import mmap
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata

from ._structure import plain

SHM_DIR = "/dev/shm"


def _our_segments():
    if not os.path.isdir(SHM_DIR):
        return []
    return [n for n in os.listdir(SHM_DIR) if n.startswith(f"ember_dl_{os.getpid()}_")]


@pytest.fixture(autouse=True)
def _no_leftovers():
    before = set(multiprocessing.active_children())  # children of other tests are not ours
    yield
    assert set(multiprocessing.active_children()) <= before
    assert _our_segments() == []


class _Rows(edata.Dataset):
    """Rows of a fixed array; some indices misbehave in the worker that reads them."""

    def __init__(self, n=12, fail_at=None, kill_at=None, sleep_at=None):
        self.data = np.arange(n * 4, dtype=np.float32).reshape(n, 4)
        self.fail_at, self.kill_at, self.sleep_at = fail_at, kill_at, sleep_at

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ZeroDivisionError(f"row {i} is broken")
        if self.kill_at is not None and i == self.kill_at[0]:
            faulthandler.disable()  # a simulated crash needs no dump of this process's stack
            os.kill(os.getpid(), self.kill_at[1])
        if i == self.sleep_at:
            time.sleep(0.4)
        return ember.from_numpy(self.data[i]), i


class _TorchRows(tdata.Dataset):
    def __init__(self, n=12):
        self.data = np.arange(n * 4, dtype=np.float32).reshape(n, 4)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return torch.from_numpy(self.data[i]), i


def test_batches_come_back_in_sampler_order_as_torch():
    kwargs = {"batch_size": 3, "num_workers": 2, "sampler": [5, 0, 11, 3, 3, 8, 1, 2, 9, 10]}
    ours = list(edata.DataLoader(_Rows(), **kwargs))
    theirs = list(tdata.DataLoader(_TorchRows(), **kwargs))
    assert plain(ours) == plain(theirs)


def test_batch_arrays_arrive_through_shared_memory():
    (x, i), *_ = list(edata.DataLoader(_Rows(), batch_size=4, num_workers=2))
    base = x._data
    while isinstance(base, np.ndarray):
        base = base.base
    assert isinstance(base, mmap.mmap)
    x[0, 0] = -1.0  # writable, and the worker's copy is not affected
    assert x.tolist()[0][0] == -1.0 and i.tolist() == [0, 1, 2, 3]


class _Seeds(edata.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = edata.get_worker_info()
        return {
            "id": info.id,
            "seed": info.seed,
            "initial": ember.initial_seed(),
            "ember": ember.rand(1).item(),
            "numpy": float(np.random.rand()),
            "random": random.random(),
        }


def _epoch_seeds(loader):
    return {b["id"].item(): {k: v.tolist() for k, v in b.items()} for b in loader}


def test_worker_seeds_differ_per_worker_and_epoch_and_reproduce():
    loader = edata.DataLoader(_Seeds(), batch_size=1, num_workers=2, sampler=[0, 1])
    ember.manual_seed(0)
    first, second = _epoch_seeds(loader), _epoch_seeds(loader)
    ember.manual_seed(0)
    assert _epoch_seeds(loader) == first
    w0, w1 = first[0], first[1]
    assert w1["seed"][0] == w0["seed"][0] + 1  # base_seed + worker_id, as PyTorch
    assert w0["initial"] == w0["seed"] and w1["initial"] == w1["seed"]
    for key in ("ember", "numpy", "random"):
        assert w0[key] != w1[key]
        assert first[0][key] != second[0][key]


def test_worker_base_seed_comes_from_loader_generator():
    def seeds():
        g = ember.Generator().manual_seed(11)
        loader = edata.DataLoader(_Seeds(), num_workers=2, sampler=[0, 1], generator=g)
        return _epoch_seeds(loader)

    ember.manual_seed(1)
    first = seeds()
    ember.manual_seed(2)
    assert seeds() == first


def test_get_worker_info_is_none_in_main_process():
    assert edata.get_worker_info() is None


class _Tagged(edata.Dataset):
    tag = None

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.tag, os.getpid()


def _tag_worker(worker_id):
    info = edata.get_worker_info()
    info.dataset.tag = 100 + worker_id
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo"):
        info.id = 5


def test_worker_init_fn_configures_each_worker_copy():
    loader = edata.DataLoader(_Tagged(), batch_size=1, num_workers=2, worker_init_fn=_tag_worker)
    tags = [b[0].item() for b in loader]
    assert tags == [100, 101, 100, 101]
    assert _Tagged.tag is None  # the main process's dataset is untouched


def test_worker_exception_reaches_main_with_type_worker_and_traceback():
    loader = edata.DataLoader(_Rows(fail_at=5), batch_size=2, num_workers=2)
    it = iter(loader)
    with pytest.raises(ZeroDivisionError) as info:
        for _ in it:
            pass
    message = str(info.value)
    assert message.startswith("Caught ZeroDivisionError in DataLoader worker process 0.")
    assert "Original Traceback (most recent call last)" in message
    assert "in __getitem__" in message and "row 5 is broken" in message
    del info, it


def test_worker_init_fn_exception_is_reported():
    def broken_init(worker_id):
        raise ValueError(f"no init for {worker_id}")

    loader = edata.DataLoader(list(range(4)), num_workers=1, worker_init_fn=broken_init)
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0") as e:
        list(loader)
    del e


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_dead_worker_raises_runtime_error(sig):
    loader = edata.DataLoader(_Rows(kill_at=(4, sig)), batch_size=2, num_workers=2)
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited") as e:
        list(loader)
    assert signal.Signals(sig).name in str(e.value)
    del e


def test_timeout_raises_torch_message():
    loader = edata.DataLoader(_Rows(sleep_at=0), num_workers=1, timeout=0.1)
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.1 seconds$") as e:
        list(loader)
    del e


def test_early_break_leaves_no_worker_or_segment():
    before = set(multiprocessing.active_children())
    for _batch in edata.DataLoader(_Rows(), batch_size=2, num_workers=2):
        assert len(multiprocessing.active_children()) == len(before) + 2
        break
    del _batch
    assert set(multiprocessing.active_children()) == before
    assert _our_segments() == []


def test_exception_in_main_loop_leaves_no_worker():
    before = set(multiprocessing.active_children())

    def train():
        for _ in edata.DataLoader(_Rows(), batch_size=2, num_workers=2):
            raise KeyError("user code failed")

    with pytest.raises(KeyError):
        train()
    assert set(multiprocessing.active_children()) == before
    assert _our_segments() == []


class _Shards(edata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = edata.get_worker_info()
        return iter(range(info.id, self.n, info.num_workers))


class _TorchShards(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = tdata.get_worker_info()
        return iter(range(info.id, self.n, info.num_workers))


@pytest.mark.parametrize("drop_last", [False, True])
def test_iterable_dataset_sharded_across_workers_matches_torch(drop_last):
    ours = edata.DataLoader(_Shards(11), batch_size=2, num_workers=2, drop_last=drop_last)
    theirs = tdata.DataLoader(_TorchShards(11), batch_size=2, num_workers=2, drop_last=drop_last)
    assert plain(list(ours)) == plain(list(theirs))


class _Pids(edata.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return i, os.getpid()


def test_persistent_workers_serve_every_epoch():
    loader = edata.DataLoader(_Pids(), batch_size=2, num_workers=2, persistent_workers=True)
    pids = [{p for b in loader for p in b[1].tolist()} for _ in range(3)]
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    shards = edata.DataLoader(_Shards(7), batch_size=2, num_workers=2, persistent_workers=True)
    epochs = [sorted(x for b in shards for x in b.tolist()) for _ in range(2)]
    assert epochs == [list(range(7))] * 2
    # An epoch left early: the next one still starts from the beginning.
    next(iter(loader))
    assert [b[0].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
    del loader, shards


def test_out_of_order_delivery_yields_every_batch():
    loader = edata.DataLoader(_Rows(), batch_size=2, num_workers=2, in_order=False)
    seen = sorted(i for _, idx in loader for i in idx.tolist())
    assert seen == list(range(12))


def test_prefetch_factor_and_len_with_workers():
    loader = edata.DataLoader(_Rows(), batch_size=5, num_workers=2, prefetch_factor=1)
    it = iter(loader)
    assert len(it) == len(loader) == 3
    assert [len(i) for _, i in it] == [5, 5, 2]
