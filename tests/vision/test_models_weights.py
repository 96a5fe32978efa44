"""Pretrained weights of ember.vision.models: the enums (torchvision's names, DEFAULT, url,
meta, transforms), the registry (get_model, get_model_weights, get_weight, list_models), and
loading a checkpoint from the hub cache under $EMBER_HOME."""

import os
import urllib.error

import pytest
import torch

import ember
from ember import hub
from ember.vision import models
from ember.vision.models import vision_transformer

REQUIRED = [
    "lenet5",
    "alexnet",
    "vgg11",
    "vgg11_bn",
    "vgg16",
    "vgg16_bn",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "wide_resnet50_2",
    "resnext50_32x4d",
    "mobilenet_v2",
    "mobilenet_v3_large",
    "mobilenet_v3_small",
    "efficientnet_b0",
    "densenet121",
    "squeezenet1_0",
    "squeezenet1_1",
    "vit_b_16",
]


@pytest.fixture
def ember_home(tmp_path, monkeypatch):
    """A fresh $EMBER_HOME; its checkpoints folder is where the hub looks for weights."""
    monkeypatch.setenv("EMBER_HOME", str(tmp_path))
    monkeypatch.setattr(hub, "_hub_dir", None)
    return tmp_path / "hub" / "checkpoints"


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr("urllib.request.urlopen", refuse)


@pytest.fixture(scope="module")
def resnet18_checkpoint():
    ember.manual_seed(0)
    return models.resnet18().state_dict()


def test_models_weights_enum_names_and_meta():
    w = models.ResNet18_Weights
    assert w.DEFAULT is w.IMAGENET1K_V1
    assert models.ResNet50_Weights.DEFAULT is models.ResNet50_Weights.IMAGENET1K_V2
    assert repr(w.DEFAULT) == "ResNet18_Weights.IMAGENET1K_V1"
    assert w.IMAGENET1K_V1.url == "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    meta = w.IMAGENET1K_V1.meta
    assert meta["num_params"] == 11_689_512
    categories = meta["categories"]
    assert len(categories) == 1000 and len(set(categories)) == 1000
    # Spot checks of ImageNet-1K class indices (torchvision's names).
    assert categories[0] == "tench"
    assert categories[281] == "tabby"
    assert categories[398] == "abacus"
    assert categories[999] == "toilet tissue"
    assert models.ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1.meta["min_size"] == (384, 384)
    assert [m.name for m in models.MobileNet_V3_Large_Weights] == ["IMAGENET1K_V1", "IMAGENET1K_V2"]


def test_models_weights_verify_accepts_names():
    w = models.ResNet50_Weights
    assert w.verify(None) is None
    assert w.verify("DEFAULT") is w.IMAGENET1K_V2
    assert w.verify("IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert w.verify("ResNet50_Weights.IMAGENET1K_V1") is w.IMAGENET1K_V1
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received"):
        w.verify(models.ResNet18_Weights.DEFAULT)
    with pytest.raises(KeyError):
        w.verify("IMAGENET1K_V9")


def test_models_registry():
    names = models.list_models()
    assert names == sorted(names)
    assert set(REQUIRED) <= set(names)
    assert models.list_models(include="resnet*") == [
        "resnet101",
        "resnet152",
        "resnet18",
        "resnet34",
        "resnet50",
    ]
    assert "vgg11" not in models.list_models(include="vgg*", exclude="*11*")
    assert models.list_models(module=models) == names
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.get_model_weights(models.vit_b_16) is models.ViT_B_16_Weights
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V1") is (
        models.ResNet50_Weights.IMAGENET1K_V1
    )
    assert models.get_model_builder("squeezenet1_1") is models.squeezenet1_1
    ember.manual_seed(0)
    assert tuple(models.get_model("squeezenet1_1", num_classes=3).classifier[1].weight.shape) == (
        3,
        512,
        1,
        1,
    )
    with pytest.raises(ValueError, match="Unknown model resnet7"):
        models.get_model("resnet7")
    with pytest.raises(ValueError, match="Invalid weight name"):
        models.get_weight("ResNet50_Weights")
    with pytest.raises(ValueError, match="couldn't be retrieved"):
        models.get_weight("Nope_Weights.DEFAULT")
    with pytest.raises(ValueError, match="missing"):
        models.get_model_weights("lenet5")


