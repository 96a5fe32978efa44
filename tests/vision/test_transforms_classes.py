"""Transform classes: get_params under a seed against the crop done by slicing, seeded
pipelines, PIL in gives PIL out, and torchvision's reprs."""

import math
import random

import numpy as np
import pytest
from PIL import Image

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F


@pytest.fixture
def img():
    return np.random.default_rng(20).integers(0, 256, (3, 12, 16), dtype=np.uint8)


def test_random_crop_uses_drawn_offsets(img):
    t = ember.from_numpy(img)
    crop = T.RandomCrop(5)
    ember.manual_seed(3)
    i, j, h, w = T.RandomCrop.get_params(t, (5, 5))
    assert 0 <= i <= 7 and 0 <= j <= 11 and (h, w) == (5, 5)
    ember.manual_seed(3)
    np.testing.assert_array_equal(crop(t).numpy(), img[:, i : i + 5, j : j + 5])
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop.get_params(t, (13, 5))


def test_random_crop_padding_and_pad_if_needed(img):
    t = ember.from_numpy(img)
    ember.manual_seed(0)
    i, j, _, _ = T.RandomCrop.get_params(ember.zeros(3, 16, 20), (12, 16))
    ember.manual_seed(0)
    out = T.RandomCrop((12, 16), padding=2, padding_mode="reflect")(t).numpy()
    padded = np.pad(img, [(0, 0), (2, 2), (2, 2)], mode="reflect")
    np.testing.assert_array_equal(out, padded[:, i : i + 12, j : j + 16])
    grown = T.RandomCrop((14, 20), pad_if_needed=True, fill=5)(t)
    assert tuple(grown.shape) == (3, 14, 20)
    assert T.RandomCrop(8)(Image.fromarray(img.transpose(1, 2, 0))).size == (8, 8)


def test_random_resized_crop_get_params_then_resize(img):
    t = ember.from_numpy(img)
    ember.manual_seed(7)
    i, j, h, w = T.RandomResizedCrop.get_params(t, [0.08, 1.0], [3 / 4, 4 / 3])
    assert 0 <= i and i + h <= 12 and 0 <= j and j + w <= 16
    ember.manual_seed(7)
    out = T.RandomResizedCrop(6)(t)
    np.testing.assert_array_equal(out.numpy(), F.resize(t[:, i : i + h, j : j + w], [6, 6]).numpy())
    # scale (1, 1) with an impossible ratio falls back to the centre crop at the nearest ratio
    assert T.RandomResizedCrop.get_params(t, [1.0, 1.0], [3.0, 4.0]) == (
        3,
        0,
        5,
        16,
    )  # h = round(16 / 3), i = (12 - 5) // 2


def test_random_rotation_and_affine_get_params_are_seeded():
    ember.manual_seed(1)
    a = T.RandomRotation.get_params([-30.0, 30.0])
    ember.manual_seed(1)
    assert T.RandomRotation.get_params([-30.0, 30.0]) == a and -30.0 <= a <= 30.0
    ember.manual_seed(2)
    angle, (tx, ty), scale, shear = T.RandomAffine.get_params(
        [-10.0, 10.0], [0.1, 0.2], [0.9, 1.1], [-5.0, 5.0, -2.0, 2.0], [16, 12]
    )
    assert -10 <= angle <= 10 and abs(tx) <= 2 and abs(ty) <= 3 and 0.9 <= scale <= 1.1
    assert -5 <= shear[0] <= 5 and -2 <= shear[1] <= 2


def test_random_rotation_of_90_equals_rot90(img):
    square = ember.from_numpy(np.ascontiguousarray(img[:, :, :12]))
    out = T.RandomRotation((90, 90))(square)
    np.testing.assert_array_equal(out.numpy(), np.rot90(img[:, :, :12], 1, axes=(1, 2)))


def test_flips_with_p_one_and_zero(img):
    t = ember.from_numpy(img)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(t).numpy(), img[..., ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(1.0)(t).numpy(), img[:, ::-1])
    assert T.RandomHorizontalFlip(0.0)(t) is t


