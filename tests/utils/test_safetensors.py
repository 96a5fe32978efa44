"""ember.utils.safetensors against the safetensors package (numpy and torch front ends)."""

import ml_dtypes
import numpy as np
import pytest
import safetensors
import safetensors.numpy
import safetensors.torch
import torch

import ember
import ember.nn as nn
from ember.utils import safetensors as est

DTYPES = ["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8"]
DTYPES += ["uint8", "bool"]


def _np(dtype):
    return ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)


def _values(dtype, shape=(2, 3), seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-3, 3, size=shape).astype(_np(dtype))


def _torch(array):
    if array.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(array.copy())


def _torch_array(t):
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def _mixed():
    arrays = {f"t_{d}": _values(d, seed=i) for i, d in enumerate(DTYPES)}
    arrays["scalar"] = np.array(2.5, np.float32)
    arrays["empty"] = np.zeros((0, 4), np.float32)
    return arrays


def test_save_bytes_identical_to_package():
    arrays = _mixed()
    # One metadata key: the package writes several in an unspecified (hash) order.
    meta = {"note": "ünïcode"}
    ours = est.save({k: ember.from_numpy(v) for k, v in arrays.items()}, metadata=meta)
    theirs = safetensors.torch.save({k: _torch(v) for k, v in arrays.items()}, metadata=meta)
    assert ours == theirs


@pytest.mark.parametrize("dtype", DTYPES)
def test_our_file_loads_in_package(tmp_path, dtype):
    values = _values(dtype, (3, 4))
    est.save_file({"x": ember.from_numpy(values)}, tmp_path / "a.safetensors")
    loaded = safetensors.torch.load_file(tmp_path / "a.safetensors")
    assert str(loaded["x"].dtype) == f"torch.{dtype}"
    np.testing.assert_array_equal(_torch_array(loaded["x"]), values)
    if dtype != "bfloat16":
        via_numpy = safetensors.numpy.load_file(tmp_path / "a.safetensors")
        np.testing.assert_array_equal(via_numpy["x"], values)


@pytest.mark.parametrize("dtype", DTYPES)
def test_package_file_loads_in_ours(tmp_path, dtype):
    values = _values(dtype, (4, 2))
    safetensors.torch.save_file({"y": _torch(values)}, tmp_path / "b.safetensors")
    loaded = est.load_file(tmp_path / "b.safetensors")
    assert loaded["y"].dtype.name == dtype
    np.testing.assert_array_equal(loaded["y"]._data, values)


def test_load_bytes_round_trip_keeps_order_shapes_and_writability():
    arrays = _mixed()
    data = safetensors.numpy.save({k: v for k, v in arrays.items() if k != "t_bfloat16"})
    loaded = est.load(data)
    assert set(loaded) == set(arrays) - {"t_bfloat16"}
    for k, t in loaded.items():
        assert t.shape == arrays[k].shape
        np.testing.assert_array_equal(t._data, arrays[k])
    loaded["scalar"].add_(1.0)  # tensors own writable memory
    assert loaded["scalar"].item() == 3.5


def test_load_file_order_matches_package(tmp_path):
    tensors = {"b": ember.zeros(2), "a": ember.ones(3, dtype=ember.int8), "c": ember.ones(1, 2)}
    est.save_file(tensors, tmp_path / "o.safetensors")
    assert list(est.load_file(tmp_path / "o.safetensors")) == list(
        safetensors.torch.load_file(tmp_path / "o.safetensors")
    )


def test_metadata_round_trip_through_package(tmp_path):
    est.save_file({"x": ember.ones(2)}, tmp_path / "m.safetensors", metadata={"epoch": "3"})
    with safetensors.safe_open(tmp_path / "m.safetensors", framework="np") as f:
        assert f.metadata() == {"epoch": "3"}
    assert est.load_metadata(tmp_path / "m.safetensors") == {"epoch": "3"}


def test_save_file_is_atomic_and_leaves_no_temporary(tmp_path):
    est.save_file({"x": ember.ones(2)}, tmp_path / "w.safetensors")
    est.save_file({"x": ember.zeros(2)}, tmp_path / "w.safetensors")
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]
    assert est.load_file(tmp_path / "w.safetensors")["x"].sum().item() == 0.0


def test_save_refuses_shared_and_non_contiguous_as_package():
    base = ember.arange(6.0)
    with pytest.raises(RuntimeError, match="share memory"):
        est.save({"a": base, "b": base[2:]})
    with pytest.raises(RuntimeError, match="share memory"):
        tbase = torch.arange(6.0)
        safetensors.torch.save({"a": tbase, "b": tbase[2:]})
    with pytest.raises(ValueError, match="non contiguous tensor: `t`"):
        est.save({"t": ember.ones(2, 3).T})
    with pytest.raises(ValueError, match="expected torch.Tensor"):
        est.save({"x": np.ones(2)})


