"""ember.vision.models architectures: parameter counts against torchvision's published
figures (the ``num_params`` of each weights entry in torchvision's documentation), spot-checks
of torchvision's state_dict keys and shapes, forward output shapes, and torchvision's init."""

import math

import pytest

import ember
from ember import Tensor
from ember.vision import models

# torchvision's published num_params (pytorch.org/vision, models/generated/*.html).
PUBLISHED_NUM_PARAMS = {
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg11_bn": 132_868_840,
    "vgg13": 133_047_848,
    "vgg13_bn": 133_053_736,
    "vgg16": 138_357_544,
    "vgg16_bn": 138_365_992,
    "vgg19": 143_667_240,
    "vgg19_bn": 143_678_248,
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "wide_resnet50_2": 68_883_240,
    "resnext50_32x4d": 25_028_904,
    "mobilenet_v2": 3_504_872,
    "mobilenet_v3_large": 5_483_032,
    "mobilenet_v3_small": 2_542_856,
    "efficientnet_b0": 5_288_548,
    "densenet121": 7_978_856,
    "densenet161": 28_681_000,
    "densenet169": 14_149_480,
    "densenet201": 20_013_928,
    "squeezenet1_0": 1_248_424,
    "squeezenet1_1": 1_235_496,
    "vit_b_16": 86_567_656,
    "vit_b_32": 88_224_232,
}

