"""Transfer learning: load a trained ResNet-18, freeze it, replace its last layer with one for
your own classes, and train only that layer.

    python examples/fine_tune.py --weights resnet18.pth --data-root hymenoptera_data
    python examples/fine_tune.py --weights resnet18.pth --data-root photos --epochs 10 --lr 0.01

`--weights` is a ResNet-18 `state_dict` saved by ember or by PyTorch: torchvision's ImageNet
file `resnet18-f37072fd.pth` loads as it is. `--data-root` holds `train/` and `val/` in
ImageFolder's layout, one sub-folder of images per class (`train/ants/*.jpg`,
`train/bees/*.jpg`, ...), as in PyTorch's transfer-learning tutorial. The frozen backbone stays
in evaluation mode, so its batch-norm statistics are kept as trained; only the new head learns.
After each epoch the script prints the training loss and the validation accuracy, and at the end
it writes the fine-tuned weights (`fine_tuned_resnet18.pth` in `--out`).
"""

import argparse
import sys
from pathlib import Path

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader
from ember.vision import datasets, models, transforms

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def parse_args(argv=None):
    """The command line, with the defaults that reproduce the documented run."""
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--weights", required=True, help="the backbone: a ResNet-18 state_dict .pth")
    p.add_argument("--data-root", required=True, help="folder with train/ and val/ class folders")
    p.add_argument("--image-size", type=int, default=224, help="side of the square network input")
    p.add_argument("--epochs", type=int, default=5, help="passes over the training images")
    p.add_argument("--batch-size", type=int, default=16, help="training batch size")
    p.add_argument("--lr", type=float, default=1e-3, help="SGD learning rate (momentum 0.9)")
    p.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    p.add_argument("--device", default=default_device, help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--out", default=".", help="folder for the fine-tuned weights")
    return p.parse_args(argv)


def load_datasets(root, size):
    """ImageFolder datasets for ``root/train`` (augmented) and ``root/val``."""
    normalize = transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)
    train_transform = transforms.Compose(
        [
            transforms.RandomResizedCrop(size),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            normalize,
        ]
    )
    val_transform = transforms.Compose(
        [
            transforms.Resize(size * 256 // 224),  # 256 for 224: ImageNet's evaluation crop
            transforms.CenterCrop(size),
            transforms.ToTensor(),
            normalize,
        ]
    )
    try:
        return (
            datasets.ImageFolder(Path(root, "train"), transform=train_transform),
            datasets.ImageFolder(Path(root, "val"), transform=val_transform),
        )
    except (FileNotFoundError, RuntimeError) as error:
        sys.exit(f"--data-root {root} needs train/ and val/ folders of class folders: {error}")


def build_model(weights, num_classes):
    """ResNet-18 with the weights of ``weights``, frozen, and a new trainable last layer."""
    model = models.resnet18()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    for param in model.parameters():
        param.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, num_classes)  # new, so it requires grad
    return model


def main(argv=None):
    """Run the example with the command-line arguments ``argv``; returns what it measured."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    train_set, val_set = load_datasets(args.data_root, args.image_size)
    print(f"classes: {', '.join(train_set.classes)}")
    train_loader = DataLoader(
        train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers
    )
    val_loader = DataLoader(val_set, batch_size=args.batch_size, num_workers=args.workers)

    model = build_model(args.weights, len(train_set.classes)).to(device)
    optimizer = torch.optim.SGD(model.fc.parameters(), lr=args.lr, momentum=0.9)
    model.eval()  # the whole network, backbone included: batch norm keeps its statistics
    history = []
    for epoch in range(1, args.epochs + 1):
        total = 0.0
        for images, labels in train_loader:
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()  # reaches only model.fc: nothing else requires grad
            optimizer.step()
            total += loss.item() * labels.size(0)
        correct = 0
        with torch.no_grad():
            for images, labels in val_loader:
                predicted = model(images.to(device)).argmax(1)
                correct += (predicted == labels.to(device)).sum().item()
        loss, accuracy = total / len(train_set), 100.0 * correct / len(val_set)
        history.append({"epoch": epoch, "loss": loss, "accuracy": accuracy})
        print(f"epoch {epoch}/{args.epochs}: loss {loss:.4f}, val accuracy {accuracy:.2f}%")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / "fine_tuned_resnet18.pth"
    torch.save(model.state_dict(), weights)
    print(f"saved {weights} (load it into models.resnet18(num_classes={len(train_set.classes)}))")
    return history


if __name__ == "__main__":
    main()
