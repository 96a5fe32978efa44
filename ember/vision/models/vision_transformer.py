"""Vision Transformer (Dosovitskiy et al., 2020), as torchvision's
``models.vision_transformer``: ``VisionTransformer(...)`` for any size, ``vit_b_16`` and
``vit_b_32``."""

import math
from collections import OrderedDict
from functools import partial

from ember import nn
from ember.ops.creation import empty, zeros
from ember.ops.joining import cat
from ember.vision.models._api import _IMAGENET_CATEGORIES, Weights, WeightsEnum, register_model
from ember.vision.models._blocks import MLP
from ember.vision.models._presets import ImageClassification
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface
from ember.vision.transforms import InterpolationMode

__all__ = [
    "VisionTransformer",
    "ViT_B_16_Weights",
    "ViT_B_32_Weights",
    "vit_b_16",
    "vit_b_32",
]


class MLPBlock(MLP):
    """The transformer's feed-forward block: Linear, GELU, Dropout, Linear, Dropout."""

    _version = 2

    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        # Checkpoints of version 1 (the published ViT weights among them) name the two linear
        # layers linear_1 and linear_2; they are entries 0 and 3 of this Sequential now.
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(2):
                for kind in ("weight", "bias"):
                    old_key = f"{prefix}linear_{i + 1}.{kind}"
                    if old_key in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old_key)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


class EncoderBlock(nn.Module):
    """Pre-norm transformer layer: x + attention(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(
        self,
        num_heads,
        hidden_dim,
        mlp_dim,
        dropout,
        attention_dropout,
        norm_layer=partial(nn.LayerNorm, eps=1e-6),
    ):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(
            hidden_dim, num_heads, dropout=attention_dropout, batch_first=True
        )
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        """(N, S, E) to (N, S, E)."""
        if input.dim() != 3:
            raise AssertionError(
                f"Expected (batch_size, seq_length, hidden_dim) got {tuple(input.shape)}"
            )
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, ``num_layers`` encoder blocks and a final norm."""

    def __init__(
        self,
        seq_length,
        num_layers,
        num_heads,
        hidden_dim,
        mlp_dim,
        dropout,
        attention_dropout,
        norm_layer=partial(nn.LayerNorm, eps=1e-6),
    ):
        super().__init__()
        # Learned position embedding, initialised as in BERT.
        self.pos_embedding = nn.Parameter(empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(
                num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm_layer
            )
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        """(N, S, E) to (N, S, E)."""
        if input.dim() != 3:
            raise AssertionError(
                f"Expected (batch_size, seq_length, hidden_dim) got {tuple(input.shape)}"
            )
        input = input + self.pos_embedding
        return self.ln(self.layers(self.dropout(input)))


class VisionTransformer(nn.Module):
    """Patches by a strided conv, a class token, a transformer encoder, a linear head.

    Shape checks raise AssertionError, as torchvision's ``torch._assert`` does.

    Differences from PyTorch: ``conv_stem_configs`` (the convolutional stem variant) is not
    supported.
    """

    def __init__(
        self,
        image_size,
        patch_size,
        num_layers,
        num_heads,
        hidden_dim,
        mlp_dim,
        dropout=0.0,
        attention_dropout=0.0,
        num_classes=1000,
        representation_size=None,
        norm_layer=partial(nn.LayerNorm, eps=1e-6),
        conv_stem_configs=None,
    ):
        super().__init__()
        if image_size % patch_size != 0:
            raise AssertionError(
                f"Input shape indivisible by patch size! (image_size={image_size}, "
                f"patch_size={patch_size})"
            )
        if conv_stem_configs is not None:
            raise NotImplementedError("VisionTransformer: conv_stem_configs is not supported")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer

        self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(zeros(1, 1, hidden_dim))
        seq_length += 1  # the class token
        self.encoder = Encoder(
            seq_length,
            num_layers,
            num_heads,
            hidden_dim,
            mlp_dim,
            dropout,
            attention_dropout,
            norm_layer,
        )
        self.seq_length = seq_length

        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)

        # LeCun-normal patch projection, zero head: the init of the paper's code.
        fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] ** 2
        nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
        nn.init.zeros_(self.conv_proj.bias)
        if "pre_logits" in heads:
            fan_in = self.heads.pre_logits.in_features
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / fan_in))
            nn.init.zeros_(self.heads.pre_logits.bias)
        nn.init.zeros_(self.heads.head.weight)
        nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        if h != self.image_size:
            raise AssertionError(f"Wrong image height! Expected {self.image_size} but got {h}!")
        if w != self.image_size:
            raise AssertionError(f"Wrong image width! Expected {self.image_size} but got {w}!")
        n_h, n_w = h // p, w // p
        x = self.conv_proj(x)  # (N, E, n_h, n_w)
        x = x.reshape(n, self.hidden_dim, n_h * n_w)
        return x.permute(0, 2, 1)  # (N, S, E): the encoder reads batch-first sequences

    def forward(self, x):
        """(N, 3, image_size, image_size) images to (N, num_classes) logits."""
        x = self._process_input(x)
        n = x.shape[0]
        batch_class_token = self.class_token.expand(n, -1, -1)
        x = self.encoder(cat([batch_class_token, x], dim=1))
        return self.heads(x[:, 0])  # the class token's output


