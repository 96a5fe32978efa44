"""Checkpoints of tensors on another device: the saved location, map_location, shared storage.

The test device (ember.testing.device) stands in for a GPU on any machine; the 'cuda' cases
run where CuPy sees a GPU.
"""

import io

import numpy as np
import pytest
import torch

import ember
from ember.serialization._pickling import address
from ember.testing.device import NAME, devices
from ember.utils import safetensors as est

OTHER_DEVICES = [d for d in devices(test=True) if getattr(d, "values", (d,))[0] != "cpu"]


def _saved(obj):
    buf = io.BytesIO()
    ember.save(obj, buf)
    return buf.getvalue()


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_device_tensors_load_back_on_their_device_sharing_storage(device):
    x = ember.arange(6.0).to(device)
    loaded = ember.load(io.BytesIO(_saved({"x": x, "tail": x[2:]})))
    assert loaded["x"].device == x.device and loaded["tail"].device == x.device
    # One storage moved once: the view starts two elements into the base's device memory.
    assert address(loaded["tail"]._data) == address(loaded["x"]._data) + 2 * 4
    assert loaded["tail"].cpu().numpy().tolist() == [2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_device_file_loads_on_cpu_in_ember_and_torch(device):
    x = ember.arange(6.0).reshape(2, 3).to(device)
    data = _saved({"x": x.T})
    loc = "cuda:0" if device == "cuda" else f"{NAME}:0"
    assert loc.encode() in data  # the storage names its device, as torch.save writes it
    ours = ember.load(io.BytesIO(data), map_location="cpu")["x"]
    theirs = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)["x"]
    assert ours.device == ember.device("cpu")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_cpu_file_maps_to_device(device):
    buf = io.BytesIO()
    torch.save({"x": torch.arange(4.0), "n": torch.tensor(3)}, buf)
    for map_location in (device, ember.device(device), {"cpu": device}):
        loaded = ember.load(io.BytesIO(buf.getvalue()), map_location=map_location)
        assert loaded["x"].device.type == loaded["n"].device.type == ember.device(device).type
        assert loaded["x"].cpu().numpy().tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_safetensors_from_and_to_device(tmp_path, device):
    base = ember.arange(6.0).to(device)
    with pytest.raises(RuntimeError, match="share memory"):
        est.save({"a": base, "b": base[1:]})
    est.save_file({"a": base, "b": ember.ones(2).to(device)}, tmp_path / "d.safetensors")
    on_cpu = est.load_file(tmp_path / "d.safetensors")
    assert on_cpu["a"].numpy().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    moved = est.load_file(tmp_path / "d.safetensors", device=device)
    assert moved["a"].device == base.device


def test_unknown_saved_location_is_refused_with_its_name():
    data = _saved({"x": ember.ones(2)}).replace(b"X\x03\x00\x00\x00cpu", b"X\x03\x00\x00\x00xyz")
    with pytest.raises(RuntimeError, match="don't know how to restore data location 'xyz'"):
        ember.load(io.BytesIO(data))
