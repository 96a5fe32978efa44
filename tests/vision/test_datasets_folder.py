"""ImageFolder, DatasetFolder, FakeData and the VisionDataset base."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ember.utils.data.dataset import Dataset
from ember.vision import datasets


@pytest.fixture
def image_tree(tmp_path):
    """root/<class>/... with PNG and JPEG images, a nested folder and files to skip."""
    rng = np.random.default_rng(0)
    layout = {
        "dog": ["b.png", "a.jpg", "sub/c.png"],
        "cat": ["z.PNG"],
        "bird": ["x.bmp"],
    }
    for cls, names in layout.items():
        for name in names:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            pixels = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
            Image.fromarray(pixels).convert("L" if cls == "cat" else "RGB").save(path)
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    (tmp_path / "stray.png").write_bytes(b"")  # files at the top level are no class
    return tmp_path


def test_image_folder_classes_samples_and_items(image_tree):
    ds = datasets.ImageFolder(str(image_tree))
    assert ds.classes == ["bird", "cat", "dog"]
    assert ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    rel = [(Path(p).relative_to(image_tree).as_posix(), t) for p, t in ds.samples]
    assert rel == [
        ("bird/x.bmp", 0),
        ("cat/z.PNG", 1),
        ("dog/a.jpg", 2),
        ("dog/b.png", 2),
        ("dog/sub/c.png", 2),
    ]
    assert ds.targets == [0, 1, 2, 2, 2] and ds.imgs is ds.samples
    img, target = ds[1]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and target == 1  # gray -> RGB
    assert len(ds) == 5


def test_image_folder_is_valid_file_and_transforms(image_tree):
    ds = datasets.ImageFolder(
        image_tree,
        is_valid_file=lambda p: p.endswith(".png"),
        allow_empty=True,
        transform=lambda im: im.size,
        target_transform=lambda t: -t,
    )
    assert [t for _, t in ds.samples] == [2, 2]
    assert ds[0] == ((5, 4), -2)


def test_dataset_folder_errors(image_tree, tmp_path_factory):
    with pytest.raises(
        FileNotFoundError,
        match="Found no valid file for the classes bird. Supported extensions are: .jpg, .png",
    ):
        datasets.DatasetFolder(image_tree, loader=open, extensions=(".jpg", ".png"))
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None"):
        datasets.DatasetFolder(image_tree, loader=open)
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(empty)


def test_dataset_folder_custom_loader(image_tree):
    ds = datasets.DatasetFolder(
        image_tree, loader=lambda p: p.rsplit(".", 1)[1], extensions="txt", allow_empty=True
    )
    assert ds.classes == ["bird", "cat", "dog"]
    assert len(ds) == 1 and ds[0] == ("txt", 2)


def test_fakedata_is_deterministic_per_index():
    ds = datasets.FakeData(size=4, image_size=(3, 6, 5), num_classes=3, random_offset=7)
    img, target = ds[2]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (5, 6)
    assert type(target) is int and 0 <= target < 3
    again, target_again = ds[2]
    np.testing.assert_array_equal(np.asarray(img), np.asarray(again))
    assert target == target_again
    assert not np.array_equal(np.asarray(ds[1][0]), np.asarray(img))
    gray = datasets.FakeData(size=1, image_size=(1, 4, 4))[0][0]
    assert gray.mode == "L"
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[4]
    assert len(ds) == 4
    assert repr(ds).splitlines() == ["Dataset FakeData", "    Number of datapoints: 4"]


def test_vision_dataset_base_rules():
    assert issubclass(datasets.VisionDataset, Dataset)
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        datasets.VisionDataset("r", transforms=lambda a, b: (a, b), transform=str)
    ds = datasets.VisionDataset("~/data", transform=str)
    assert not ds.root.startswith("~")  # expanded, as torchvision does
    assert ds.transforms(1, 2) == ("1", 2)
