"""LeNet-5 (LeCun et al., 1998), which torchvision does not ship.

The classic layout on 1x32x32 inputs (28x28 MNIST digits padded by 2): C1 conv 6@5x5 -> 28x28,
S2 average pool 2 -> 14x14, C3 conv 16@5x5 -> 10x10, S4 average pool 2 -> 5x5, C5 conv 120@5x5
-> 1x1, F6 linear 84, and a linear output layer; tanh after every conv and after F6.
Differences from the paper: C3 connects to all six S2 maps (the paper's sparse connection
table is dropped), S2/S4 are plain average pools (no trainable coefficient and bias), and the
output layer is linear (no RBF units). 61,706 parameters for 10 classes.
"""

from ember import nn
from ember.ops.shape import flatten
from ember.vision.models._api import register_model

__all__ = ["LeNet5", "lenet5"]


class LeNet5(nn.Module):
    """LeNet-5 on (N, 1, 32, 32) images: ``features`` (C1..C5) and ``classifier`` (F6, out)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),  # C1: (N, 6, 28, 28)
            nn.Tanh(),
            nn.AvgPool2d(kernel_size=2),  # S2: (N, 6, 14, 14)
            nn.Conv2d(6, 16, kernel_size=5),  # C3: (N, 16, 10, 10)
            nn.Tanh(),
            nn.AvgPool2d(kernel_size=2),  # S4: (N, 16, 5, 5)
            nn.Conv2d(16, 120, kernel_size=5),  # C5: (N, 120, 1, 1)
            nn.Tanh(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(120, 84),  # F6
            nn.Tanh(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        """(N, 1, 32, 32) images to (N, num_classes) logits."""
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 32, 32):
            raise ValueError(f"LeNet5 expects (N, 1, 32, 32) input, got {tuple(x.shape)}")
        return self.classifier(flatten(self.features(x), 1))


@register_model()
def lenet5(*, weights=None, progress=True, **kwargs):
    """LeNet-5 (no pretrained weights: ``weights`` must be None)."""
    if weights is not None:
        raise ValueError(f"lenet5 has no pretrained weights, got weights={weights!r}")
    return LeNet5(**kwargs)
