"""DenseNet-121/161/169/201 (Huang et al., 2016), as torchvision's ``models.densenet``."""

import re
from collections import OrderedDict
from functools import partial

from ember import nn
from ember.nn import functional as F
from ember.ops.joining import cat
from ember.ops.shape import flatten
from ember.vision.models._api import _IMAGENET_CATEGORIES, Weights, WeightsEnum, register_model
from ember.vision.models._presets import ImageClassification
from ember.vision.models._utils import _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "DenseNet",
    "DenseNet121_Weights",
    "DenseNet161_Weights",
    "DenseNet169_Weights",
    "DenseNet201_Weights",
    "densenet121",
    "densenet161",
    "densenet169",
    "densenet201",
]


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (bottleneck to ``bn_size * growth_rate``), BN-ReLU-3x3 conv."""

    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(
            num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False
        )
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(
            bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False
        )
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def forward(self, input):
        """The ``growth_rate`` new feature maps from the list of all previous ones."""
        prev_features = [input] if not isinstance(input, (list, tuple)) else input
        x = cat(prev_features, 1)
        x = self.conv1(self.relu1(self.norm1(x)))
        x = self.conv2(self.relu2(self.norm2(x)))
        if self.drop_rate > 0:
            x = F.dropout(x, p=self.drop_rate, training=self.training)
        return x


class _DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers, each fed the concatenation of all earlier outputs."""

    _version = 2

    def __init__(
        self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient
    ):
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(
                num_input_features + i * growth_rate,
                growth_rate=growth_rate,
                bn_size=bn_size,
                drop_rate=drop_rate,
                memory_efficient=memory_efficient,
            )
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, init_features):
        """(N, C, H, W) to (N, C + num_layers * growth_rate, H, W)."""
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv, then a 2x2 average pool halving the resolution."""

    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(
            num_input_features, num_output_features, kernel_size=1, stride=1, bias=False
        )
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """A 7x7 stem, dense blocks joined by transitions, a final BN and a linear head.

    Differences from PyTorch: ``memory_efficient=True`` (gradient checkpointing) is accepted
    and has no effect: ember keeps every activation.
    """

    def __init__(
        self,
        growth_rate=32,
        block_config=(6, 12, 24, 16),
        num_init_features=64,
        bn_size=4,
        drop_rate=0,
        num_classes=1000,
        memory_efficient=False,
    ):
        super().__init__()
        self.features = nn.Sequential(
            OrderedDict(
                [
                    ("conv0", nn.Conv2d(3, num_init_features, 7, stride=2, padding=3, bias=False)),
                    ("norm0", nn.BatchNorm2d(num_init_features)),
                    ("relu0", nn.ReLU(inplace=True)),
                    ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
                ]
            )
        )
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(
                num_layers=num_layers,
                num_input_features=num_features,
                bn_size=bn_size,
                growth_rate=growth_rate,
                drop_rate=drop_rate,
                memory_efficient=memory_efficient,
            )
            self.features.add_module(f"denseblock{i + 1}", block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = _Transition(num_features, num_features // 2)
                self.features.add_module(f"transition{i + 1}", trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        """(N, 3, H, W) images (H, W >= 29) to (N, num_classes) logits."""
        out = F.relu(self.features(x), inplace=True)
        out = flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# The published checkpoints predate the names norm1/conv1/...: they say norm.1, conv.1, ...
_OLD_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$"
)


def _load_state_dict(model, weights, progress):
    state_dict = weights.get_state_dict(progress=progress, check_hash=True, weights_only=True)
    for key in list(state_dict.keys()):
        match = _OLD_KEY.match(key)
        if match:
            state_dict[match.group(1) + match.group(2)] = state_dict.pop(key)
    model.load_state_dict(state_dict)


def _densenet(growth_rate, block_config, num_init_features, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = DenseNet(growth_rate, block_config, num_init_features, **kwargs)
    if weights is not None:
        _load_state_dict(model, weights, progress)
    return model


def _weights(file, num_params, acc1, acc5):
    return Weights(
        url="https://download.pytorch.org/models/" + file,
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            "num_params": num_params,
            "min_size": (29, 29),
            "categories": _IMAGENET_CATEGORIES,
            "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
        },
    )


class DenseNet121_Weights(WeightsEnum):
    """Pretrained weights for ``densenet121``."""

    IMAGENET1K_V1 = _weights("densenet121-a639ec97.pth", 7978856, 74.434, 91.972)
    DEFAULT = IMAGENET1K_V1


class DenseNet161_Weights(WeightsEnum):
    """Pretrained weights for ``densenet161``."""

    IMAGENET1K_V1 = _weights("densenet161-8d451a50.pth", 28681000, 77.138, 93.56)
    DEFAULT = IMAGENET1K_V1


class DenseNet169_Weights(WeightsEnum):
    """Pretrained weights for ``densenet169``."""

    IMAGENET1K_V1 = _weights("densenet169-b2777c0a.pth", 14149480, 75.6, 92.806)
    DEFAULT = IMAGENET1K_V1


class DenseNet201_Weights(WeightsEnum):
    """Pretrained weights for ``densenet201``."""

    IMAGENET1K_V1 = _weights("densenet201-c1103571.pth", 20013928, 76.896, 93.37)
    DEFAULT = IMAGENET1K_V1


@register_model(weights_enum=DenseNet121_Weights)
@handle_legacy_interface(DenseNet121_Weights.IMAGENET1K_V1)
def densenet121(*, weights=None, progress=True, **kwargs):
    """DenseNet-121 (growth rate 32, blocks 6-12-24-16)."""
    weights = DenseNet121_Weights.verify(weights)
    return _densenet(32, (6, 12, 24, 16), 64, weights, progress, **kwargs)


@register_model(weights_enum=DenseNet161_Weights)
@handle_legacy_interface(DenseNet161_Weights.IMAGENET1K_V1)
def densenet161(*, weights=None, progress=True, **kwargs):
    """DenseNet-161 (growth rate 48, blocks 6-12-36-24, 96 initial features)."""
    weights = DenseNet161_Weights.verify(weights)
    return _densenet(48, (6, 12, 36, 24), 96, weights, progress, **kwargs)


@register_model(weights_enum=DenseNet169_Weights)
@handle_legacy_interface(DenseNet169_Weights.IMAGENET1K_V1)
def densenet169(*, weights=None, progress=True, **kwargs):
    """DenseNet-169 (growth rate 32, blocks 6-12-32-32)."""
    weights = DenseNet169_Weights.verify(weights)
    return _densenet(32, (6, 12, 32, 32), 64, weights, progress, **kwargs)


@register_model(weights_enum=DenseNet201_Weights)
@handle_legacy_interface(DenseNet201_Weights.IMAGENET1K_V1)
def densenet201(*, weights=None, progress=True, **kwargs):
    """DenseNet-201 (growth rate 32, blocks 6-12-48-32)."""
    weights = DenseNet201_Weights.verify(weights)
    return _densenet(32, (6, 12, 48, 32), 64, weights, progress, **kwargs)