def test_perspective_get_params_corners_in_range():
    ember.manual_seed(4)
    start, end = T.RandomPerspective.get_params(16, 12, 0.5)
    assert start == [[0, 0], [15, 0], [15, 11], [0, 11]]
    (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = end
    assert 0 <= tlx <= 4 and 0 <= tly <= 3 and 11 <= trx <= 15 and 8 <= bry <= 11


def test_color_jitter_get_params_and_order():
    ember.manual_seed(5)
    order, b, c, s, h = T.ColorJitter.get_params((0.5, 1.5), None, (0.0, 2.0), (-0.1, 0.1))
    assert sorted(order.tolist()) == [0, 1, 2, 3]
    assert 0.5 <= b <= 1.5 and c is None and 0.0 <= s <= 2.0 and -0.1 <= h <= 0.1
    jitter = T.ColorJitter(brightness=0.5)
    assert jitter.contrast is None and jitter.brightness == (0.5, 1.5)
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.7)


def test_color_jitter_brightness_only_equals_adjust_brightness(img):
    t = ember.from_numpy(img)
    ember.manual_seed(6)
    _, b, _, _, _ = T.ColorJitter.get_params((0.2, 1.8), None, None, None)
    ember.manual_seed(6)
    out = T.ColorJitter(brightness=0.8)(t)
    np.testing.assert_array_equal(out.numpy(), F.adjust_brightness(t, b).numpy())


def test_random_erasing_erases_the_drawn_rectangle():
    t = ember.ones(3, 20, 20)
    ember.manual_seed(8)
    ember.rand(1)  # the p draw of forward
    i, j, h, w, _ = T.RandomErasing.get_params(t, (0.02, 0.33), (0.3, 3.3), value=[0.0])
    ember.manual_seed(8)
    out = T.RandomErasing(p=1.0)(t).numpy()
    expected = np.ones((3, 20, 20), np.float32)
    expected[:, i : i + h, j : j + w] = 0.0
    np.testing.assert_array_equal(out, expected)
    assert math.isclose(float(t.sum()), 1200.0)
    with pytest.raises(ValueError, match="should be 'random'"):
        T.RandomErasing(value="noise")


def test_gaussian_blur_and_grayscale_classes(img):
    t = ember.from_numpy(img)
    ember.manual_seed(9)
    sigma = T.GaussianBlur.get_params(0.1, 2.0)
    ember.manual_seed(9)
    out = T.GaussianBlur(3)(t)
    np.testing.assert_array_equal(out.numpy(), F.gaussian_blur(t, [3, 3], [sigma, sigma]).numpy())
    assert tuple(T.Grayscale(3)(t).shape) == (3, 12, 16)
    assert tuple(T.RandomGrayscale(1.0)(t).shape) == (3, 12, 16)
    with pytest.raises(ValueError, match="odd and positive"):
        T.GaussianBlur(4)


def test_seeded_pipeline_reproduces_and_batches(img):
    pipeline = T.Compose(
        [
            T.RandomResizedCrop(8, antialias=True),
            T.RandomHorizontalFlip(),
            T.ColorJitter(0.4, 0.4, 0.4, 0.1),
            T.RandomRotation(15),
            T.ConvertImageDtype(ember.float32),
            T.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]),
        ]
    )
    t = ember.from_numpy(np.stack([img, img[:, ::-1]]))  # a batch of two
    ember.manual_seed(11)
    a = pipeline(t)
    ember.manual_seed(11)
    b = pipeline(t)
    assert tuple(a.shape) == (2, 3, 8, 8) and a.dtype is ember.float32
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_pil_in_gives_pil_out(img):
    pil = Image.fromarray(img.transpose(1, 2, 0))
    for transform in [
        T.Resize(8),
        T.CenterCrop(6),
        T.RandomCrop(6, padding=1),
        T.RandomResizedCrop(6),
        T.RandomHorizontalFlip(1.0),
        T.RandomRotation(20),
        T.RandomAffine(10, translate=(0.1, 0.1), shear=5),
        T.RandomPerspective(p=1.0),
        T.ColorJitter(0.3, 0.3, 0.3, 0.1),
        T.Grayscale(),
        T.GaussianBlur(3),
        T.Pad(2, padding_mode="symmetric"),
        T.RandomApply([T.RandomInvert(1.0)], p=1.0),
    ]:
        assert isinstance(transform(pil), Image.Image), transform
    assert all(isinstance(c, Image.Image) for c in T.TenCrop(4)(pil))
    t = T.Compose([T.PILToTensor(), T.ToPILImage()])(pil)
    np.testing.assert_array_equal(np.asarray(t), np.asarray(pil))


