"""Train ResNet-18 on CIFAR-10 with augmentation, a cosine learning-rate schedule and
checkpoints that a later run resumes from.

    python examples/cifar10_resnet.py --data-root data --download   # fetch CIFAR-10 (170 MB)
    python examples/cifar10_resnet.py --data-root data --resume     # continue where it stopped
    python examples/cifar10_resnet.py --fake-data 256 --epochs 2    # try it without the data

The network is torchvision's ResNet-18 with the usual change for 32x32 images: the first
convolution is 3x3 with stride 1 and the max-pool is removed (the ImageNet stem would shrink a
CIFAR image to 8x8 before the first residual block). After each epoch the script prints the test
accuracy and writes a checkpoint (`cifar10_resnet18.pth` in `--out`: model, optimizer, scheduler,
random state and epoch, readable by `torch.load(weights_only=True)`); `--resume` continues from
it exactly where it stopped.
"""

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.optim.lr_scheduler import CosineAnnealingLR
from ember.utils.data import DataLoader
from ember.vision import datasets, models, transforms

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)  # CIFAR-10's per-channel stats


def parse_args(argv=None):
    """The command line, with the defaults that reproduce the documented run."""
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--data-root", default="data", help="folder holding cifar-10-batches-py/")
    p.add_argument("--download", action="store_true", help="fetch CIFAR-10 into --data-root")
    p.add_argument(
        "--fake-data",
        type=int,
        nargs="?",
        const=1000,
        metavar="N",
        help="train on N random images (FakeData, default 1000) instead of CIFAR-10",
    )
    p.add_argument("--epochs", type=int, default=30, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=128, help="training batch size")
    p.add_argument("--lr", type=float, default=0.1, help="initial SGD learning rate")
    p.add_argument("--weight-decay", type=float, default=5e-4, help="SGD weight decay")
    p.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    p.add_argument("--device", default=default_device, help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--out", default=".", help="folder for the checkpoint")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run (same --epochs) from the checkpoint in --out",
    )
    return p.parse_args(argv)


def load_datasets(args):
    """(train, test) datasets: augmented training images, plain test images."""
    augment = transforms.Compose(
        [
            transforms.RandomRotation(30),
            transforms.RandomHorizontalFlip(),
            transforms.RandomCrop(32, padding=4),
            transforms.ToTensor(),
            transforms.Normalize(MEAN, STD),
        ]
    )
    plain = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    if args.fake_data:
        n = args.fake_data
        return (
            datasets.FakeData(n, (3, 32, 32), 10, transform=augment),
            datasets.FakeData(max(n // 5, 1), (3, 32, 32), 10, transform=plain, random_offset=n),
        )
    try:
        return (
            datasets.CIFAR10(args.data_root, train=True, transform=augment, download=args.download),
            datasets.CIFAR10(args.data_root, train=False, transform=plain),
        )
    except RuntimeError as error:
        sys.exit(
            f"CIFAR-10 is not in {args.data_root}/cifar-10-batches-py ({error}).\n"
            f"Run again with --download to fetch it (170 MB) into --data-root, "
            f"or with --fake-data to try the script on random images."
        )


def resnet18_cifar():
    """ResNet-18 with a 3x3 stride-1 stem and no max-pool, for 32x32 inputs."""
    model = models.resnet18(num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def train_epoch(model, loader, optimizer, device, desc):
    """One pass over ``loader``; returns the mean training loss."""
    model.train()
    total = 0.0
    # disable=None: a live bar on a terminal, nothing when the output goes to a file or pipe.
    bar = tqdm(loader, desc=desc, unit="batch", disable=None, leave=False)
    for step, (images, labels) in enumerate(bar, 1):
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        bar.set_postfix(loss=f"{total / step:.4f}")
    return total / len(loader)


def evaluate(model, loader, device):
    """Accuracy in percent on ``loader``."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images.to(device)).argmax(1)
            correct += (predicted == labels.to(device)).sum().item()
            total += labels.size(0)
    return 100.0 * correct / total


def main(argv=None):
    """Run the example with the command-line arguments ``argv``; returns what it measured."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    train_set, test_set = load_datasets(args)
    train_loader = DataLoader(
        train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers
    )
    test_loader = DataLoader(test_set, batch_size=256, num_workers=args.workers)

    model = resnet18_cifar().to(device)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay
    )
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs)
    checkpoint_path = Path(args.out) / "cifar10_resnet18.pth"
    start_epoch = 1
    if args.resume:
        if not checkpoint_path.is_file():
            sys.exit(f"--resume: there is no checkpoint at {checkpoint_path} (see --out)")
        checkpoint = torch.load(checkpoint_path, map_location=device, weights_only=True)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        # The random state makes the resumed run draw the same shuffles and augmentations as
        # an uninterrupted one.
        torch.set_rng_state(checkpoint["rng_state"])
        start_epoch = checkpoint["epoch"] + 1
        print(f"resumed from {checkpoint_path} after epoch {checkpoint['epoch']}")

    history = []
    for epoch in range(start_epoch, args.epochs + 1):
        start = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]
        loss = train_epoch(model, train_loader, optimizer, device, f"epoch {epoch}/{args.epochs}")
        scheduler.step()
        accuracy = evaluate(model, test_loader, device)
        seconds = time.perf_counter() - start
        print(
            f"epoch {epoch}/{args.epochs}: lr {lr:.4f}, loss {loss:.4f}, "
            f"test accuracy {accuracy:.2f}%, {seconds:.1f} s"
        )
        history.append({"epoch": epoch, "lr": lr, "loss": loss, "accuracy": accuracy})
        checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        checkpoint = {
            "epoch": epoch,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng_state": torch.get_rng_state(),
        }
        torch.save(checkpoint, checkpoint_path)  # written to a temporary file, then renamed
    return history


if __name__ == "__main__":
    main()
