"""ember.save / ember.load against torch.save / torch.load (../shared/docs/pth-format.md)."""

import collections
import io
import os
import pickle
import struct
import zipfile

import ml_dtypes
import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close

DTYPES = [
    "float64",
    "float32",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
]


def _np(dtype):
    return ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)


def _values(dtype, shape=(2, 3)):
    rng = np.random.default_rng(0)
    return rng.uniform(-3, 3, size=shape).astype(np.float64).astype(_np(dtype))


def _torch_tensor(array):
    array = np.asarray(array)
    if array.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(array.copy())


def _torch_array(t):
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_writes_ember_reads_every_dtype(tmp_path, dtype):
    values = _values(dtype)
    torch.save(
        {"x": _torch_tensor(values), "scalar": _torch_tensor(values[0, 0])}, tmp_path / "a.pt"
    )
    loaded = ember.load(tmp_path / "a.pt")
    assert loaded["x"].dtype.name == dtype
    np.testing.assert_array_equal(loaded["x"]._data, values)
    assert loaded["scalar"].shape == ()


@pytest.mark.parametrize("dtype", DTYPES)
def test_ember_writes_torch_reads_every_dtype(tmp_path, dtype):
    values = _values(dtype)
    ember.save({"x": ember.from_numpy(values)}, tmp_path / "a.pt")
    loaded = torch.load(tmp_path / "a.pt", weights_only=True)
    assert str(loaded["x"].dtype) == f"torch.{dtype}"
    np.testing.assert_array_equal(_torch_array(loaded["x"]), values)


