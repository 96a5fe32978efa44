"""``ember.cuda`` on a GPU, against ``torch.cuda`` (the module skips without CUDA)."""

import pickle

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close

pytestmark = pytest.mark.skipif(
    not (ember.cuda.is_available() and torch.cuda.is_available()),
    reason="needs a GPU visible to both CuPy and PyTorch",
)


def test_device_queries_match_torch():
    assert ember.cuda.device_count() == torch.cuda.device_count()
    assert ember.cuda.current_device() == torch.cuda.current_device()
    assert ember.cuda.get_device_name() == torch.cuda.get_device_name()
    assert ember.cuda.get_device_capability() == torch.cuda.get_device_capability()
    ours, theirs = ember.cuda.get_device_properties(0), torch.cuda.get_device_properties(0)
    assert (ours.name, ours.major, ours.minor) == (theirs.name, theirs.major, theirs.minor)
    assert ours.multi_processor_count == theirs.multi_processor_count
    assert abs(ours.total_memory - theirs.total_memory) < 64 * 2**20
    assert ember.cuda.is_bf16_supported() in (True, False)
    assert ember.accelerator.current_accelerator() == ember.device("cuda")
    assert ember.accelerator.current_device_index() == 0
    with ember.cuda.device(0):
        assert ember.cuda.current_device() == 0
    ember.cuda.set_device(0)
    ember.cuda.synchronize()
    ember.accelerator.synchronize()


def test_cuda_tensors_as_torch():
    e = ember.tensor([1.0, 2.5]).cuda()
    t = torch.tensor([1.0, 2.5]).cuda()
    assert repr(e).replace("ember", "torch") == repr(t)
    assert str(e.device) == str(t.device) == "cuda:0"
    assert e.is_cuda and not e.is_cpu and e.get_device() == t.get_device() == 0
    with pytest.raises(TypeError) as ours:
        e.numpy()
    with pytest.raises(TypeError) as theirs:
        t.numpy()
    assert str(ours.value) == str(theirs.value)
    assert e.tolist() == t.tolist() and e.sum().item() == t.sum().item()
    u = pickle.loads(pickle.dumps(e))
    assert u.device == e.device and u.tolist() == e.tolist()
    with pytest.raises(RuntimeError, match="cuda:0 and cpu!"):
        e + ember.ones(2)
    assert_close((e * ember.tensor(2.0)).cpu(), torch.tensor([2.0, 5.0]))


def test_dlpack_with_torch_cuda_shares_memory():
    t = torch.arange(4.0, device="cuda")
    e = ember.from_dlpack(t)
    assert e.device == ember.device("cuda", 0)
    e[0] = 9.0
    torch.cuda.synchronize()
    assert t[0].item() == 9.0
    back = torch.from_dlpack(ember.arange(3.0).cuda())
    assert back.device.type == "cuda" and back.tolist() == [0.0, 1.0, 2.0]


def test_memory_counters_follow_allocations():
    ember.cuda.empty_cache()
    ember.cuda.reset_peak_memory_stats()
    before = ember.cuda.memory_allocated()
    x = ember.zeros(1024, 1024).cuda()  # 4 MiB
    assert ember.cuda.memory_allocated() >= before + 4 * 2**20
    assert ember.cuda.max_memory_allocated() >= ember.cuda.memory_allocated()
    assert ember.cuda.memory_reserved() >= ember.cuda.memory_allocated()
    del x
    assert ember.cuda.memory_allocated() <= before + 2**20


def test_streams_and_events():
    s = ember.cuda.Stream()
    start = ember.cuda.Event(enable_timing=True)
    end = ember.cuda.Event(enable_timing=True)
    with ember.cuda.stream(s):
        assert ember.cuda.current_stream() == s
        start.record()
        x = ember.ones(512, 512).cuda()
        (x @ x).sum()
        end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) >= 0.0
    s.synchronize()
    assert s.query()
    ember.cuda.current_stream().wait_stream(s)


def test_default_device_cuda_and_module_to():
    ember.set_default_device("cuda")
    try:
        t = ember.Tensor([1.0, 2.0])
        assert t.device == ember.device("cuda", 0)
        assert repr(t) == "tensor([1., 2.], device='cuda:0')"  # shown, as PyTorch shows it
    finally:
        ember.set_default_device(None)
    m = ember.nn.Linear(3, 2).cuda()
    assert m.weight.device == ember.device("cuda", 0)
    out = m(ember.ones(4, 3).cuda()).sum()
    out.backward()
    assert m.weight.grad.device == m.weight.device
    m.cpu()
    assert m.weight.device == ember.device("cpu") and m.weight.grad.device == m.weight.device


def test_tf32_flag_reaches_cupy():
    from cupy._core import _routines_linalg as linalg

    ember.backends.cuda.matmul.allow_tf32 = True
    try:
        expected = linalg.COMPUTE_TYPE_TF32 if ember.cuda.get_device_capability()[0] >= 8 else None
        if expected is not None:
            assert linalg.get_compute_type(np.float32) == expected
    finally:
        ember.backends.cuda.matmul.allow_tf32 = False
    assert linalg.get_compute_type(np.float32) == linalg.COMPUTE_TYPE_DEFAULT
