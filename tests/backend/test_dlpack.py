"""DLPack exchange with PyTorch and NumPy (CPU), both ways, sharing memory."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.utils.dlpack import from_dlpack, to_dlpack


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_from_torch_shares_memory(dtype):
    t = torch.arange(6).reshape(2, 3).to(getattr(torch, dtype))
    e = ember.from_dlpack(t)
    assert str(e.dtype).split(".")[-1] == dtype and tuple(e.shape) == (2, 3)
    assert_close(e, t)
    if dtype != "bool":
        e[0, 0] = 5
        assert t[0, 0].item() == 5


def test_to_torch_shares_memory_both_protocols():
    e = ember.arange(4.0)
    t = torch.from_dlpack(e)
    t[1] = 7.0
    assert e.tolist() == [0.0, 7.0, 2.0, 3.0]
    t2 = torch.utils.dlpack.from_dlpack(to_dlpack(e))
    t2[2] = 9.0
    assert e.tolist() == [0.0, 7.0, 9.0, 3.0]
    assert e.__dlpack_device__() == t.__dlpack_device__() == (1, 0)


def test_legacy_capsule_and_numpy():
    t = torch.tensor([1.5, 2.5])
    e = from_dlpack(torch.utils.dlpack.to_dlpack(t))
    assert_close(e, t)
    a = np.arange(3.0)
    f = ember.from_dlpack(a)
    f[0] = 4.0
    assert a[0] == 4.0
    assert np.from_dlpack(ember.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_export_refuses_tensors_that_require_grad_as_torch():
    with pytest.raises(BufferError, match="require gradient"):
        torch.tensor([1.0], requires_grad=True).__dlpack__()
    with pytest.raises(BufferError, match="require gradient"):
        ember.tensor([1.0], requires_grad=True).__dlpack__()