def test_python_random_drives_random_order_and_choice(img):
    t = ember.from_numpy(img)
    random.seed(0)
    out = T.RandomChoice([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0)], p=[1.0, 0.0])(t)
    np.testing.assert_array_equal(out.numpy(), img[..., ::-1])
    order = T.RandomOrder([T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 2)])
    random.seed(1)
    first = order(ember.tensor(1.0)).item()
    random.seed(1)
    assert order(ember.tensor(1.0)).item() == first and first in (3.0, 4.0)
    with pytest.raises(TypeError, match="lambd should be callable"):
        T.Lambda(3)


def test_reprs_match_torchvision():
    assert repr(T.Compose([T.ToTensor(), T.Normalize(mean=[0.5], std=[0.5])])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.5])\n)"
    )
    expected = {
        T.Resize(32): "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)",
        T.CenterCrop(10): "CenterCrop(size=(10, 10))",
        T.RandomCrop(32, padding=4): "RandomCrop(size=(32, 32), padding=4)",
        T.RandomResizedCrop(224): (
            "RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
            "interpolation=bilinear, antialias=True)"
        ),
        T.RandomHorizontalFlip(): "RandomHorizontalFlip(p=0.5)",
        T.ColorJitter(0.4, 0.4, 0.4, 0.1): (
            "ColorJitter(brightness=(0.6, 1.4), contrast=(0.6, 1.4), saturation=(0.6, 1.4), "
            "hue=(-0.1, 0.1))"
        ),
        T.RandomRotation(10): (
            "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)"
        ),
        T.RandomAffine(
            0, translate=(0.1, 0.1)
        ): "RandomAffine(degrees=[0.0, 0.0], translate=(0.1, 0.1))",
        T.Grayscale(3): "Grayscale(num_output_channels=3)",
        T.GaussianBlur(3): "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))",
        T.RandomErasing(): (
            "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"
        ),
        T.Pad(2): "Pad(padding=2, fill=0, padding_mode=constant)",
        T.ToPILImage(): "ToPILImage()",
        T.RandomApply([T.RandomHorizontalFlip()], p=0.3): (
            "RandomApply(\n    p=0.3\n    RandomHorizontalFlip(p=0.5)\n)"
        ),
    }
    for transform, text in expected.items():
        assert repr(transform) == text


def test_linear_transformation_matches_torch_mm():
    import torch

    rng = np.random.default_rng(21)
    m, mu = rng.random((12, 12)), rng.random(12)
    x = rng.random((2, 3, 2, 2))
    lt = T.LinearTransformation(ember.from_numpy(m), ember.from_numpy(mu))
    ref = (torch.from_numpy(x).view(-1, 12) - torch.from_numpy(mu)).mm(torch.from_numpy(m))
    np.testing.assert_allclose(
        lt(ember.from_numpy(x)).numpy(), ref.view(2, 3, 2, 2).numpy(), rtol=1e-12
    )
    with pytest.raises(ValueError, match="should be square"):
        T.LinearTransformation(ember.zeros(2, 3), ember.zeros(2))


def test_normalize_and_flip_keep_autograd():
    x = ember.rand(3, 4, 4, requires_grad=True)
    out = T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])(F.hflip(x))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 4, 4), 2.0, np.float32))