def test_state_dict_with_metadata_and_nested_values_from_torch(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    obj = {
        "model": model.state_dict(),
        "opt": opt.state_dict(),
        "misc": ["text", b"bytes", {1, 2}, 3.5, None, True, (1, 2)],
    }
    torch.save(obj, tmp_path / "ckpt.pth")
    loaded = ember.load(tmp_path / "ckpt.pth")
    sd = loaded["model"]
    assert list(sd) == list(obj["model"])
    assert sd._metadata == obj["model"]._metadata
    for k, v in obj["model"].items():
        np.testing.assert_array_equal(sd[k]._data, v.numpy())
    assert sd["1.num_batches_tracked"].shape == ()
    step = loaded["opt"]["state"][0]["step"]
    assert step.dtype is ember.float32 and step.item() == 1.0
    assert loaded["misc"] == obj["misc"]


def test_ember_file_loads_with_torch_mmap_and_computed_offsets(tmp_path):
    sd = collections.OrderedDict(
        weight=ember.tensor(np.arange(12.0).reshape(3, 4), dtype=ember.float32),
        bias=ember.tensor([1.0, 2.0, 3.0]),
        empty=ember.zeros(0, 3),
        steps=ember.tensor(7),
    )
    ember.save(sd, tmp_path / "m.pth")
    for kwargs in ({"mmap": True}, {}):
        loaded = torch.load(tmp_path / "m.pth", weights_only=True, **kwargs)
        for k in sd:
            np.testing.assert_array_equal(loaded[k].numpy(), sd[k]._data)
    torch.utils.serialization.config.load.calculate_storage_offsets = True
    try:
        loaded = torch.load(tmp_path / "m.pth", weights_only=True)
    finally:
        torch.utils.serialization.config.load.calculate_storage_offsets = False
    np.testing.assert_array_equal(loaded["weight"].numpy(), sd["weight"]._data)
    linear = torch.nn.Linear(4, 3)
    linear.load_state_dict({"weight": loaded["weight"], "bias": loaded["bias"]})


def _payload_offsets(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        offsets = []
        for info in z.infolist():
            n, e = struct.unpack_from("<HH", data, info.header_offset + 26)
            offsets.append((info.filename, info.header_offset + 30 + n + e, info.file_size))
    return offsets


def test_bytes_match_torch_save_except_serialization_id(tmp_path):
    values = np.arange(20, dtype=np.float32).reshape(4, 5)
    tsd = collections.OrderedDict(a=torch.from_numpy(values.copy()), b=torch.tensor(3))
    tsd["a_t"] = tsd["a"].t()
    torch.save(tsd, tmp_path / "same.pth")
    expected = (tmp_path / "same.pth").read_bytes()
    esd = collections.OrderedDict(a=ember.from_numpy(values.copy()), b=ember.tensor(3))
    esd["a_t"] = esd["a"].T
    ember.save(esd, tmp_path / "same.pth")
    actual = (tmp_path / "same.pth").read_bytes()
    assert len(actual) == len(expected)
    for name, offset, size in _payload_offsets(actual):
        if size:
            assert offset % 64 == 0, name
    sid = [(o, s) for n, o, s in _payload_offsets(actual) if n.endswith("serialization_id")][0]
    differ = [i for i, (x, y) in enumerate(zip(actual, expected)) if x != y]
    outside = [i for i in differ if not sid[0] <= i < sid[0] + sid[1]]
    assert len(outside) <= 8  # the id's CRC, in its data descriptor and its directory entry


def test_empty_bytes_written_so_torch_weights_only_accepts_them(tmp_path):
    ember.save({"empty": b"", "some": b"abc"}, tmp_path / "b.pth")
    assert torch.load(tmp_path / "b.pth", weights_only=True) == {"empty": b"", "some": b"abc"}


def test_shared_storage_round_trip(tmp_path):
    base = ember.tensor(np.arange(12.0).reshape(3, 4))
    obj = {"base": base, "slice": base[1], "t": base.T, "tied": base}
    ember.save(obj, tmp_path / "s.pth")
    t = torch.load(tmp_path / "s.pth", weights_only=True)
    ptr = t["base"].untyped_storage().data_ptr()
    assert all(t[k].untyped_storage().data_ptr() == ptr for k in obj)
    np.testing.assert_array_equal(t["t"].numpy(), base._data.T)
    e = ember.load(tmp_path / "s.pth")
    e["base"]._data[1, 0] = 100.0
    assert e["slice"]._data[0] == 100.0 and e["t"]._data[0, 1] == 100.0
    assert e["tied"] is e["base"] or np.shares_memory(e["tied"]._data, e["base"]._data)


def test_ember_round_trip_keeps_values_dtypes_strides(tmp_path):
    x = ember.tensor(np.arange(24.0).reshape(2, 3, 4)).permute(2, 0, 1)
    ember.save([x, ember.tensor(True), ember.zeros(0)], tmp_path / "r.pth")
    y, flag, empty = ember.load(tmp_path / "r.pth")
    np.testing.assert_array_equal(y._data, x._data)
    assert y.stride() == x.stride()
    assert flag.item() is True and empty.shape == (0,)


def test_big_endian_file_is_swapped_by_dtype(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        writer = io.BytesIO()
        torch.save({"x": torch.tensor([1.0, 2.5], dtype=torch.float32)}, writer)
        with zipfile.ZipFile(io.BytesIO(writer.getvalue())) as src:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename.endswith("data/0"):
                    data = np.frombuffer(data, "<f4").astype(">f4").tobytes()
                if info.filename.endswith("byteorder"):
                    data = b"big"
                z.writestr(info.filename, data)
    path = tmp_path / "be.pth"
    path.write_bytes(buf.getvalue())
    np.testing.assert_array_equal(ember.load(path)["x"]._data, [1.0, 2.5])


def test_plain_zip_with_other_prefix_and_deflate_record_loads(tmp_path):
    raw = io.BytesIO()
    torch.save({"x": torch.arange(4)}, raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in reversed(src.infolist()):
            name = "other/" + info.filename.split("/", 1)[1]
            method = zipfile.ZIP_DEFLATED if name.endswith("data/0") else zipfile.ZIP_STORED
            dst.writestr(name, src.read(info.filename), compress_type=method)
    (tmp_path / "z.pth").write_bytes(out.getvalue())
    np.testing.assert_array_equal(ember.load(tmp_path / "z.pth")["x"]._data, np.arange(4))
    with pytest.raises(RuntimeError, match="compressed"):
        ember.load(tmp_path / "z.pth", mmap=True)


class _Canary:
    def __reduce__(self):
        return (os.system, ("echo pwned > canary.txt",))


def test_malicious_pickle_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.save({"evil": _Canary()}, tmp_path / "evil.pth")
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system|refused"):
        ember.load(tmp_path / "evil.pth")
    assert not (tmp_path / "canary.txt").exists()


def test_builtins_eval_and_getattr_refused(tmp_path):
    for payload in ((eval, ("1+1",)), (getattr, (1, "real"))):

        class Evil:
            def __reduce__(self, payload=payload):
                return payload

        buf = io.BytesIO()
        torch.save([Evil()], buf)
        with pytest.raises(pickle.UnpicklingError):
            ember.load(io.BytesIO(buf.getvalue()))


def test_corrupt_files_raise_clear_errors(tmp_path):
    torch.save({"x": torch.arange(10)}, tmp_path / "ok.pth")
    data = (tmp_path / "ok.pth").read_bytes()
    (tmp_path / "trunc.pth").write_bytes(data[: len(data) // 2])
    with pytest.raises(RuntimeError, match="ember.load"):
        ember.load(tmp_path / "trunc.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint at all")
    with pytest.raises(RuntimeError, match="not a PyTorch checkpoint"):
        ember.load(tmp_path / "junk.pth")
    legacy = io.BytesIO()
    torch.save({"x": torch.arange(3)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        ember.load(io.BytesIO(legacy.getvalue()))


def test_out_of_bounds_geometry_is_refused(tmp_path):
    t = torch.arange(4.0)
    bad = torch.as_strided(t, (4,), (1,))
    buf = io.BytesIO()
    torch.save(bad, buf)
    patched = buf.getvalue().replace(b"K\x04\x85", b"K\x09\x85", 1)  # size (4,) -> (9,)
    if patched == buf.getvalue():
        pytest.fail("could not patch the size in the test pickle")
    with pytest.raises(RuntimeError, match="does not fit its storage"):
        ember.load(io.BytesIO(patched))


def test_save_to_path_is_atomic_and_leaves_no_temporary(tmp_path):
    ember.save({"x": ember.ones(3)}, tmp_path / "a.pth")
    ember.save({"x": ember.zeros(3)}, tmp_path / "a.pth")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pth"]
    assert_close(ember.load(tmp_path / "a.pth")["x"], torch.zeros(3))


def test_weights_only_refuses_unknown_class_but_opt_out_loads_it(tmp_path):
    ember.save({"od": collections.Counter(a=1), "pt": _Point(1, 2)}, tmp_path / "p.pth")
    with pytest.raises(pickle.UnpicklingError, match="_Point"):
        ember.load(tmp_path / "p.pth")
    loaded = ember.load(tmp_path / "p.pth", weights_only=False)
    assert loaded["pt"] == _Point(1, 2)


Point = collections.namedtuple("Point", "x y")


class _Point(Point):
    pass