def test_disjoint_views_of_one_buffer_are_not_shared():
    base = ember.arange(6.0)
    loaded = est.load(est.save({"lo": base[:3], "hi": base[3:]}))
    np.testing.assert_array_equal(loaded["hi"]._data, [3.0, 4.0, 5.0])


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda b: b[:5], "HeaderTooSmall"),
        (lambda b: b[:20], "InvalidHeaderLength"),
        (lambda b: b[:-1], "MetadataIncompleteBuffer|TensorInvalidInfo|InvalidOffset"),
        (lambda b: b + b"\0\0\0\0", "MetadataIncompleteBuffer"),
        (lambda b: b[:8] + b"[" + b[9:], "InvalidHeader"),
    ],
    ids=["tiny", "header-cut", "data-cut", "extra-bytes", "bad-json"],
)
def test_corrupt_buffers_raise_safetensor_error(mutate, match):
    data = est.save({"a": ember.ones(2, 2), "b": ember.zeros(3)})
    with pytest.raises(est.SafetensorError, match=match):
        est.load(mutate(data))


def test_header_with_bad_shape_raises_safetensor_error():
    bad = b'{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}'
    with pytest.raises(est.SafetensorError, match="'x'"):
        est.load(len(bad).to_bytes(8, "little") + bad + b"\0" * 4)


def test_load_file_error_names_the_file(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(b"\x01\x00")
    with pytest.raises(est.SafetensorError, match="bad.safetensors"):
        est.load_file(path)


def _tied_pair(lib):
    model = lib.nn.Sequential(lib.nn.Embedding(5, 3), lib.nn.Linear(3, 5, bias=False))
    model[1].weight = model[0].weight  # tied input and output embeddings
    return model


def test_save_model_drops_tied_names_like_package(tmp_path):
    ember.manual_seed(0)
    model = _tied_pair(ember)
    est.save_model(model, tmp_path / "ours.safetensors")
    tmodel = _tied_pair(torch)
    safetensors.torch.save_model(tmodel, tmp_path / "theirs.safetensors")
    ours = safetensors.torch.load_file(tmp_path / "ours.safetensors")
    theirs = safetensors.torch.load_file(tmp_path / "theirs.safetensors")
    assert list(ours) == list(theirs) == ["0.weight"]
    assert est.load_metadata(tmp_path / "ours.safetensors") == {"1.weight": "0.weight"}
    np.testing.assert_array_equal(ours["0.weight"].numpy(), model[0].weight.detach().numpy())


def test_load_model_counts_tied_names_as_loaded(tmp_path):
    ember.manual_seed(0)
    source = _tied_pair(ember)
    est.save_model(source, tmp_path / "m.safetensors")
    target = _tied_pair(ember)
    missing, unexpected = est.load_model(target, tmp_path / "m.safetensors")
    assert missing == set() and unexpected == []
    np.testing.assert_array_equal(target[1].weight._data, source[0].weight._data)


def test_load_model_from_package_file_and_strict_error(tmp_path):
    tmodel = torch.nn.Linear(3, 2)
    safetensors.torch.save_model(tmodel, tmp_path / "lin.safetensors")
    model = nn.Linear(3, 2)
    assert est.load_model(model, tmp_path / "lin.safetensors") == (set(), [])
    np.testing.assert_array_equal(model.weight._data, tmodel.weight.detach().numpy())
    bigger = nn.Sequential(nn.Linear(3, 2))
    with pytest.raises(RuntimeError) as ours:
        est.load_model(bigger, tmp_path / "lin.safetensors")
    with pytest.raises(RuntimeError) as theirs:
        safetensors.torch.load_model(
            torch.nn.Sequential(torch.nn.Linear(3, 2)), tmp_path / "lin.safetensors"
        )
    assert str(ours.value) == str(theirs.value)
    missing, unexpected = est.load_model(bigger, tmp_path / "lin.safetensors", strict=False)
    assert missing == {"0.weight", "0.bias"} and sorted(unexpected) == ["bias", "weight"]


def test_save_model_non_contiguous_hint(tmp_path):
    model = nn.Linear(3, 2)
    model.weight.data = model.weight.data.T.contiguous().T
    with pytest.raises(ValueError, match="force_contiguous=True"):
        est.save_model(model, tmp_path / "nc.safetensors", force_contiguous=False)
    est.save_model(model, tmp_path / "nc.safetensors")
    loaded = est.load_file(tmp_path / "nc.safetensors")
    np.testing.assert_array_equal(loaded["weight"]._data, model.weight._data)
