"""AutoAugment, RandAugment and TrivialAugmentWide: each op against its functional, seeded
reproducibility, PIL and tensor inputs, and reprs."""

import numpy as np
import pytest
from PIL import Image

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F
from ember.vision.transforms.autoaugment import _apply_op


@pytest.fixture
def img():
    return np.random.default_rng(30).integers(0, 256, (3, 10, 10), dtype=np.uint8)


OPS = [
    "ShearX",
    "ShearY",
    "TranslateX",
    "TranslateY",
    "Rotate",
    "Brightness",
    "Color",
    "Contrast",
    "Sharpness",
    "Posterize",
    "Solarize",
    "AutoContrast",
    "Equalize",
    "Invert",
    "Identity",
]


@pytest.mark.parametrize("op", OPS)
def test_each_op_keeps_kind_shape_and_dtype(img, op):
    magnitude = {"Posterize": 4.0, "Solarize": 128.0, "TranslateX": 2.0, "TranslateY": -2.0}.get(
        op, 0.3
    )
    t = _apply_op(ember.from_numpy(img), op, magnitude, T.InterpolationMode.NEAREST, [0.0] * 3)
    assert t.dtype is ember.uint8 and tuple(t.shape) == (3, 10, 10)
    pil = _apply_op(
        Image.fromarray(img.transpose(1, 2, 0)), op, magnitude, T.InterpolationMode.NEAREST, None
    )
    assert isinstance(pil, Image.Image) and pil.size == (10, 10)


def test_ops_are_their_functionals(img):
    t = ember.from_numpy(img)
    nearest = T.InterpolationMode.NEAREST
    shifted = _apply_op(t, "TranslateX", 3.0, nearest, None).numpy()
    np.testing.assert_array_equal(shifted[..., 3:], img[..., :-3])
    np.testing.assert_array_equal(
        _apply_op(t, "Rotate", 90.0, nearest, None).numpy(), np.rot90(img, 1, axes=(1, 2))
    )
    np.testing.assert_array_equal(
        _apply_op(t, "Color", -0.5, nearest, None).numpy(), F.adjust_saturation(t, 0.5).numpy()
    )
    np.testing.assert_array_equal(_apply_op(t, "Posterize", 2.0, nearest, None).numpy(), img & 0xC0)
    with pytest.raises(ValueError, match="not recognized"):
        _apply_op(t, "Blur", 1.0, nearest, None)


@pytest.mark.parametrize(
    "transform",
    [
        T.AutoAugment(T.AutoAugmentPolicy.IMAGENET),
        T.AutoAugment(T.AutoAugmentPolicy.CIFAR10),
        T.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=[128, 128, 128]),
        T.RandAugment(),
        T.TrivialAugmentWide(),
    ],
)
def test_augment_is_seeded_and_keeps_kind(img, transform):
    t = ember.from_numpy(np.stack([img, img[:, ::-1]]))
    outs = []
    for _ in range(2):
        ember.manual_seed(12)
        outs.append([transform(t).numpy() for _ in range(4)])
    for a, b in zip(*outs):
        assert a.dtype == np.uint8 and a.shape == (2, 3, 10, 10)
        np.testing.assert_array_equal(a, b)
    assert isinstance(transform(Image.fromarray(img.transpose(1, 2, 0))), Image.Image)


def test_auto_augment_get_params_and_policy_tables():
    ember.manual_seed(13)
    policy_id, probs, signs = T.AutoAugment.get_params(25)
    assert 0 <= policy_id < 25 and tuple(probs.shape) == (2,) and set(signs.tolist()) <= {0, 1}
    for policy in T.AutoAugmentPolicy:
        assert len(T.AutoAugment(policy).policies) == 25
    posterize, signed = T.RandAugment()._augmentation_space(31, (10, 10))["Posterize"]
    assert not signed and posterize[0].item() == 8 and posterize[-1].item() == 4


def test_augment_reprs_match_torchvision():
    assert repr(T.AutoAugment()) == "AutoAugment(policy=AutoAugmentPolicy.IMAGENET, fill=None)"
    assert repr(T.RandAugment()) == (
        "RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31, "
        "interpolation=InterpolationMode.NEAREST, fill=None)"
    )
    assert repr(T.TrivialAugmentWide()) == (
        "TrivialAugmentWide(num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, "
        "fill=None)"
    )


def test_augmix_is_seeded_and_keeps_kind(img):
    t = ember.from_numpy(img)
    ember.manual_seed(14)
    a = T.AugMix()(t)
    ember.manual_seed(14)
    b = T.AugMix()(t)
    assert a.dtype is ember.uint8 and tuple(a.shape) == (3, 10, 10)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert isinstance(T.AugMix(all_ops=False)(Image.fromarray(img.transpose(1, 2, 0))), Image.Image)
    with pytest.raises(ValueError, match="severity must be between"):
        T.AugMix(severity=11)


def test_augmix_dirichlet_weights_have_the_right_mean():
    from ember.vision.transforms.autoaugment import _sample_dirichlet

    ember.manual_seed(15)
    w = _sample_dirichlet([0.5, 1.0, 2.5], 1500).numpy()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-6)
    # E[w_i] = a_i / sum(a); the standard error of each mean is below 0.01 here
    np.testing.assert_allclose(w.mean(axis=0), [0.125, 0.25, 0.625], atol=0.03)


def test_elastic_transform_class_is_seeded(img):
    t = ember.from_numpy(img)
    ember.manual_seed(16)
    a = T.ElasticTransform(alpha=20.0, sigma=2.0)(t)
    ember.manual_seed(16)
    b = T.ElasticTransform(alpha=20.0, sigma=2.0)(t)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype is ember.uint8 and not np.array_equal(a.numpy(), img)
