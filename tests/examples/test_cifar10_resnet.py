"""examples/cifar10_resnet.py on FakeData: checkpoints PyTorch reads, and a resumed run that
continues from the saved epoch exactly as an uninterrupted one."""

import math

import pytest
import torch

import ember
from tests.examples._load import load_example

# Tiny settings: 4 random 32x32 images in one batch, no worker processes.
TINY = ["--fake-data", "4", "--batch-size", "4", "--workers", "0", "--epochs", "2"]


def test_cifar10_resume_continues_from_the_saved_epoch(tmp_path, monkeypatch, capsys):
    example = load_example("cifar10_resnet")
    whole = example.main(TINY + ["--out", str(tmp_path / "whole")])
    assert [h["epoch"] for h in whole] == [1, 2]
    # Cosine annealing over 2 epochs: 0.1, then 0.1 * (1 + cos(pi / 2)) / 2.
    assert [h["lr"] for h in whole] == pytest.approx([0.1, 0.05])

    # The same run stopped by Ctrl-C during epoch 2, then resumed.
    train_epoch, calls = example.train_epoch, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return train_epoch(*args)

    monkeypatch.setattr(example, "train_epoch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        example.main(TINY + ["--out", str(tmp_path / "stopped")])
    monkeypatch.setattr(example, "train_epoch", train_epoch)
    checkpoint_path = tmp_path / "stopped" / "cifar10_resnet18.pth"
    assert torch.load(checkpoint_path, weights_only=True)["epoch"] == 1

    resumed = example.main(TINY + ["--out", str(tmp_path / "stopped"), "--resume"])
    assert "after epoch 1" in capsys.readouterr().out
    assert [h["epoch"] for h in resumed] == [2]
    assert resumed[0]["lr"] == pytest.approx(0.05)

    # PyTorch reads the checkpoint; the resumed run ends where the uninterrupted one did.
    final = torch.load(checkpoint_path, weights_only=True)
    reference = torch.load(tmp_path / "whole" / "cifar10_resnet18.pth", weights_only=True)
    assert final["epoch"] == 2 and final["scheduler"]["last_epoch"] == 2
    assert final["model"]["conv1.weight"].shape == (64, 3, 3, 3)
    assert final["model"]["fc.weight"].shape == (10, 512)
    assert final["model"].keys() == reference["model"].keys()
    for key, value in reference["model"].items():
        torch.testing.assert_close(final["model"][key], value, msg=key)
    assert math.isfinite(resumed[0]["loss"])


def test_cifar10_without_data_says_how_to_get_it(tmp_path):
    with pytest.raises(SystemExit, match="--download"):
        load_example("cifar10_resnet").main(["--data-root", str(tmp_path / "none")])


def test_cifar10_model_is_resnet18_with_the_cifar_stem():
    model = load_example("cifar10_resnet").resnet18_cifar()
    out = model(ember.randn(2, 3, 32, 32))
    assert out.shape == (2, 10)
    assert model.conv1.kernel_size == (3, 3) and model.conv1.stride == (1, 1)
    assert isinstance(model.maxpool, ember.nn.Identity)
