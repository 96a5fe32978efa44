"""AlexNet (Krizhevsky, 2014, "One weird trick" variant), as torchvision's ``models.alexnet``."""

from functools import partial

from ember import nn
from ember.ops.shape import flatten
from ember.vision.models._api import _IMAGENET_CATEGORIES, Weights, WeightsEnum, register_model
from ember.vision.models._presets import ImageClassification
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """Five convs (``features``), a 6x6 adaptive pool and three linear layers (``classifier``)."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        """(N, 3, H, W) images (H, W >= 63) to (N, num_classes) logits."""
        x = self.avgpool(self.features(x))  # (N, 256, 6, 6)
        return self.classifier(flatten(x, 1))


class AlexNet_Weights(WeightsEnum):
    """Pretrained weights for ``alexnet``."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            "num_params": 61100840,
            "min_size": (63, 63),
            "categories": _IMAGENET_CATEGORIES,
            "_metrics": {"ImageNet-1K": {"acc@1": 56.522, "acc@5": 79.066}},
        },
    )
    DEFAULT = IMAGENET1K_V1


@register_model(weights_enum=AlexNet_Weights)
@handle_legacy_interface(AlexNet_Weights.IMAGENET1K_V1)
def alexnet(*, weights=None, progress=True, **kwargs):
    """AlexNet, the single-tower variant of "One weird trick..." (Krizhevsky, 2014)."""
    weights = AlexNet_Weights.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = AlexNet(**kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model
