"""ResNet, ResNeXt and Wide ResNet (He et al., 2015; Xie et al., 2016; Zagoruyko and
Komodakis, 2016), as torchvision's ``models.resnet``: the same modules, names and init, so
torchvision checkpoints load unchanged. The stride of a Bottleneck sits on its 3x3 conv
(ResNet V1.5), as in torchvision."""

from functools import partial

from ember import nn
from ember.ops.shape import flatten
from ember.vision.models._api import _IMAGENET_CATEGORIES, Weights, WeightsEnum, register_model
from ember.vision.models._presets import ImageClassification
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "ResNet",
    "ResNet18_Weights",
    "ResNet34_Weights",
    "ResNet50_Weights",
    "ResNet101_Weights",
    "ResNet152_Weights",
    "ResNeXt50_32X4D_Weights",
    "Wide_ResNet50_2_Weights",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "wide_resnet50_2",
]


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution with padding, no bias (a norm layer follows)."""
    return nn.Conv2d(
        in_planes,
        out_planes,
        kernel_size=3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convs with a residual connection (ResNet-18/34)."""

    expansion = 1

    def __init__(
        self,
        inplanes,
        planes,
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided, grouped), 1x1 expand by 4, with a residual connection."""

    expansion = 4

    def __init__(
        self,
        inplanes,
        planes,
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        """relu(bn3(conv3(...conv1(x))) + shortcut(x))."""
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """A 7x7 stem, four stages of residual blocks, global average pooling and a linear head."""

    def __init__(
        self,
        block,
        layers,
        num_classes=1000,
        zero_init_residual=False,
        groups=1,
        width_per_group=64,
        replace_stride_with_dilation=None,
        norm_layer=None,
    ):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError(
                "replace_stride_with_dilation should be None "
                f"or a 3-element tuple, got {replace_stride_with_dilation}"
            )
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        dilate = replace_stride_with_dilation
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # Each residual branch then starts as zero, so every block starts as the identity
            # (Goyal et al., 2017).
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )
        layers = [
            block(
                self.inplanes,
                planes,
                stride,
                downsample,
                self.groups,
                self.base_width,
                previous_dilation,
                norm_layer,
            )
        ]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(
                block(
                    self.inplanes,
                    planes,
                    groups=self.groups,
                    base_width=self.base_width,
                    dilation=self.dilation,
                    norm_layer=norm_layer,
                )
            )
        return nn.Sequential(*layers)

    def forward(self, x):
        """(N, 3, H, W) images to (N, num_classes) logits."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = flatten(self.avgpool(x), 1)  # (N, 512 * expansion)
        return self.fc(x)


