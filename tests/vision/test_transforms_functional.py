"""transforms.functional: conversions, normalize, resize and the pixel kernels, against NumPy,
Pillow and PyTorch's own arithmetic."""

import colorsys

import numpy as np
import pytest
import torch
from PIL import Image, ImageEnhance, ImageOps

import ember
import ember.vision.transforms.functional as F
from ember.vision.transforms import InterpolationMode


@pytest.fixture
def rgb():
    return np.random.default_rng(0).integers(0, 256, (11, 14, 3), dtype=np.uint8)


def _chw(arr):
    return ember.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def _hwc(t):
    return t.numpy().transpose(1, 2, 0)


def test_to_tensor_scales_uint8_hwc_to_float_chw(rgb):
    for pic in (rgb, Image.fromarray(rgb)):
        t = F.to_tensor(pic)
        assert t.dtype is ember.float32 and tuple(t.shape) == (3, 11, 14)
        np.testing.assert_allclose(t.numpy(), rgb.transpose(2, 0, 1) / np.float32(255), rtol=1e-6)


def test_to_tensor_keeps_non_uint8_and_grayscale_modes():
    f = np.random.default_rng(1).random((4, 5)).astype(np.float32)
    t = F.to_tensor(f)
    assert t.dtype is ember.float32 and tuple(t.shape) == (1, 4, 5)
    np.testing.assert_array_equal(t.numpy()[0], f)
    mode_i = Image.fromarray(np.arange(20, dtype=np.int32).reshape(4, 5), mode="I")
    assert F.to_tensor(mode_i).dtype is ember.int32
    binary = Image.fromarray(np.eye(3, dtype=bool))
    np.testing.assert_array_equal(F.to_tensor(binary).numpy()[0], np.eye(3, dtype=np.float32))


def test_pil_to_tensor_and_to_pil_image_round_trip(rgb):
    pil = Image.fromarray(rgb)
    t = F.pil_to_tensor(pil)
    assert t.dtype is ember.uint8
    np.testing.assert_array_equal(_hwc(t), rgb)
    back = F.to_pil_image(t)
    assert back.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(back), rgb)
    gray = F.to_pil_image(ember.from_numpy(rgb[..., 0].copy()))
    assert gray.mode == "L"
    # float tensors are scaled by 255 and truncated, as torchvision's pic.mul(255).byte()
    f = ember.tensor([[[0.0, 0.5, 1.0]]])
    np.testing.assert_array_equal(np.asarray(F.to_pil_image(f)), [[0, 127, 255]])
    assert F.to_pil_image(f, mode="F").mode == "F"


def test_to_pil_image_errors():
    with pytest.raises(ValueError, match="2/3 dimensional"):
        F.to_pil_image(ember.zeros(1, 1, 2, 2))
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        F.to_pil_image([1, 2])
    with pytest.raises(ValueError, match="Only modes"):
        F.to_pil_image(ember.zeros(3, 2, 2, dtype=ember.uint8), mode="LA")


def test_normalize_matches_torch_arithmetic():
    x = np.random.default_rng(2).random((2, 3, 4, 5)).astype(np.float32)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    ours = F.normalize(ember.from_numpy(x.copy()), mean, std).numpy()
    tx = torch.from_numpy(x)
    ref = (tx - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    np.testing.assert_allclose(ours, ref.numpy(), rtol=1.3e-6, atol=1e-5)
    t = ember.from_numpy(x.copy())
    assert F.normalize(t, mean, std, inplace=True) is t


def test_normalize_errors():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.0], [1.0])
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image"):
        F.normalize(ember.zeros(2, 2), [0.0], [1.0])
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(ember.zeros(1, 2, 2), [0.0], [0.0])


