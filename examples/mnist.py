"""Train the classic MNIST network and report its test accuracy, as PyTorch's tutorials do.

    python examples/mnist.py                                # 8,000 digits shipped with ember
    python examples/mnist.py --data-root data --download    # the full MNIST (60,000 + 10,000)
    python examples/mnist.py --model mlp --epochs 3

With no arguments it runs offline on the MNIST sample embedded in ember (7,000 training and
1,000 test digits). It prints a progress bar while it trains (on a terminal; plain lines in a
log) and the test accuracy after each epoch, and writes the trained weights (`mnist_cnn.pth`,
readable by `torch.load(weights_only=True)`) and a plot of the loss and accuracy curves
(`mnist_cnn.png`, when matplotlib is installed) to `--out`.

Measured on two cores of a Xeon: 96.3% after the 5 default epochs, 21 s in all. The same script
written against PyTorch reaches 95.2% with this seed (95.8% to 96.3% with seeds 2 to 4) in 19 s.
"""

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


class Net(nn.Module):
    """The tutorials' CNN: two 5x5 convolutions with max-pooling, then two linear layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):  # x: (B, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # (B, 10, 12, 12)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # (B, 20, 4, 4)
        x = torch.flatten(x, 1)  # (B, 320)
        x = F.relu(self.fc1(x))  # (B, 500)
        return self.fc2(x)  # (B, 10) logits


class MLP(nn.Module):
    """784-128-10 with ReLU: the first network of most tutorials."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


MODELS = {"cnn": Net, "mlp": MLP}


def parse_args(argv=None):
    """The command line, with the defaults that reproduce the documented run."""
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", choices=sorted(MODELS), default="cnn", help="network to train")
    p.add_argument("--epochs", type=int, default=5, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=64, help="training batch size")
    p.add_argument("--lr", type=float, default=0.01, help="SGD learning rate (momentum 0.9)")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--device", default=default_device, help="cpu, cuda or cuda:N")
    p.add_argument(
        "--data-root",
        default=None,
        help="train on the full MNIST in this folder (MNIST/raw/, as torchvision lays it out) "
        "instead of the sample embedded in ember",
    )
    p.add_argument("--download", action="store_true", help="fetch MNIST into --data-root")
    p.add_argument("--seed", type=int, default=1, help="random seed")
    p.add_argument("--out", default=".", help="folder for the weights and the plot")
    return p.parse_args(argv)


def load_datasets(args):
    """(train, test) datasets as normalised (1, 28, 28) tensors with integer labels."""
    transform = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]
    )
    if args.data_root is None:
        if args.download:
            sys.exit("--download needs --data-root: the folder to download MNIST into")
        return (
            datasets.MNIST.sample(train=True, transform=transform),
            datasets.MNIST.sample(train=False, transform=transform),
        )
    root = args.data_root
    try:
        return (
            datasets.MNIST(root, train=True, transform=transform, download=args.download),
            datasets.MNIST(root, train=False, transform=transform, download=args.download),
        )
    except RuntimeError as error:
        sys.exit(
            f"MNIST is not in {root}/MNIST/raw ({error}).\n"
            "Run again with --download to fetch it (12 MB) into --data-root, "
            "or without --data-root to train on the sample embedded in ember."
        )


def train_epoch(model, loader, optimizer, device, desc):
    """One pass over ``loader``; returns (mean loss, images per second)."""
    model.train()
    total_loss, seen = 0.0, 0
    start = time.perf_counter()
    # disable=None: a live bar on a terminal, nothing when the output goes to a file or pipe.
    bar = tqdm(loader, desc=desc, unit="batch", disable=None, leave=False)
    for step, (images, labels) in enumerate(bar, 1):
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        seen += labels.size(0)
        if step % 10 == 0:
            rate = seen / (time.perf_counter() - start)
            bar.set_postfix(loss=f"{total_loss / step:.4f}", img_s=f"{rate:.0f}")
    return total_loss / len(loader), seen / (time.perf_counter() - start)


def evaluate(model, loader, device):
    """Accuracy in percent on ``loader``."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            outputs = model(images.to(device))
            _, predicted = torch.max(outputs, 1)
            total += labels.size(0)
            correct += (predicted == labels.to(device)).sum().item()
    return 100.0 * correct / total


def save_curves(history, path):
    """Loss and accuracy per epoch as a PNG; skipped (with a note) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'ember[examples]')")
        return None
    epochs = range(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, history["loss"], marker="o")
    left.set(title="training loss", xlabel="epoch", ylabel="cross-entropy")
    right.plot(epochs, history["accuracy"], marker="o", color="tab:green")
    right.set(title="test accuracy", xlabel="epoch", ylabel="%")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    """Run the example with the command-line arguments ``argv``; returns what it measured."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    train_set, test_set = load_datasets(args)
    train_loader = DataLoader(
        train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers
    )
    test_loader = DataLoader(test_set, batch_size=1000, num_workers=args.workers)

    model = MODELS[args.model]().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    history = {"loss": [], "accuracy": []}
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        desc = f"epoch {epoch}/{args.epochs}"
        loss, rate = train_epoch(model, train_loader, optimizer, device, desc)
        accuracy = evaluate(model, test_loader, device)
        history["loss"].append(loss)
        history["accuracy"].append(accuracy)
        print(f"{desc}: loss {loss:.4f}, {rate:.0f} images/s")
        print(f"Accuracy of the network on the {len(test_set)} test images: {accuracy:.2f}%")
    print(f"trained in {time.perf_counter() - start:.1f} s")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / f"mnist_{args.model}.pth"
    torch.save(model.state_dict(), weights)
    plot = save_curves(history, out / f"mnist_{args.model}.png")
    print(f"saved {weights}" + (f" and {plot}" if plot else ""))
    return history


if __name__ == "__main__":
    main()