# Known torchvision keys and their shapes, a few per architecture.
KEYS = {
    "resnet18": {
        "conv1.weight": (64, 3, 7, 7),
        "bn1.running_mean": (64,),
        "bn1.num_batches_tracked": (),
        "layer1.0.conv1.weight": (64, 64, 3, 3),
        "layer2.0.downsample.0.weight": (128, 64, 1, 1),
        "layer2.0.downsample.1.running_var": (128,),
        "layer4.1.bn2.bias": (512,),
        "fc.weight": (1000, 512),
        "fc.bias": (1000,),
    },
    "resnet34": {"layer3.5.conv2.weight": (256, 256, 3, 3), "fc.weight": (1000, 512)},
    "resnet50": {
        "layer1.0.conv3.weight": (256, 64, 1, 1),
        "layer1.0.downsample.0.weight": (256, 64, 1, 1),
        "layer4.2.bn3.weight": (2048,),
        "fc.weight": (1000, 2048),
    },
    "resnet101": {"layer3.22.conv2.weight": (256, 256, 3, 3)},
    "resnet152": {"layer3.35.conv2.weight": (256, 256, 3, 3), "layer2.7.bn1.bias": (128,)},
    "resnext50_32x4d": {"layer1.0.conv2.weight": (128, 4, 3, 3), "fc.weight": (1000, 2048)},
    "wide_resnet50_2": {"layer1.0.conv1.weight": (128, 64, 1, 1), "fc.weight": (1000, 2048)},
    "alexnet": {
        "features.0.weight": (64, 3, 11, 11),
        "features.10.weight": (256, 256, 3, 3),
        "classifier.1.weight": (4096, 9216),
        "classifier.6.weight": (1000, 4096),
    },
    "vgg11": {
        "features.0.weight": (64, 3, 3, 3),
        "features.18.weight": (512, 512, 3, 3),
        "classifier.0.weight": (4096, 25088),
        "classifier.6.bias": (1000,),
    },
    "vgg11_bn": {
        "features.1.running_mean": (64,),
        "features.25.weight": (512, 512, 3, 3),
        "features.26.running_var": (512,),
    },
    "vgg13": {"features.22.weight": (512, 512, 3, 3)},
    "vgg13_bn": {"features.31.weight": (512, 512, 3, 3), "features.32.bias": (512,)},
    "vgg16": {"features.28.weight": (512, 512, 3, 3), "classifier.3.weight": (4096, 4096)},
    "vgg16_bn": {"features.40.weight": (512, 512, 3, 3), "features.41.running_mean": (512,)},
    "vgg19": {"features.34.weight": (512, 512, 3, 3)},
    "vgg19_bn": {"features.49.weight": (512, 512, 3, 3), "features.50.num_batches_tracked": ()},
    "mobilenet_v2": {
        "features.0.0.weight": (32, 3, 3, 3),
        "features.0.1.running_mean": (32,),
        "features.1.conv.0.0.weight": (32, 1, 3, 3),
        "features.1.conv.1.weight": (16, 32, 1, 1),
        "features.2.conv.0.0.weight": (96, 16, 1, 1),
        "features.18.0.weight": (1280, 320, 1, 1),
        "classifier.1.weight": (1000, 1280),
    },
    "mobilenet_v3_large": {
        "features.0.0.weight": (16, 3, 3, 3),
        "features.1.block.0.0.weight": (16, 1, 3, 3),
        "features.4.block.2.fc1.weight": (24, 72, 1, 1),
        "features.4.block.2.fc2.bias": (72,),
        "features.16.0.weight": (960, 160, 1, 1),
        "classifier.0.weight": (1280, 960),
        "classifier.3.weight": (1000, 1280),
    },
    "mobilenet_v3_small": {
        "features.1.block.1.fc1.weight": (8, 16, 1, 1),
        "features.12.0.weight": (576, 96, 1, 1),
        "classifier.0.weight": (1024, 576),
    },
    "efficientnet_b0": {
        "features.0.0.weight": (32, 3, 3, 3),
        "features.1.0.block.0.0.weight": (32, 1, 3, 3),
        "features.1.0.block.1.fc1.weight": (8, 32, 1, 1),
        "features.2.0.block.0.0.weight": (96, 16, 1, 1),
        "features.6.3.block.3.1.running_var": (192,),
        "features.8.0.weight": (1280, 320, 1, 1),
        "classifier.1.weight": (1000, 1280),
    },
    "densenet121": {
        "features.conv0.weight": (64, 3, 7, 7),
        "features.norm0.running_mean": (64,),
        "features.denseblock1.denselayer1.norm1.weight": (64,),
        "features.denseblock1.denselayer1.conv1.weight": (128, 64, 1, 1),
        "features.denseblock1.denselayer1.conv2.weight": (32, 128, 3, 3),
        "features.transition1.conv.weight": (128, 256, 1, 1),
        "features.denseblock4.denselayer16.conv2.weight": (32, 128, 3, 3),
        "features.norm5.weight": (1024,),
        "classifier.weight": (1000, 1024),
    },
    "densenet161": {"features.conv0.weight": (96, 3, 7, 7), "classifier.weight": (1000, 2208)},
    "densenet169": {"classifier.weight": (1000, 1664)},
    "densenet201": {"features.denseblock3.denselayer48.conv2.weight": (32, 128, 3, 3)},
    "squeezenet1_0": {
        "features.0.weight": (96, 3, 7, 7),
        "features.3.squeeze.weight": (16, 96, 1, 1),
        "features.3.expand3x3.weight": (64, 16, 3, 3),
        "classifier.1.weight": (1000, 512, 1, 1),
    },
    "squeezenet1_1": {
        "features.0.weight": (64, 3, 3, 3),
        "features.12.expand1x1.weight": (256, 64, 1, 1),
    },
    "vit_b_16": {
        "class_token": (1, 1, 768),
        "conv_proj.weight": (768, 3, 16, 16),
        "encoder.pos_embedding": (1, 197, 768),
        "encoder.layers.encoder_layer_0.ln_1.weight": (768,),
        "encoder.layers.encoder_layer_0.self_attention.in_proj_weight": (2304, 768),
        "encoder.layers.encoder_layer_0.self_attention.in_proj_bias": (2304,),
        "encoder.layers.encoder_layer_0.self_attention.out_proj.weight": (768, 768),
        "encoder.layers.encoder_layer_11.mlp.0.weight": (3072, 768),
        "encoder.layers.encoder_layer_11.mlp.3.weight": (768, 3072),
        "encoder.ln.bias": (768,),
        "heads.head.weight": (1000, 768),
    },
    "vit_b_32": {"conv_proj.weight": (768, 3, 32, 32), "encoder.pos_embedding": (1, 50, 768)},
}