def _vision_transformer(
    patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, progress, **kwargs
):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(
        image_size=image_size,
        patch_size=patch_size,
        num_layers=num_layers,
        num_heads=num_heads,
        hidden_dim=hidden_dim,
        mlp_dim=mlp_dim,
        **kwargs,
    )
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _weights(file, num_params, size, transforms, acc1, acc5):
    return Weights(
        url="https://download.pytorch.org/models/" + file,
        transforms=transforms,
        meta={
            "num_params": num_params,
            "min_size": (size, size),
            "categories": _IMAGENET_CATEGORIES,
            "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
        },
    )


_BICUBIC = InterpolationMode.BICUBIC


class ViT_B_16_Weights(WeightsEnum):
    """Pretrained weights for ``vit_b_16``."""

    IMAGENET1K_V1 = _weights(
        "vit_b_16-c867db91.pth",
        86567656,
        224,
        partial(ImageClassification, crop_size=224),
        81.072,
        95.318,
    )
    IMAGENET1K_SWAG_E2E_V1 = _weights(
        "vit_b_16_swag-9ac1b537.pth",
        86859496,
        384,
        partial(ImageClassification, crop_size=384, resize_size=384, interpolation=_BICUBIC),
        85.304,
        97.65,
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _weights(
        "vit_b_16_lc_swag-4e70ced5.pth",
        86567656,
        224,
        partial(ImageClassification, crop_size=224, resize_size=224, interpolation=_BICUBIC),
        81.886,
        96.18,
    )
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    """Pretrained weights for ``vit_b_32``."""

    IMAGENET1K_V1 = _weights(
        "vit_b_32-d86f8d99.pth",
        88224232,
        224,
        partial(ImageClassification, crop_size=224),
        75.912,
        92.466,
    )
    DEFAULT = IMAGENET1K_V1


@register_model(weights_enum=ViT_B_16_Weights)
@handle_legacy_interface(ViT_B_16_Weights.IMAGENET1K_V1)
def vit_b_16(*, weights=None, progress=True, **kwargs):
    """ViT-B/16: 12 layers, 12 heads, width 768, MLP 3072, 16x16 patches."""
    weights = ViT_B_16_Weights.verify(weights)
    return _vision_transformer(16, 12, 12, 768, 3072, weights, progress, **kwargs)


@register_model(weights_enum=ViT_B_32_Weights)
@handle_legacy_interface(ViT_B_32_Weights.IMAGENET1K_V1)
def vit_b_32(*, weights=None, progress=True, **kwargs):
    """ViT-B/32: as ViT-B/16 with 32x32 patches."""
    weights = ViT_B_32_Weights.verify(weights)
    return _vision_transformer(32, 12, 12, 768, 3072, weights, progress, **kwargs)