def test_models_weights_num_classes_must_match(ember_home):
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 10"):
        models.resnet18(weights=models.ResNet18_Weights.DEFAULT, num_classes=10)


def test_models_weights_load_from_ember_home(ember_home, resnet18_checkpoint):
    ember_home.mkdir(parents=True)
    ember.save(resnet18_checkpoint, ember_home / "resnet18-f37072fd.pth")
    model = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1)
    loaded = model.state_dict()
    assert list(loaded) == list(resnet18_checkpoint)
    for key, value in resnet18_checkpoint.items():
        assert bool(ember.equal(loaded[key], value)), key
    by_string = models.get_model("resnet18", weights="DEFAULT")
    assert bool(ember.equal(by_string.fc.weight, resnet18_checkpoint["fc.weight"]))


def test_models_weights_legacy_pretrained_argument(ember_home, resnet18_checkpoint):
    ember_home.mkdir(parents=True)
    ember.save(resnet18_checkpoint, ember_home / "resnet18-f37072fd.pth")
    with pytest.warns(UserWarning) as record:
        model = models.resnet18(pretrained=True)
    messages = [str(w.message) for w in record]
    assert any("'pretrained' is deprecated" in m for m in messages)
    assert any(
        "equivalent to passing `weights=ResNet18_Weights.IMAGENET1K_V1`" in m for m in messages
    )
    assert bool(ember.equal(model.conv1.weight, resnet18_checkpoint["conv1.weight"]))
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        models.squeezenet1_1(pretrained=False)


def test_models_weights_missing_file_says_where_to_put_it(ember_home, no_network):
    weights = models.ResNet18_Weights.IMAGENET1K_V1
    with pytest.raises(RuntimeError) as info:
        models.resnet18(weights=weights)
    message = str(info.value)
    assert weights.url in message
    assert str(ember_home / "resnet18-f37072fd.pth") in message
    assert not ember_home.exists() or not os.listdir(ember_home)  # no partial file left


def test_models_weights_checkpoint_is_torch_readable(tmp_path, resnet18_checkpoint):
    path = tmp_path / "resnet18.pth"
    ember.save(resnet18_checkpoint, path)
    state = torch.load(path, weights_only=True)
    assert list(state) == list(resnet18_checkpoint)
    for key, value in resnet18_checkpoint.items():
        assert torch.equal(state[key], torch.from_numpy(value.numpy())), key


def test_models_weights_densenet_old_key_names(ember_home):
    # The published DenseNet checkpoints predate num_batches_tracked and spell the dense
    # layers' keys "norm.1", "conv.2", ... instead of "norm1", "conv2".
    ember.manual_seed(0)
    state = models.densenet121().state_dict()
    old = {}
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        if ".denselayer" in key:
            for name in ("norm1", "norm2", "conv1", "conv2"):
                key = key.replace(f".{name}.", f".{name[:-1]}.{name[-1]}.")
        old[key] = value
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    assert "features.transition1.norm.weight" in old
    ember_home.mkdir(parents=True)
    ember.save(old, ember_home / "densenet121-a639ec97.pth")
    model = models.densenet121(weights="DEFAULT")
    key = "features.denseblock2.denselayer3.conv2.weight"
    assert bool(ember.equal(model.state_dict()[key], state[key]))


def test_models_weights_vit_mlp_version1_keys():
    # Version-1 ViT checkpoints (the published ones) name the MLP layers linear_1, linear_2.
    ember.manual_seed(0)
    block = vision_transformer.MLPBlock(8, 16, 0.0)
    state = block.state_dict()
    old = {k.replace("0.", "linear_1.").replace("3.", "linear_2."): v for k, v in state.items()}
    assert sorted(old) == ["linear_1.bias", "linear_1.weight", "linear_2.bias", "linear_2.weight"]
    fresh = vision_transformer.MLPBlock(8, 16, 0.0)
    fresh.load_state_dict(old)
    assert bool(ember.equal(fresh[3].weight, state["3.weight"]))
