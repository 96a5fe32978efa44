"""Devices as PyTorch has them: construction, the default device, and CUDA's absence."""

import importlib.util
import pickle

import pytest
import torch

import ember

NO_CUDA = not ember.cuda.is_available()


@pytest.mark.parametrize(
    "args", [("cuda",), ("cuda:1",), ("cuda", 0), ("cuda", 3), ("cpu", 0), ("cpu",)]
)
def test_device_constructs_as_torch(args):
    d, t = ember.device(*args), torch.device(*args)
    assert repr(d) == repr(t)
    assert str(d) == str(t)
    assert (d.type, d.index) == (t.type, t.index)
    assert pickle.loads(pickle.dumps(d)) == d


@pytest.mark.skipif(not NO_CUDA, reason="device(0) names a GPU where there is one")
def test_device_index_alone_needs_an_accelerator():
    with pytest.raises(RuntimeError, match="Cannot access accelerator device") as theirs:
        torch.device(0)
    with pytest.raises(RuntimeError, match=str(theirs.value).rstrip(".")):
        ember.device(0)


def test_device_errors_match_torch():
    for bad in ("cuda:x", "cuda:-1"):
        with pytest.raises(RuntimeError):
            torch.device(bad)
        with pytest.raises(RuntimeError):
            ember.device(bad)
    with pytest.raises(RuntimeError, match="must not include an index"):
        ember.device("cuda:0", 1)


@pytest.mark.skipif(
    importlib.util.find_spec("cupy") is not None,
    reason="checks the errors raised where CuPy (ember's CUDA build) is not installed",
)
def test_allocation_without_cuda_raises_as_torch():
    with pytest.raises(AssertionError) as theirs:
        torch.zeros(1, device="cuda")
    assert "not compiled with CUDA enabled" in str(theirs.value)
    for call in (
        lambda: ember.ones(2).to("cuda"),
        lambda: ember.ones(2).cuda(),
        lambda: ember.device("cuda").xp,
        lambda: ember.cuda.current_device(),
        lambda: ember.cuda.synchronize(),
        lambda: ember.cuda.get_device_name(),
    ):
        with pytest.raises(AssertionError, match="not compiled with CUDA enabled"):
            call()


@pytest.mark.skipif(not NO_CUDA, reason="checks the quiet answers without CUDA")
def test_cuda_queries_are_quiet_without_cuda():
    assert ember.cuda.is_available() is torch.cuda.is_available() is False
    assert ember.cuda.device_count() == torch.cuda.device_count() == 0
    assert ember.cuda.memory_allocated() == torch.cuda.memory_allocated() == 0
    assert ember.cuda.max_memory_allocated() == 0
    assert ember.cuda.memory_reserved() == 0
    assert ember.cuda.is_bf16_supported() is False
    ember.cuda.empty_cache()
    ember.cuda.reset_peak_memory_stats()
    assert ember.cuda.manual_seed(0) is None and ember.cuda.manual_seed_all(0) is None
    assert ember.accelerator.is_available() is torch.accelerator.is_available()
    assert ember.accelerator.current_accelerator() is None
    assert ember.accelerator.device_count() == 0
    with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
        ember.accelerator.current_device_index()
    with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
        torch.accelerator.current_device_index()


def test_backend_flags_as_torch():
    assert ember.backends.cudnn.benchmark == torch.backends.cudnn.benchmark
    assert ember.backends.cudnn.deterministic == torch.backends.cudnn.deterministic
    assert ember.backends.cudnn.enabled == torch.backends.cudnn.enabled
    assert ember.backends.mps.is_available() is False
    assert ember.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    ember.backends.cudnn.benchmark = True
    ember.backends.cuda.matmul.allow_tf32 = True
    try:
        assert ember.backends.cudnn.benchmark is True
        assert ember.backends.cuda.matmul.allow_tf32 is True
    finally:
        ember.backends.cudnn.benchmark = False
        ember.backends.cuda.matmul.allow_tf32 = False
    assert ember.backends.cuda.matmul.allow_tf32 is False


def test_tensor_device_queries_on_cpu_match_torch():
    e, t = ember.ones(2), torch.ones(2)
    assert e.device == ember.device("cpu") and str(e.device) == str(t.device)
    assert e.get_device() == t.get_device() == -1
    assert e.is_cuda is t.is_cuda is False
    assert e.is_cpu is t.is_cpu is True
    assert e.cpu() is e
    assert e.to("cpu") is e and e.to(ember.device("cpu")) is e
    c = e.to("cpu", copy=True)
    assert c is not e and c.data_ptr() != e.data_ptr()


def test_default_device_is_cpu_and_settable():
    from ember.testing import device as test_device

    assert ember.get_default_device() == ember.device("cpu")
    assert repr(ember.get_default_device()) == repr(torch.get_default_device())
    dev = test_device.register()
    ember.set_default_device(test_device.NAME)
    try:
        assert ember.get_default_device() == ember.device(test_device.NAME)
        assert ember.Tensor([1.0, 2.0]).device == dev
    finally:
        ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu")
    with ember.device(test_device.NAME):
        assert ember.get_default_device().type == test_device.NAME
    assert ember.get_default_device() == ember.device("cpu")


def test_import_ember_does_not_import_cupy():
    import subprocess
    import sys

    code = "import sys, ember; ember.cuda.is_available(); print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    if importlib.util.find_spec("cupy") is None:
        assert out.stdout.strip() == "False"
    code = "import sys, ember; print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
