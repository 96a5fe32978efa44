"""VGG 11/13/16/19, with and without batch norm (Simonyan and Zisserman, 2014), as
torchvision's ``models.vgg``."""

from functools import partial

from ember import nn
from ember.ops.shape import flatten
from ember.vision.models._api import _IMAGENET_CATEGORIES, Weights, WeightsEnum, register_model
from ember.vision.models._presets import ImageClassification
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "VGG",
    "VGG11_Weights",
    "VGG11_BN_Weights",
    "VGG13_Weights",
    "VGG13_BN_Weights",
    "VGG16_Weights",
    "VGG16_BN_Weights",
    "VGG19_Weights",
    "VGG19_BN_Weights",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]


class VGG(nn.Module):
    """``features`` (3x3 convs and max pools), a 7x7 adaptive pool, three linear layers."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        """(N, 3, H, W) images (H, W >= 32) to (N, num_classes) logits."""
        x = self.avgpool(self.features(x))  # (N, 512, 7, 7)
        return self.classifier(flatten(x, 1))


def make_layers(cfg, batch_norm=False):
    """The ``features`` Sequential of a configuration: channel counts, "M" for a max pool."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
        if batch_norm:
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
        else:
            layers += [conv2d, nn.ReLU(inplace=True)]
        in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M"]
    + [256, 256, 256, 256, "M"]
    + [512, 512, 512, 512, "M"]
    + [512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False  # the checkpoint overwrites every parameter
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _weights(file, num_params, acc1, acc5):
    return Weights(
        url="https://download.pytorch.org/models/" + file,
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            "num_params": num_params,
            "min_size": (32, 32),
            "categories": _IMAGENET_CATEGORIES,
            "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
        },
    )


class VGG11_Weights(WeightsEnum):
    """Pretrained weights for ``vgg11``."""

    IMAGENET1K_V1 = _weights("vgg11-8a719046.pth", 132863336, 69.02, 88.628)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    """Pretrained weights for ``vgg11_bn``."""

    IMAGENET1K_V1 = _weights("vgg11_bn-6002323d.pth", 132868840, 70.37, 89.81)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    """Pretrained weights for ``vgg13``."""

    IMAGENET1K_V1 = _weights("vgg13-19584684.pth", 133047848, 69.928, 89.246)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    """Pretrained weights for ``vgg13_bn``."""

    IMAGENET1K_V1 = _weights("vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    """Pretrained weights for ``vgg16``."""

    IMAGENET1K_V1 = _weights("vgg16-397923af.pth", 138357544, 71.592, 90.382)
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    """Pretrained weights for ``vgg16_bn``."""

    IMAGENET1K_V1 = _weights("vgg16_bn-6c64b313.pth", 138365992, 73.36, 91.516)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    """Pretrained weights for ``vgg19``."""

    IMAGENET1K_V1 = _weights("vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    """Pretrained weights for ``vgg19_bn``."""

    IMAGENET1K_V1 = _weights("vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842)
    DEFAULT = IMAGENET1K_V1


def _builder(name, cfg, batch_norm, weights_enum, doc):
    @register_model(name, weights_enum=weights_enum)
    @handle_legacy_interface(weights_enum.IMAGENET1K_V1)
    def builder(*, weights=None, progress=True, **kwargs):
        weights = weights_enum.verify(weights)
        return _vgg(cfg, batch_norm, weights, progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__doc__ = doc
    return builder


vgg11 = _builder("vgg11", "A", False, VGG11_Weights, "VGG-11 (configuration A).")
vgg11_bn = _builder("vgg11_bn", "A", True, VGG11_BN_Weights, "VGG-11 with batch norm.")
vgg13 = _builder("vgg13", "B", False, VGG13_Weights, "VGG-13 (configuration B).")
vgg13_bn = _builder("vgg13_bn", "B", True, VGG13_BN_Weights, "VGG-13 with batch norm.")
vgg16 = _builder("vgg16", "D", False, VGG16_Weights, "VGG-16 (configuration D).")
vgg16_bn = _builder("vgg16_bn", "D", True, VGG16_BN_Weights, "VGG-16 with batch norm.")
vgg19 = _builder("vgg19", "E", False, VGG19_Weights, "VGG-19 (configuration E).")
vgg19_bn = _builder("vgg19_bn", "E", True, VGG19_BN_Weights, "VGG-19 with batch norm.")
