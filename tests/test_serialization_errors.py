"""ember.load's errors name the file, and map_location behaves as torch.load's."""

import io
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch

import ember

# These cases check the errors raised where CUDA is absent.
without_cuda = pytest.mark.skipif(
    torch.cuda.is_available() or ember.cuda.is_available(),
    reason="checks the error raised without CUDA, and CUDA is available here",
)


def _torch_file(tmp_path, name="ok.pth", obj=None):
    path = tmp_path / name
    torch.save(obj if obj is not None else {"x": torch.arange(6.0).reshape(2, 3)}, path)
    return path


def _with_location(data, location):
    """A copy of the checkpoint ``data`` whose storages claim to live on ``location``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                # The location is a BINUNICODE string: opcode X, uint32 length, utf-8 text.
                old = b"X\x03\x00\x00\x00cpu"
                new = b"X" + len(location).to_bytes(4, "little") + location.encode()
                assert old in payload
                payload = payload.replace(old, new)
            dst.writestr(info.filename, payload)
    return out.getvalue()


@pytest.fixture
def cuda_file(tmp_path):
    path = tmp_path / "gpu.pth"
    path.write_bytes(_with_location(_torch_file(tmp_path).read_bytes(), "cuda:0"))
    return path


def _match_name(path):
    return re.escape(repr(str(path)))


def test_load_truncated_file_names_it(tmp_path):
    data = _torch_file(tmp_path).read_bytes()
    path = tmp_path / "truncated.pth"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(RuntimeError, match=_match_name(path)):
        ember.load(path)


def test_load_corrupt_zip_directory_names_it(tmp_path):
    data = bytearray(_torch_file(tmp_path).read_bytes())
    start = data.rfind(b"PK\x01\x02")
    data[start : start + 4] = b"XXXX"  # break the last central-directory entry
    path = tmp_path / "corrupt.pth"
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match=_match_name(path) + ".*corrupt central directory"):
        ember.load(path)


def test_load_garbage_inside_pickle_names_it(tmp_path):
    data = _torch_file(tmp_path).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                payload = payload[:12]  # a protocol-2 pickle cut short
            dst.writestr(info.filename, payload)
    path = tmp_path / "cut.pth"
    path.write_bytes(out.getvalue())
    with pytest.raises((RuntimeError, pickle.UnpicklingError), match=_match_name(path)):
        ember.load(path)


def test_load_wrong_format_names_it(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.arange(3))
    with pytest.raises(RuntimeError, match=_match_name(path) + ".*not a PyTorch checkpoint"):
        ember.load(path)
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(RuntimeError, match=_match_name(plain) + ".*no data.pkl"):
        ember.load(plain)


class _Point:
    def __init__(self, x):
        self.x = x


def test_load_refused_global_names_file_and_keeps_type(tmp_path):
    path = _torch_file(tmp_path, "pt.pth", obj={"p": _Point(1)})
    with pytest.raises(pickle.UnpicklingError, match=_match_name(path) + ".*_Point"):
        ember.load(path)


def test_load_file_object_is_named_by_its_name(tmp_path):
    path = tmp_path / "junk.pth"
    path.write_bytes(b"junk junk junk")
    with open(path, "rb") as fh, pytest.raises(RuntimeError, match=_match_name(path)):
        ember.load(fh)
    with pytest.raises(RuntimeError, match="<BytesIO object>"):
        ember.load(io.BytesIO(b"junk junk junk"))


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.pth"):
        ember.load(tmp_path / "absent.pth")


@without_cuda
def test_load_cuda_file_without_cuda_raises_torch_message(cuda_file):
    with pytest.raises(RuntimeError) as expected:
        torch.load(cuda_file, weights_only=True)
    with pytest.raises(RuntimeError) as actual:
        ember.load(cuda_file)
    assert str(expected.value) in str(actual.value)
    assert repr(str(cuda_file)) in str(actual.value)


@pytest.mark.parametrize(
    "map_location",
    ["cpu", ember.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage],
    ids=["str", "device", "dict", "callable"],
)
def test_load_cuda_file_with_map_location_to_cpu(cuda_file, map_location):
    torch_location = map_location
    if isinstance(map_location, ember.device):
        torch_location = torch.device("cpu")
    expected = torch.load(cuda_file, map_location=torch_location, weights_only=True)
    loaded = ember.load(cuda_file, map_location=map_location)
    assert loaded["x"].device == ember.device("cpu")
    np.testing.assert_array_equal(loaded["x"].numpy(), expected["x"].numpy())


@without_cuda
def test_load_map_location_dict_leaves_unmapped_locations(cuda_file):
    # As torch: only the named locations are renamed; 'cuda:0' stays and needs CUDA.
    with pytest.raises(RuntimeError, match="torch.cuda.is_available"):
        ember.load(cuda_file, map_location={"cuda:1": "cpu"})


def test_load_map_location_callable_sees_saved_location(cuda_file):
    seen = []

    def where(storage, location):
        seen.append(location)
        return storage.cpu()

    ember.load(cuda_file, map_location=where)
    assert seen == ["cuda:0"]


def test_load_map_location_callable_returning_none_restores_default(tmp_path):
    path = _torch_file(tmp_path)
    loaded = ember.load(path, map_location=lambda storage, loc: None)
    np.testing.assert_array_equal(loaded["x"].numpy(), np.arange(6.0).reshape(2, 3))


@without_cuda
def test_load_map_location_to_cuda_without_cuda_raises(tmp_path):
    path = _torch_file(tmp_path)
    with pytest.raises(RuntimeError) as expected:
        torch.load(path, map_location="cuda", weights_only=True)
    with pytest.raises(RuntimeError) as actual:
        ember.load(path, map_location="cuda")
    assert str(expected.value) in str(actual.value)


def test_load_map_location_of_wrong_type_raises_type_error(tmp_path):
    with pytest.raises(TypeError, match="map_location"):
        ember.load(_torch_file(tmp_path), map_location=3)


def test_load_mmap_of_a_file_object_is_a_value_error(tmp_path):
    with open(_torch_file(tmp_path), "rb") as fh, pytest.raises(ValueError, match="file path"):
        ember.load(fh, mmap=True)