def _resnet(block, layers, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ResNet(block, layers, **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


_COMMON_META = {"min_size": (1, 1), "categories": _IMAGENET_CATEGORIES}
_URL = "https://download.pytorch.org/models/"
_V1 = partial(ImageClassification, crop_size=224)
_V2 = partial(ImageClassification, crop_size=224, resize_size=232)


def _meta(num_params, acc1, acc5, **extra):
    return {
        **_COMMON_META,
        "num_params": num_params,
        "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
        **extra,
    }


class ResNet18_Weights(WeightsEnum):
    """Pretrained weights for ``resnet18``."""

    IMAGENET1K_V1 = Weights(_URL + "resnet18-f37072fd.pth", _V1, _meta(11689512, 69.758, 89.078))
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    """Pretrained weights for ``resnet34``."""

    IMAGENET1K_V1 = Weights(_URL + "resnet34-b627a593.pth", _V1, _meta(21797672, 73.314, 91.42))
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    """Pretrained weights for ``resnet50``."""

    IMAGENET1K_V1 = Weights(_URL + "resnet50-0676ba61.pth", _V1, _meta(25557032, 76.13, 92.862))
    IMAGENET1K_V2 = Weights(_URL + "resnet50-11ad3fa6.pth", _V2, _meta(25557032, 80.858, 95.434))
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    """Pretrained weights for ``resnet101``."""

    IMAGENET1K_V1 = Weights(_URL + "resnet101-63fe2227.pth", _V1, _meta(44549160, 77.374, 93.546))
    IMAGENET1K_V2 = Weights(_URL + "resnet101-cd907fc2.pth", _V2, _meta(44549160, 81.886, 95.78))
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    """Pretrained weights for ``resnet152``."""

    IMAGENET1K_V1 = Weights(_URL + "resnet152-394f9c45.pth", _V1, _meta(60192808, 78.312, 94.046))
    IMAGENET1K_V2 = Weights(_URL + "resnet152-f82ba261.pth", _V2, _meta(60192808, 82.284, 96.002))
    DEFAULT = IMAGENET1K_V2


class ResNeXt50_32X4D_Weights(WeightsEnum):
    """Pretrained weights for ``resnext50_32x4d``."""

    IMAGENET1K_V1 = Weights(
        _URL + "resnext50_32x4d-7cdf4587.pth", _V1, _meta(25028904, 77.618, 93.698)
    )
    IMAGENET1K_V2 = Weights(
        _URL + "resnext50_32x4d-1a0047aa.pth", _V2, _meta(25028904, 81.198, 95.34)
    )
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet50_2_Weights(WeightsEnum):
    """Pretrained weights for ``wide_resnet50_2``."""

    IMAGENET1K_V1 = Weights(
        _URL + "wide_resnet50_2-95faca4d.pth", _V1, _meta(68883240, 78.468, 94.086)
    )
    IMAGENET1K_V2 = Weights(
        _URL + "wide_resnet50_2-9ba9bcbe.pth", _V2, _meta(68883240, 81.602, 95.758)
    )
    DEFAULT = IMAGENET1K_V2


@register_model(weights_enum=ResNet18_Weights)
@handle_legacy_interface(ResNet18_Weights.IMAGENET1K_V1)
def resnet18(*, weights=None, progress=True, **kwargs):
    """ResNet-18 (He et al., 2015).

    Example::

        >>> import ember
        >>> from ember.vision.models import resnet18
        >>> model = resnet18(num_classes=10).eval()
        >>> model(ember.randn(1, 3, 64, 64)).shape
        ember.Size([1, 10])
    """
    weights = ResNet18_Weights.verify(weights)
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, progress, **kwargs)


@register_model(weights_enum=ResNet34_Weights)
@handle_legacy_interface(ResNet34_Weights.IMAGENET1K_V1)
def resnet34(*, weights=None, progress=True, **kwargs):
    """ResNet-34 (He et al., 2015)."""
    weights = ResNet34_Weights.verify(weights)
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model(weights_enum=ResNet50_Weights)
@handle_legacy_interface(ResNet50_Weights.IMAGENET1K_V1)
def resnet50(*, weights=None, progress=True, **kwargs):
    """ResNet-50 (He et al., 2015), V1.5: the stride on the 3x3 conv of each Bottleneck."""
    weights = ResNet50_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model(weights_enum=ResNet101_Weights)
@handle_legacy_interface(ResNet101_Weights.IMAGENET1K_V1)
def resnet101(*, weights=None, progress=True, **kwargs):
    """ResNet-101 (He et al., 2015), V1.5."""
    weights = ResNet101_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)


@register_model(weights_enum=ResNet152_Weights)
@handle_legacy_interface(ResNet152_Weights.IMAGENET1K_V1)
def resnet152(*, weights=None, progress=True, **kwargs):
    """ResNet-152 (He et al., 2015), V1.5."""
    weights = ResNet152_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, progress, **kwargs)


@register_model(weights_enum=ResNeXt50_32X4D_Weights)
@handle_legacy_interface(ResNeXt50_32X4D_Weights.IMAGENET1K_V1)
def resnext50_32x4d(*, weights=None, progress=True, **kwargs):
    """ResNeXt-50 32x4d (Xie et al., 2016): 32 groups of width 4 in each 3x3 conv."""
    weights = ResNeXt50_32X4D_Weights.verify(weights)
    _ovewrite_named_param(kwargs, "groups", 32)
    _ovewrite_named_param(kwargs, "width_per_group", 4)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model(weights_enum=Wide_ResNet50_2_Weights)
@handle_legacy_interface(Wide_ResNet50_2_Weights.IMAGENET1K_V1)
def wide_resnet50_2(*, weights=None, progress=True, **kwargs):
    """Wide ResNet-50-2 (Zagoruyko and Komodakis, 2016): Bottleneck widths doubled."""
    weights = Wide_ResNet50_2_Weights.verify(weights)
    _ovewrite_named_param(kwargs, "width_per_group", 64 * 2)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)