# The smallest input side each architecture accepts (torchvision's min_size where published).
MIN_SIDE = {
    "alexnet": 63,
    "vgg11": 32,
    "resnet18": 32,
    "resnet50": 32,
    "resnext50_32x4d": 32,
    "wide_resnet50_2": 32,
    "mobilenet_v2": 32,
    "mobilenet_v3_large": 32,
    "mobilenet_v3_small": 32,
    "efficientnet_b0": 32,
    "densenet121": 32,
    "squeezenet1_0": 21,
    "squeezenet1_1": 17,
}


def _count(model):
    return sum(p.numel() for p in model.parameters())


@pytest.fixture
def cheap_init(monkeypatch):
    """Build models with the random fills replaced by zeros.

    Filling 100M+ parameters with random numbers takes seconds here; the architecture (keys,
    shapes, counts, output shapes) does not depend on the values, and the init itself is
    checked on the small models below with the real fills.
    """
    monkeypatch.setattr(Tensor, "uniform_", lambda self, *args, **kwargs: self.zero_())
    monkeypatch.setattr(Tensor, "normal_", lambda self, *args, **kwargs: self.zero_())


@pytest.mark.parametrize("name", sorted(PUBLISHED_NUM_PARAMS))
def test_models_num_params_and_keys_match_torchvision(cheap_init, name):
    model = models.get_model(name)
    assert _count(model) == PUBLISHED_NUM_PARAMS[name]
    assert models.get_model_weights(name).DEFAULT.meta["num_params"] == _count(model)
    state = model.state_dict()
    for key, shape in KEYS.get(name, {}).items():
        assert key in state, f"{name}: missing torchvision key {key}"
        assert tuple(state[key].shape) == shape, key
    if name in MIN_SIDE:
        side = MIN_SIDE[name]
        with ember.no_grad():
            out = model.eval()(ember.zeros(1, 3, side, side))
        assert tuple(out.shape) == (1, 1000)


@pytest.mark.parametrize("name, side", [("squeezenet1_1", 16), ("alexnet", 62)])
def test_models_forward_below_min_size_raises(cheap_init, name, side):
    # One pixel under torchvision's published min_size: a pooling window no longer fits.
    model = models.get_model(name).eval()
    with pytest.raises(RuntimeError):
        model(ember.zeros(1, 3, side, side))


@pytest.fixture(scope="module")
def small_models():
    ember.manual_seed(0)
    return {
        "resnet18": models.resnet18(),
        "mobilenet_v2": models.mobilenet_v2(),
        "efficientnet_b0": models.efficientnet_b0(),
        "squeezenet1_0": models.squeezenet1_0(),
        "densenet121": models.densenet121(),
    }


def _std(t):
    return float(t.detach().double().std())


def test_models_resnet_init_is_torchvision(small_models):
    m = small_models["resnet18"]
    # kaiming_normal_(mode="fan_out", nonlinearity="relu"): std = sqrt(2 / (out * kh * kw)).
    assert _std(m.conv1.weight) == pytest.approx(math.sqrt(2 / (64 * 49)), rel=0.05)
    assert _std(m.layer4[0].conv2.weight) == pytest.approx(math.sqrt(2 / (512 * 9)), rel=0.05)
    for bn in (m.bn1, m.layer3[1].bn2):
        assert bool((bn.weight == 1).all()) and bool((bn.bias == 0).all())
    # fc keeps Linear's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    assert float(m.fc.weight.abs().max()) <= 1 / math.sqrt(512)
    zero = models.resnet18(zero_init_residual=True)
    assert bool((zero.layer1[0].bn2.weight == 0).all())
    assert bool((zero.bn1.weight == 1).all())


def test_models_mobilenet_efficientnet_squeezenet_densenet_init(small_models):
    head = small_models["mobilenet_v2"].classifier[1]
    assert _std(head.weight) == pytest.approx(0.01, rel=0.05)
    assert bool((head.bias == 0).all())
    eff = small_models["efficientnet_b0"].classifier[1]
    assert float(eff.weight.abs().max()) <= 1 / math.sqrt(1000)
    assert _std(eff.weight) == pytest.approx(1 / math.sqrt(1000) / math.sqrt(3), rel=0.05)
    sq = small_models["squeezenet1_0"]
    assert _std(sq.classifier[1].weight) == pytest.approx(0.01, rel=0.05)
    # kaiming_uniform_ with its defaults (a=0, fan_in): bound sqrt(6 / fan_in).
    assert float(sq.features[0].weight.abs().max()) <= math.sqrt(6 / (3 * 49))
    dn = small_models["densenet121"]
    conv1 = dn.features.denseblock1.denselayer1.conv1.weight
    assert _std(conv1) == pytest.approx(math.sqrt(2 / 64), rel=0.05)  # kaiming_normal_ fan_in
    assert bool((dn.classifier.bias == 0).all())