def test_convert_image_dtype_follows_torchvision_scaling():
    u = ember.tensor([0, 1, 128, 255], dtype=ember.uint8)
    np.testing.assert_allclose(F.convert_image_dtype(u).numpy(), np.array([0, 1, 128, 255]) / 255)
    f = ember.tensor([0.0, 0.5, 0.999, 1.0])
    # (max + 1 - eps) scaling then truncation: 1.0 maps to 255, 0.5 to 127
    expected = (torch.tensor([0.0, 0.5, 0.999, 1.0]) * (255 + 1 - 1e-3)).to(torch.uint8)
    np.testing.assert_array_equal(F.convert_image_dtype(f, ember.uint8).numpy(), expected.numpy())
    i32 = F.convert_image_dtype(u, ember.int32).numpy()
    np.testing.assert_array_equal(i32, np.array([0, 1, 128, 255]) * (2**31 // 2**8))
    np.testing.assert_array_equal(
        F.convert_image_dtype(ember.from_numpy(i32), ember.uint8).numpy(), u.numpy()
    )
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(f, ember.int32)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_float_tensor_matches_torch_interpolate(mode, antialias):
    x = np.random.default_rng(3).random((2, 3, 13, 17)).astype(np.float32)
    for size in [(6, 9), (20, 31), (13, 5)]:
        ours = F.resize(
            ember.from_numpy(x), list(size), InterpolationMode(mode), antialias=antialias
        )
        smooth = mode in ("bilinear", "bicubic")
        kwargs = {"align_corners": False, "antialias": antialias} if smooth else {}
        ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=size, mode=mode, **kwargs)
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1.3e-6, atol=1e-5)


def test_resize_uint8_tensor_rounds_float_result(rgb):
    t = _chw(rgb)
    ours = F.resize(t, [5, 30], InterpolationMode.BICUBIC).numpy()
    tx = torch.from_numpy(rgb.transpose(2, 0, 1).copy()).float()[None]
    ref = torch.nn.functional.interpolate(tx, size=(5, 30), mode="bicubic", antialias=True)
    ref = ref.clamp(0, 255).round().to(torch.uint8)[0]
    assert ours.dtype == np.uint8
    assert np.abs(ours.astype(int) - ref.numpy().astype(int)).max() <= 1


def test_resize_int_sets_shorter_edge_and_max_size(rgb):
    t = _chw(rgb)  # h=11, w=14
    assert tuple(F.resize(t, 22).shape) == (3, 22, int(22 * 14 / 11))
    assert tuple(F.resize(t, 22, max_size=25).shape) == (3, int(25 * 22 / 28), 25)
    pil = F.resize(Image.fromarray(rgb), 22)
    assert pil.size == (int(22 * 14 / 11), 22)
    with pytest.raises(ValueError, match="max_size"):
        F.resize(t, [4, 4], max_size=10)


def test_resize_pil_is_pillow_resize(rgb):
    pil = Image.fromarray(rgb)
    for mode, code in [
        (InterpolationMode.BILINEAR, Image.BILINEAR),
        (InterpolationMode.LANCZOS, Image.LANCZOS),
    ]:
        ours = F.resize(pil, [7, 9], mode)
        assert isinstance(ours, Image.Image)
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(pil.resize((9, 7), code)))


def test_grayscale_uses_itu_r_601_2_luma(rgb):
    gray = F.rgb_to_grayscale(Image.fromarray(rgb))
    luma = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    assert gray.mode == "L"
    assert np.abs(np.asarray(gray).astype(float) - luma).max() <= 0.5 + 1e-6
    f = np.random.default_rng(4).random((2, 3, 4, 5)).astype(np.float32)
    ours = F.rgb_to_grayscale(ember.from_numpy(f), num_output_channels=3).numpy()
    ref = 0.2989 * f[:, 0] + 0.587 * f[:, 1] + 0.114 * f[:, 2]
    for c in range(3):
        np.testing.assert_allclose(ours[:, c], ref, rtol=1.3e-6, atol=1e-5)
    u = F.rgb_to_grayscale(_chw(rgb)).numpy()[0]
    assert np.abs(u.astype(float) - luma).max() <= 1.0
    with pytest.raises(ValueError, match="num_output_channels"):
        F.rgb_to_grayscale(_chw(rgb), 2)


def _pil_vs_tensor(rgb, fn, tol=0):
    pil_out = np.asarray(fn(Image.fromarray(rgb))).astype(int)
    tensor_out = _hwc(fn(_chw(rgb))).astype(int)
    assert np.abs(pil_out - tensor_out).max() <= tol


