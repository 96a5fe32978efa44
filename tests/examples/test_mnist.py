"""examples/mnist.py: the default recipe end to end (the project's proof that training works),
its weights read back by PyTorch, and the options a user tries next."""

import re
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from ember.vision import datasets
from tests.examples._load import SHARED_DATA, load_example

ACCURACY_LINE = re.compile(r"^Accuracy of the network on the 1000 test images: (\d+\.\d\d)%$", re.M)


class TorchNet(torch.nn.Module):
    """The example's CNN written against PyTorch, to load the example's state_dict."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, 5)
        self.conv2 = torch.nn.Conv2d(10, 20, 5)
        self.fc1 = torch.nn.Linear(320, 500)
        self.fc2 = torch.nn.Linear(500, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


def torch_test_accuracy(state_dict):
    """Accuracy in percent of PyTorch's CNN with ``state_dict`` on the sample's 1,000 digits,
    normalised as ToTensor + Normalize((0.1307,), (0.3081,)) do."""
    test_set = datasets.MNIST.sample(train=False)
    images = torch.from_numpy(test_set.data.numpy().astype(np.float32) / 255).unsqueeze(1)
    labels = torch.from_numpy(test_set.targets.numpy())
    model = TorchNet()
    model.load_state_dict(state_dict)
    with torch.no_grad():
        predicted = model((images - 0.1307) / 0.3081).argmax(1)
    return 100.0 * (predicted == labels).double().mean().item()


def test_mnist_default_recipe_reaches_96_percent(tmp_path, capsys):
    history = load_example("mnist").main(["--out", str(tmp_path)])
    out, err = capsys.readouterr()

    printed = [float(a) for a in ACCURACY_LINE.findall(out)]
    assert printed == pytest.approx(history["accuracy"], abs=0.005)
    assert len(printed) == len(history["loss"]) >= 1
    assert history["accuracy"][-1] >= 96.0
    assert history["loss"][-1] < history["loss"][0] / 2
    # Off a terminal the progress bar is off: plain lines, no carriage returns.
    assert "\r" not in out and "\r" not in err

    # PyTorch reads the weights safely and its own CNN scores what the example printed, up to
    # a prediction or two flipped by float32 rounding on near-ties.
    state_dict = torch.load(tmp_path / "mnist_cnn.pth", weights_only=True)
    assert torch_test_accuracy(state_dict) == pytest.approx(history["accuracy"][-1], abs=0.25)

    with Image.open(tmp_path / "mnist_cnn.png") as plot:
        assert plot.format == "PNG" and plot.width > 100 and plot.height > 100


def test_mnist_mlp_from_a_data_root(tmp_path, capsys):
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for path in (SHARED_DATA / "mnist-sample").glob("*.gz"):
        shutil.copy(path, raw)
    argv = ["--model", "mlp", "--epochs", "1", "--data-root", str(tmp_path / "data")]
    history = load_example("mnist").main(argv + ["--out", str(tmp_path)])
    # One epoch of the 784-128-10 MLP on 7,000 digits (PyTorch: about 90%).
    assert history["accuracy"][0] > 85.0
    state_dict = torch.load(tmp_path / "mnist_mlp.pth", weights_only=True)
    assert {k: tuple(v.shape) for k, v in state_dict.items()} == {
        "fc1.weight": (128, 784),
        "fc1.bias": (128,),
        "fc2.weight": (10, 128),
        "fc2.bias": (10,),
    }
    assert "Accuracy of the network on the 1000 test images" in capsys.readouterr().out


def test_mnist_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        load_example("mnist").main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    options = "--model --epochs --batch-size --lr --workers --device --data-root --download"
    for option in options.split() + ["--seed", "--out"]:
        assert option in text


def test_mnist_missing_data_root_says_how_to_get_it(tmp_path):
    with pytest.raises(SystemExit, match="--download"):
        load_example("mnist").main(["--data-root", str(tmp_path), "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="--data-root"):
        load_example("mnist").main(["--download", "--out", str(tmp_path)])