def test_models_forward_train_mode_and_backward(small_models):
    model = small_models["mobilenet_v2"].train()
    x = ember.randn(2, 3, 32, 32)
    out = model(x)
    out.sum().backward()
    assert tuple(out.shape) == (2, 1000)
    assert model.features[0][0].weight.grad is not None
    model.eval()


def test_models_lenet5_layout():
    ember.manual_seed(0)
    model = models.lenet5()
    # C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850 (the classic LeNet-5 layout).
    assert _count(model) == 156 + 2416 + 48120 + 10164 + 850 == 61706
    state = model.state_dict()
    shapes = {
        "features.0.weight": (6, 1, 5, 5),
        "features.3.weight": (16, 6, 5, 5),
        "features.6.weight": (120, 16, 5, 5),
        "classifier.0.weight": (84, 120),
        "classifier.2.weight": (10, 84),
    }
    for key, shape in shapes.items():
        assert tuple(state[key].shape) == shape
    assert tuple(model(ember.randn(4, 1, 32, 32)).shape) == (4, 10)
    assert tuple(models.LeNet5(num_classes=5)(ember.randn(1, 1, 32, 32)).shape) == (1, 5)
    with pytest.raises(ValueError, match=r"\(N, 1, 32, 32\)"):
        model(ember.randn(1, 1, 28, 28))
    with pytest.raises(ValueError):
        models.lenet5(weights="DEFAULT")


def test_models_vision_transformer_configurable():
    ember.manual_seed(0)
    model = models.VisionTransformer(
        image_size=32,
        patch_size=8,
        num_layers=2,
        num_heads=2,
        hidden_dim=32,
        mlp_dim=64,
        num_classes=10,
    )
    state = model.state_dict()
    assert tuple(state["encoder.pos_embedding"].shape) == (1, 17, 32)  # 16 patches + class
    assert "encoder.layers.encoder_layer_1.mlp.3.bias" in state
    assert tuple(model(ember.randn(2, 3, 32, 32)).shape) == (2, 10)
    assert bool((model.heads.head.weight == 0).all())  # torchvision zeroes the head
    assert bool((model.class_token == 0).all())
    assert _std(model.encoder.pos_embedding) == pytest.approx(0.02, rel=0.3)
    with pytest.raises(AssertionError, match="Wrong image height! Expected 32 but got 24!"):
        model(ember.randn(1, 3, 24, 32))
    with pytest.raises(AssertionError, match="indivisible"):
        models.VisionTransformer(30, 8, 1, 1, 8, 8)
    rep = models.VisionTransformer(16, 8, 1, 2, 8, 16, num_classes=3, representation_size=4)
    assert tuple(rep.heads.pre_logits.weight.shape) == (4, 8)
    assert tuple(rep(ember.randn(1, 3, 16, 16)).shape) == (1, 3)


def test_models_builder_options(cheap_init):
    assert tuple(models.resnet18(num_classes=7).fc.weight.shape) == (7, 512)
    half = models.mobilenet_v2(width_mult=0.5)
    assert tuple(half.features[0][0].weight.shape) == (16, 3, 3, 3)
    reduced = models.mobilenet_v3_large(reduced_tail=True)
    assert tuple(reduced.classifier[0].weight.shape) == (640, 480)
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1"):
        models.resnet18(groups=2)
    with pytest.raises(ValueError, match="replace_stride_with_dilation"):
        models.resnet50(replace_stride_with_dilation=[False])
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2_0"):
        models.SqueezeNet("2_0")
    dilated = models.resnet50(replace_stride_with_dilation=[False, True, True])
    with ember.no_grad():
        features = dilated.layer4(dilated.layer3(dilated.layer2(ember.zeros(1, 256, 16, 16))))
    assert tuple(features.shape) == (1, 2048, 8, 8)  # output stride 8 instead of 32
