"""The weights' inference preset (ImageClassification): resize of the shorter side with
antialiasing, center crop, rescale and normalize, against PyTorch's
``interpolate(antialias=True)`` (which reproduces Pillow's filters) for tensors and images."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from PIL import Image

import ember
from ember.vision import models
from ember.vision.models import ImageClassification
from ember.vision.transforms import InterpolationMode

MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(-1, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(-1, 1, 1)


def _torch_preset(img, resize, crop, mode="bilinear"):
    """torchvision's preset on a float (..., C, H, W) tensor, written with torch."""
    h, w = img.shape[-2:]
    size = (resize, int(resize * w / h)) if h <= w else (int(resize * h / w), resize)
    batch = img.reshape(-1, *img.shape[-3:])
    out = TF.interpolate(batch, size=size, mode=mode, antialias=True, align_corners=False)
    out = out.reshape(*img.shape[:-2], *size)
    top = int(round((size[0] - crop) / 2.0))
    left = int(round((size[1] - crop) / 2.0))
    out = out[..., top : top + crop, left : left + crop]
    return (out - MEAN) / STD


def _as_torch(t):
    return torch.from_numpy(t.numpy())


@pytest.mark.parametrize("shape", [(3, 40, 50), (3, 50, 37), (2, 3, 45, 45), (3, 20, 24)])
def test_models_preset_float_tensor_matches_torch(shape):
    x = np.random.default_rng(0).uniform(size=shape).astype(np.float32)
    preset = ImageClassification(crop_size=24, resize_size=32)
    out = preset(ember.tensor(x))
    expected = _torch_preset(torch.tensor(x), 32, 24)
    assert out.dtype == ember.float32
    torch.testing.assert_close(_as_torch(out), expected)


def test_models_preset_float64_input_gives_float32():
    x = np.random.default_rng(5).uniform(size=(3, 30, 30))
    out = ImageClassification(crop_size=24, resize_size=30)(ember.tensor(x))
    assert out.dtype == ember.float32
    expected = (torch.tensor(x, dtype=torch.float32)[:, 3:27, 3:27] - MEAN) / STD
    torch.testing.assert_close(_as_torch(out), expected)


def test_models_preset_bicubic_matches_torch():
    x = np.random.default_rng(1).uniform(size=(3, 64, 48)).astype(np.float32)
    preset = ImageClassification(
        crop_size=24, resize_size=30, interpolation=InterpolationMode.BICUBIC
    )
    expected = _torch_preset(torch.tensor(x), 30, 24, mode="bicubic")
    torch.testing.assert_close(_as_torch(preset(ember.tensor(x))), expected)


def test_models_preset_uint8_tensor_and_pil_image_match_torch():
    pixels = np.random.default_rng(2).integers(0, 256, size=(41, 57, 3), dtype=np.uint8)
    chw = np.ascontiguousarray(pixels.transpose(2, 0, 1))
    preset = ImageClassification(crop_size=24, resize_size=32)
    # PyTorch resizes uint8 images with Pillow's fixed-point filter and rounds to uint8.
    size = (32, int(32 * 57 / 41))
    resized = TF.interpolate(torch.tensor(chw)[None], size=size, mode="bilinear", antialias=True)
    top, left = int(round((size[0] - 24) / 2.0)), int(round((size[1] - 24) / 2.0))
    expected = (resized[0, :, top : top + 24, left : left + 24] / 255.0 - MEAN) / STD
    # One uint8 level of rounding difference, divided by the smallest std.
    tol = dict(rtol=0, atol=1.01 / 255 / 0.224)
    torch.testing.assert_close(_as_torch(preset(ember.tensor(chw))), expected, **tol)
    torch.testing.assert_close(_as_torch(preset(Image.fromarray(pixels))), expected, **tol)


def test_models_preset_pads_when_crop_exceeds_image():
    x = np.random.default_rng(3).uniform(size=(3, 10, 10)).astype(np.float32)
    out = ImageClassification(crop_size=14, resize_size=10)(ember.tensor(x))
    assert tuple(out.shape) == (3, 14, 14)
    raw = _as_torch(out) * STD + MEAN  # undo the normalization
    torch.testing.assert_close(raw[:, 2:12, 2:12], torch.tensor(x))
    torch.testing.assert_close(raw[:, :2], torch.zeros(3, 2, 14), atol=1e-6, rtol=0)


def test_models_preset_from_weights_repr_and_errors():
    preset = models.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert isinstance(preset, ImageClassification)
    assert preset.resize_size == [232] and preset.crop_size == [224]
    assert repr(preset) == (
        "ImageClassification(\n"
        "    crop_size=[224]\n"
        "    resize_size=[232]\n"
        "    mean=[0.485, 0.456, 0.406]\n"
        "    std=[0.229, 0.224, 0.225]\n"
        "    interpolation=InterpolationMode.BILINEAR\n"
        ")"
    )
    assert "resize_size=[232]" in preset.describe()
    eff = models.EfficientNet_B0_Weights.DEFAULT.transforms()
    assert eff.interpolation is InterpolationMode.BICUBIC
    with pytest.raises(TypeError, match="uint8 or floating point"):
        preset(ember.zeros(3, 100, 100, dtype=ember.int32))
    with pytest.raises(TypeError, match="PIL image or a tensor"):
        preset(np.zeros((3, 100, 100)))
