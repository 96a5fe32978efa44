"""CIFAR-10, CIFAR-100 and SVHN read from files written here in the official formats."""

import pickle

import numpy as np
import pytest
import scipy.io
from PIL import Image

from ember.vision import datasets
from ember.vision.datasets.utils import calculate_md5


def write_pickle(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)  # the official files are Python 2 pickles


def cifar_batch(rng, n, label_key, classes):
    """A batch dict as in the official files: rows of 3072 bytes, R plane then G then B."""
    data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    return {"data": data, label_key: rng.integers(0, classes, size=n).tolist()}


def point_md5s_at(monkeypatch, cls, folder):
    """The class-level MD5 lists set to the files written here (the official ones describe
    the real dataset), so the integrity checks still run."""
    files = [[name, calculate_md5(folder / name)] for name, _ in cls.train_list]
    tests = [[name, calculate_md5(folder / name)] for name, _ in cls.test_list]
    meta = dict(cls.meta, md5=calculate_md5(folder / cls.meta["filename"]))
    monkeypatch.setattr(cls, "train_list", files)
    monkeypatch.setattr(cls, "test_list", tests)
    monkeypatch.setattr(cls, "meta", meta)


@pytest.fixture
def cifar10_root(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    folder = tmp_path / "cifar-10-batches-py"
    batches = {f"data_batch_{i}": cifar_batch(rng, 3, "labels", 10) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(rng, 4, "labels", 10)
    for name, batch in batches.items():
        write_pickle(folder / name, batch)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship"]
    write_pickle(folder / "batches.meta", {"label_names": names + ["truck"]})
    point_md5s_at(monkeypatch, datasets.CIFAR10, folder)
    return tmp_path, batches


def test_cifar10_train_concatenates_batches_in_hwc(cifar10_root):
    root, batches = cifar10_root
    ds = datasets.CIFAR10(str(root), train=True)
    assert ds.data.dtype == np.uint8 and ds.data.shape == (15, 32, 32, 3)
    assert isinstance(ds.targets, list) and len(ds) == 15
    expected_targets = sum((batches[f"data_batch_{i}"]["labels"] for i in range(1, 6)), [])
    assert ds.targets == expected_targets
    # Pixel (row 5, col 7) of image 4 (batch 2, row 1): offsets c*1024 + 5*32 + 7.
    row = batches["data_batch_2"]["data"][1]
    assert ds.data[4, 5, 7].tolist() == [row[c * 1024 + 5 * 32 + 7] for c in range(3)]
    img, target = ds[4]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (32, 32)
    assert target == expected_targets[4]
    assert ds.classes[9] == "truck" and ds.class_to_idx["cat"] == 3


def test_cifar10_test_split_and_repr(cifar10_root):
    root, batches = cifar10_root
    ds = datasets.CIFAR10(root, train=False, transform=np.asarray)
    assert len(ds) == 4 and ds.targets == batches["test_batch"]["labels"]
    np.testing.assert_array_equal(
        ds[2][0], batches["test_batch"]["data"][2].reshape(3, 32, 32).transpose(1, 2, 0)
    )
    lines = repr(ds).splitlines()
    assert lines[0] == "Dataset CIFAR10" and lines[1] == "    Number of datapoints: 4"
    assert lines[3] == "    Split: Test"


def test_cifar10_corrupted_file_raises(cifar10_root):
    root, _ = cifar10_root
    with open(root / "cifar-10-batches-py" / "data_batch_3", "ab") as f:
        f.write(b"x")
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        datasets.CIFAR10(root)


def test_cifar100_fine_labels(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    folder = tmp_path / "cifar-100-python"
    train = cifar_batch(rng, 6, "fine_labels", 100)
    train["coarse_labels"] = [0] * 6
    write_pickle(folder / "train", train)
    write_pickle(folder / "test", cifar_batch(rng, 2, "fine_labels", 100))
    fine = [f"class{i}" for i in range(100)]
    write_pickle(folder / "meta", {"fine_label_names": fine, "coarse_label_names": ["x"]})
    point_md5s_at(monkeypatch, datasets.CIFAR100, folder)
    ds = datasets.CIFAR100(tmp_path)
    assert ds.targets == train["fine_labels"] and ds.classes == fine
    assert ds.data.shape == (6, 32, 32, 3)


def test_svhn_reads_mat_and_maps_label_10_to_0(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, size=(32, 32, 3, 5), dtype=np.uint8)  # MATLAB layout H, W, C, N
    y = np.array([[10], [1], [9], [10], [3]], dtype=np.uint8)
    scipy.io.savemat(tmp_path / "test_32x32.mat", {"X": x, "y": y})
    entry = list(datasets.SVHN.split_list["test"])
    entry[2] = calculate_md5(tmp_path / "test_32x32.mat")
    monkeypatch.setitem(datasets.SVHN.split_list, "test", entry)
    ds = datasets.SVHN(tmp_path, split="test")
    assert ds.data.shape == (5, 3, 32, 32) and ds.labels.tolist() == [0, 1, 9, 0, 3]
    img, target = ds[2]
    assert img.mode == "RGB" and target == 9
    np.testing.assert_array_equal(np.asarray(img), x[:, :, :, 2])
    assert repr(ds).splitlines()[-1] == "    Split: test"


def test_svhn_bad_split_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="Unknown value 'dev' for argument split"):
        datasets.SVHN(tmp_path, split="dev")
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        datasets.SVHN(tmp_path, split="extra")
