"""MNIST-family readers on the shared MNIST sample and on IDX files written here."""

import gzip
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import datasets
from ember.vision.datasets.mnist import read_sn3_pascalvincent_tensor

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist-sample"
needs_sample = pytest.mark.skipif(
    not SAMPLE.is_dir(), reason="../shared/data/mnist-sample is not present"
)

# IDX type codes (the third magic byte), with big-endian element types.
IDX_CODES = {np.uint8: 8, np.int8: 9, np.int16: 11, np.int32: 12, np.float32: 13, np.float64: 14}


def idx_bytes(array):
    """``array`` in the IDX format, written from the format's description."""
    array = np.asarray(array)
    header = bytes([0, 0, IDX_CODES[array.dtype.type], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, compress=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = idx_bytes(array)
    path.write_bytes(gzip.compress(payload) if compress else payload)


def read_sample(name):
    """Decode a shared sample file independently of ember: header by struct, body by numpy."""
    data = gzip.decompress((SAMPLE / name).read_bytes())
    nd = data[3]
    shape = struct.unpack(f">{nd}I", data[4 : 4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(shape)


@needs_sample
@pytest.mark.parametrize(
    ("train", "prefix", "count"), [(True, "train", 7000), (False, "t10k", 1000)]
)
def test_mnist_sample_matches_shared_data(train, prefix, count):
    ds = datasets.MNIST.sample(train=train)
    images = read_sample(f"{prefix}-images-idx3-ubyte.gz")
    labels = read_sample(f"{prefix}-labels-idx1-ubyte.gz")
    assert len(ds) == count == len(images)
    assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (count, 28, 28)
    assert ds.targets.dtype == ember.int64 and tuple(ds.targets.shape) == (count,)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[count - 1]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == labels[-1]
    np.testing.assert_array_equal(np.asarray(img), images[-1])


def test_mnist_sample_only_on_mnist():
    with pytest.raises(TypeError, match="only MNIST"):
        datasets.FashionMNIST.sample()


def test_mnist_sample_class_metadata_and_repr():
    ds = datasets.MNIST.sample(train=False, target_transform=lambda t: t + 100)
    assert ds.classes[3] == "3 - three" and ds.class_to_idx["9 - nine"] == 9
    assert ds[0][1] >= 100
    lines = repr(ds).splitlines()
    assert lines[0] == "Dataset MNIST"
    assert lines[1] == "    Number of datapoints: 1000"
    assert lines[2].startswith("    Root location: ")
    assert lines[3] == "    Split: Test"
    assert lines[4] == "    StandardTransform"
    assert lines[5].startswith("Target transform: <function")


def test_mnist_reads_plain_and_gz_files_in_torchvision_layout(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=5).astype(np.uint8)
    raw = tmp_path / "MNIST" / "raw"
    write_idx(raw / "train-images-idx3-ubyte", images)  # plain
    write_idx(raw / "train-labels-idx1-ubyte.gz", labels, compress=True)
    write_idx(raw / "t10k-images-idx3-ubyte.gz", images[:2], compress=True)
    write_idx(raw / "t10k-labels-idx1-ubyte", labels[:2])
    ds = datasets.MNIST(str(tmp_path), train=True, transform=np.asarray)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds[4][0], images[4])
    assert ds[4][1] == int(labels[4])
    assert len(datasets.MNIST(tmp_path, train=False)) == 2
    # torch reads the same bytes the same way (the oracle for the element order).
    expected = torch.frombuffer(bytearray(idx_bytes(images)), dtype=torch.uint8, offset=16)
    np.testing.assert_array_equal(ds.data.numpy().ravel(), expected.numpy())


def test_mnist_missing_files_raise(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        datasets.MNIST(tmp_path)


def test_fashion_and_kmnist_use_their_own_folder(tmp_path):
    for cls in (datasets.FashionMNIST, datasets.KMNIST):
        raw = tmp_path / cls.__name__ / "raw"
        for prefix in ("train", "t10k"):
            write_idx(raw / f"{prefix}-images-idx3-ubyte", np.zeros((3, 28, 28), np.uint8))
            write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.array([1, 2, 3], np.uint8))
        ds = cls(tmp_path)
        assert len(ds) == 3 and ds.targets.tolist() == [1, 2, 3]
    assert datasets.FashionMNIST.classes[9] == "Ankle boot"
    assert datasets.KMNIST.classes[0] == "o"


def test_emnist_split_files_and_classes(tmp_path):
    raw = tmp_path / "EMNIST" / "raw"
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28).astype(np.uint8)
    write_idx(raw / "emnist-letters-test-images-idx3-ubyte", images)
    write_idx(raw / "emnist-letters-test-labels-idx1-ubyte", np.array([1, 26], np.uint8))
    ds = datasets.EMNIST(tmp_path, split="letters", train=False)
    assert len(ds) == 2 and ds.classes[26] == "z" and ds.classes[0] == "N/A"
    np.testing.assert_array_equal(np.asarray(ds[1][0]), images[1])
    assert len(datasets.EMNIST.classes_split_dict["byclass"]) == 62
    assert len(datasets.EMNIST.classes_split_dict["balanced"]) == 47
    with pytest.raises(ValueError, match="Unknown value 'abc' for argument split. Valid values"):
        datasets.EMNIST(tmp_path, split="abc")


def test_qmnist_targets_and_subsets(tmp_path):
    raw = tmp_path / "QMNIST" / "raw"
    images = np.random.default_rng(1).integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    labels = np.arange(32, dtype=np.int32).reshape(4, 8)  # 8 columns of provenance per digit
    write_idx(raw / "qmnist-test-images-idx3-ubyte", images)
    write_idx(raw / "qmnist-test-labels-idx2-int", labels)
    compat = datasets.QMNIST(tmp_path, what="test")
    assert compat.targets.dtype == ember.int64 and tuple(compat.targets.shape) == (4, 8)
    assert compat[2][1] == 16 and type(compat[2][1]) is int
    full = datasets.QMNIST(tmp_path, train=False, compat=False)
    assert full[3][1].tolist() == list(range(24, 32))
    assert len(datasets.QMNIST(tmp_path, what="test10k")) == 4
    assert len(datasets.QMNIST(tmp_path, what="test50k")) == 0
    assert repr(full).splitlines()[-1] == "    Split: test"


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_reader_element_types(tmp_path, dtype):
    array = (np.arange(24).reshape(2, 3, 4) - 7).astype(dtype)
    write_idx(tmp_path / "x.idx", array)
    out = read_sn3_pascalvincent_tensor(tmp_path / "x.idx").numpy()
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)


def test_idx_reader_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01" + bytes(8))
    with pytest.raises(ValueError, match="not an IDX file"):
        read_sn3_pascalvincent_tensor(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros(4, np.uint8))
    data = (tmp_path / "short").read_bytes()
    (tmp_path / "short").write_bytes(data[:-1])
    with pytest.raises(ValueError, match=r"shape \(4,\) \(4 elements\) but the file holds 3"):
        read_sn3_pascalvincent_tensor(tmp_path / "short")


def test_mnist_deprecated_names_warn():
    ds = datasets.MNIST.sample(train=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ds.train_labels is ds.targets and ds.test_data is ds.data
    assert [str(w.message) for w in caught] == [
        "train_labels has been renamed targets",
        "test_data has been renamed data",
    ]