@pytest.mark.parametrize("factor", [0.0, 0.6, 1.8])
def test_enhancers_on_tensors_match_pillow(rgb, factor):
    # tensors truncate the float blend (torchvision's .to(uint8)); Pillow rounds: at most 1 apart
    _pil_vs_tensor(rgb, lambda i: F.adjust_brightness(i, factor), tol=1)
    _pil_vs_tensor(rgb, lambda i: F.adjust_contrast(i, factor), tol=1)
    _pil_vs_tensor(rgb, lambda i: F.adjust_saturation(i, factor), tol=1)
    _pil_vs_tensor(rgb, lambda i: F.adjust_sharpness(i, factor), tol=1)
    pil = Image.fromarray(rgb)
    expected = ImageEnhance.Contrast(pil).enhance(factor)
    np.testing.assert_array_equal(np.asarray(F.adjust_contrast(pil, factor)), np.asarray(expected))


def test_histogram_and_bit_ops_match_pillow(rgb):
    _pil_vs_tensor(rgb, F.equalize)
    _pil_vs_tensor(rgb, F.autocontrast)
    _pil_vs_tensor(rgb, F.invert)
    _pil_vs_tensor(rgb, lambda i: F.posterize(i, 3))
    _pil_vs_tensor(rgb, lambda i: F.solarize(i, 100))
    pil = Image.fromarray(rgb)
    np.testing.assert_array_equal(np.asarray(F.equalize(pil)), np.asarray(ImageOps.equalize(pil)))
    with pytest.raises(TypeError, match="Only torch.uint8"):
        F.posterize(ember.rand(3, 4, 4), 3)


def test_gamma_tensor_matches_formula_and_pillow(rgb):
    _pil_vs_tensor(rgb, lambda i: F.adjust_gamma(i, 0.5, 1.0))
    f = np.random.default_rng(5).random((3, 4, 5)).astype(np.float32)
    ours = F.adjust_gamma(ember.from_numpy(f), 2.2, gain=0.9).numpy()
    np.testing.assert_allclose(ours, np.clip(0.9 * f**2.2, 0, 1), rtol=1.3e-6, atol=1e-5)


def test_adjust_hue_float_matches_colorsys():
    f = np.random.default_rng(6).random((3, 3, 4)).astype(np.float64)
    ours = F.adjust_hue(ember.from_numpy(f), 0.2).numpy()
    for y in range(3):
        for x in range(4):
            h, s, v = colorsys.rgb_to_hsv(*f[:, y, x])
            np.testing.assert_allclose(
                ours[:, y, x], colorsys.hsv_to_rgb((h + 0.2) % 1.0, s, v), atol=1e-7
            )
    with pytest.raises(ValueError, match="is not in"):
        F.adjust_hue(ember.from_numpy(f), 0.7)


def test_gaussian_blur_matches_torch_conv2d_with_reflect_padding():
    x = np.random.default_rng(7).random((2, 3, 9, 10)).astype(np.float32)
    ours = F.gaussian_blur(ember.from_numpy(x), [5, 3], [1.5, 0.7]).numpy()

    def kernel(k, s):
        g = torch.exp(-0.5 * (torch.linspace(-(k - 1) / 2, (k - 1) / 2, k) / s) ** 2)
        return g / g.sum()

    k2 = torch.outer(kernel(3, 0.7), kernel(5, 1.5)).expand(3, 1, 3, 5)
    padded = torch.nn.functional.pad(torch.from_numpy(x), [2, 2, 1, 1], mode="reflect")
    ref = torch.nn.functional.conv2d(padded, k2, groups=3)
    np.testing.assert_allclose(ours, ref.numpy(), rtol=1.3e-6, atol=1e-5)


def test_erase_sets_region_and_respects_inplace():
    t = ember.zeros(3, 5, 6)
    out = F.erase(t, 1, 2, 2, 3, ember.tensor(7.0))
    expected = np.zeros((3, 5, 6), np.float32)
    expected[:, 1:3, 2:5] = 7.0
    np.testing.assert_array_equal(out.numpy(), expected)
    assert float(t.sum()) == 0.0
    F.erase(t, 0, 0, 1, 1, 1.0, inplace=True)
    assert float(t.sum()) == 3.0


def test_dimensions_for_pil_and_tensor(rgb):
    assert F.get_dimensions(Image.fromarray(rgb)) == [3, 11, 14]
    assert F.get_dimensions(ember.zeros(4, 3, 11, 14)) == [3, 11, 14]
    assert F.get_image_size(_chw(rgb)) == [14, 11]
    assert F.get_image_num_channels(ember.zeros(11, 14)) == 1
    with pytest.raises(TypeError):
        F.get_dimensions([1, 2])
