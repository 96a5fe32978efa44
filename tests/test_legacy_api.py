"""PyTorch's older API that programs still use: the legacy tensor types (``FloatTensor``...),
``Tensor.type()``, the ``is_<device>`` flags and ``spmm`` on dense inputs; against PyTorch."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

LEGACY = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "BFloat16Tensor",
    "LongTensor",
    "IntTensor",
    "ShortTensor",
    "CharTensor",
    "ByteTensor",
    "BoolTensor",
]


def _dtype_name(d):
    return str(d).split(".")[-1]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_type_called_with_sizes(name):
    ours, theirs = getattr(ember, name)(2, 3), getattr(torch, name)(2, 3)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert _dtype_name(ours.dtype) == _dtype_name(theirs.dtype)
    assert _dtype_name(getattr(ember, name).dtype) == _dtype_name(getattr(torch, name).dtype)


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("data", [[1.5, 0.0, 2.0], (2, 3), np.array([1, 0, 3])], ids=str)
def test_legacy_type_called_with_data(name, data):
    ours, theirs = getattr(ember, name)(data), getattr(torch, name)(data)
    assert _dtype_name(ours.dtype) == _dtype_name(theirs.dtype)
    assert ours.float().tolist() == theirs.float().tolist()


@pytest.mark.parametrize(
    "args", [(), (ember.Size([2, 3]),), (0,)], ids=["no args", "Size", "zero size"]
)
def test_legacy_type_empty_and_size_arguments(args):
    targs = tuple(torch.Size(a) if isinstance(a, ember.Size) else a for a in args)
    assert tuple(ember.FloatTensor(*args).shape) == tuple(torch.FloatTensor(*targs).shape)
    assert tuple(ember.Tensor(*args).shape) == tuple(torch.Tensor(*targs).shape)


def test_legacy_type_errors_as_pytorch():
    for T in (ember, torch):
        with pytest.raises(TypeError, match="data must be a sequence"):
            T.FloatTensor(2.5)
        with pytest.raises(TypeError):
            T.FloatTensor(T.ones(2, dtype=T.float64))


def test_legacy_type_of_same_dtype_tensor_shares_memory():
    for T in (ember, torch):
        t = T.zeros(2)
        alias = T.FloatTensor(t)
        alias[0] = 5
        assert t.tolist() == [5.0, 0.0]


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
def test_isinstance_with_legacy_type_checks_dtype(name, dtype):
    ours = isinstance(ember.zeros(2, dtype=getattr(ember, dtype)), getattr(ember, name))
    theirs = isinstance(torch.zeros(2, dtype=getattr(torch, dtype)), getattr(torch, name))
    assert ours == theirs
    assert issubclass(getattr(ember, name), ember.Tensor) == issubclass(
        getattr(torch, name), torch.Tensor
    )


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool"]
)
def test_tensor_type_name_is_pytorchs(dtype):
    assert (
        ember.zeros(2, dtype=getattr(ember, dtype)).type()
        == torch.zeros(2, dtype=getattr(torch, dtype)).type()
    )


def test_tensor_type_name_on_another_device_names_the_device():
    from ember.testing import device as test_device

    test_device.register()
    t = ember.zeros(2).to(test_device.NAME)
    assert t.type() == f"torch.{test_device.NAME}.FloatTensor"
    assert not isinstance(t, ember.FloatTensor)
    back = t.type("torch.DoubleTensor")
    assert back.device.type == "cpu" and back.dtype == ember.float64


@pytest.mark.parametrize(
    "target",
    ["torch.DoubleTensor", "torch.IntTensor", "DoubleTensor-class", "float64", "float32"],
)
def test_tensor_type_converts_as_pytorch(target):
    results = []
    for T in (ember, torch):
        if target.endswith("-class"):
            arg = getattr(T, target.split("-")[0])
        elif target.startswith("torch."):
            arg = target
        else:
            arg = getattr(T, target)
        t = T.tensor([1.5, -2.0])
        out = t.type(arg)
        results.append((_dtype_name(out.dtype), out.tolist(), out is t))
    assert results[0] == results[1]


def test_tensor_type_accepts_ember_names_and_rejects_unknown_ones():
    assert ember.ones(2).type("ember.LongTensor").dtype == ember.int64
    for T in (ember, torch):
        with pytest.raises(ValueError, match="invalid type: 'torch.Foo'"):
            T.ones(2).type("torch.Foo")
        with pytest.raises(TypeError, match="dtype must be a type, str, or dtype object"):
            T.ones(2).type(5)


@pytest.mark.parametrize(
    "flag",
    ["is_xpu", "is_mps", "is_meta", "is_mkldnn", "is_vulkan", "is_ipu", "is_xla", "is_mtia"]
    + ["is_maia", "is_sparse", "is_sparse_csr", "is_quantized", "is_cuda", "is_cpu"],
)
def test_device_and_layout_flags_as_pytorch(flag):
    assert getattr(ember.ones(2), flag) == getattr(torch.ones(2), flag)


def test_spmm_on_dense_inputs_is_mm():
    a = np.arange(6.0).reshape(2, 3)
    b = np.arange(6.0).reshape(3, 2)
    ours = ember.spmm(ember.tensor(a), ember.tensor(b))
    theirs = torch.spmm(torch.tensor(a), torch.tensor(b))
    assert ours.tolist() == theirs.tolist()
    for T in (ember, torch):
        with pytest.raises(RuntimeError, match="mat2 must be a matrix"):
            T.spmm(T.ones(2, 3), T.ones(3))
