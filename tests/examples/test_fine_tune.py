"""examples/fine_tune.py: from a backbone checkpoint written here, only the new head learns
two colour classes; the backbone comes back unchanged."""

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import models
from tests.examples._load import load_example


def write_image_folder(root, rng):
    """``root/{train,val}/{blue,red}/*.png``: noisy 40x40 images, reddish or bluish."""
    for split, count in (("train", 12), ("val", 6)):
        for name, channel in (("blue", 2), ("red", 0)):
            folder = root / split / name
            folder.mkdir(parents=True)
            for i in range(count):
                pixels = rng.integers(0, 120, size=(40, 40, 3))
                pixels[..., channel] += 120
                Image.fromarray(pixels.astype(np.uint8)).save(folder / f"{i}.png")


def test_fine_tune_trains_only_the_new_head(tmp_path, capsys):
    ember.manual_seed(0)
    backbone = models.resnet18()
    ember.save(backbone.state_dict(), tmp_path / "backbone.pth")
    write_image_folder(tmp_path / "images", np.random.default_rng(0))

    argv = ["--weights", str(tmp_path / "backbone.pth"), "--data-root", str(tmp_path / "images")]
    # Two worker processes, the default: the images are decoded and augmented in them.
    argv += "--image-size 32 --epochs 4 --batch-size 8 --lr 0.05 --workers 2".split()
    history = load_example("fine_tune").main(argv + ["--out", str(tmp_path)])
    assert "classes: blue, red" in capsys.readouterr().out
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[-1]["accuracy"] >= 90.0

    tuned = torch.load(tmp_path / "fine_tuned_resnet18.pth", weights_only=True)
    original = torch.load(tmp_path / "backbone.pth", weights_only=True)
    assert tuned["fc.weight"].shape == (2, 512) and tuned["fc.bias"].shape == (2,)
    # Frozen and in evaluation mode: weights and batch-norm statistics exactly as loaded.
    assert tuned.keys() == original.keys()
    for key in original:
        if not key.startswith("fc."):
            assert torch.equal(tuned[key], original[key]), key


def test_fine_tune_without_class_folders_says_what_it_needs(tmp_path):
    ember.save(models.resnet18().state_dict(), tmp_path / "backbone.pth")
    argv = ["--weights", str(tmp_path / "backbone.pth"), "--data-root", str(tmp_path)]
    with pytest.raises(SystemExit, match="train/ and val/"):
        load_example("fine_tune").main(argv)
