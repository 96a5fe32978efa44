"""Geometric functionals: crops, pads, flips, rotation, affine and perspective, on PIL images
and on single and batched tensors, against NumPy slicing and PyTorch's grid_sample."""

import numpy as np
import pytest
import torch
from PIL import Image

import ember
import ember.vision.transforms.functional as F
from ember.vision.transforms import InterpolationMode


@pytest.fixture
def batch():
    return np.random.default_rng(10).integers(0, 256, (2, 3, 8, 10), dtype=np.uint8)


def _pil(chw):
    return Image.fromarray(np.ascontiguousarray(chw.transpose(1, 2, 0)))


def test_flips_match_numpy_for_pil_and_batched_tensors(batch):
    t = ember.from_numpy(batch)
    np.testing.assert_array_equal(F.hflip(t).numpy(), batch[..., ::-1])
    np.testing.assert_array_equal(F.vflip(t).numpy(), batch[..., ::-1, :])
    pil = F.hflip(_pil(batch[0]))
    assert isinstance(pil, Image.Image)
    np.testing.assert_array_equal(np.asarray(pil), batch[0].transpose(1, 2, 0)[:, ::-1])
    np.testing.assert_array_equal(
        np.asarray(F.vflip(_pil(batch[0]))), batch[0].transpose(1, 2, 0)[::-1]
    )


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_modes_match_numpy_pad(batch, mode):
    ltrb = [1, 2, 3, 4]
    widths = [(0, 0), (0, 0), (2, 4), (1, 3)]
    kwargs = {"constant_values": 9} if mode == "constant" else {}
    expected = np.pad(batch, widths, mode=mode, **kwargs)
    np.testing.assert_array_equal(F.pad(ember.from_numpy(batch), ltrb, 9, mode).numpy(), expected)
    pil = F.pad(_pil(batch[0]), ltrb, 9, mode)
    np.testing.assert_array_equal(np.asarray(pil), expected[0].transpose(1, 2, 0))


def test_pad_forms_and_errors(batch):
    t = ember.from_numpy(batch)
    assert tuple(F.pad(t, 2).shape) == (2, 3, 12, 14)
    assert tuple(F.pad(t, [1, 3]).shape) == (2, 3, 14, 12)  # (left/right, top/bottom)
    np.testing.assert_array_equal(F.pad(t, [-1, 0, -2, -3]).numpy(), batch[..., 0:5, 1:8])
    with pytest.raises(ValueError, match="Padding mode should be"):
        F.pad(t, 1, padding_mode="wrap")
    with pytest.raises(ValueError, match="1, 2, or 4 element tuple"):
        F.pad(t, [1, 2, 3])
    with pytest.raises(TypeError, match="inappropriate padding"):
        F.pad(t, "1")


def test_crops_match_slicing(batch):
    t = ember.from_numpy(batch)
    np.testing.assert_array_equal(F.crop(t, 1, 2, 4, 5).numpy(), batch[..., 1:5, 2:7])
    # regions outside the image are zero
    out = F.crop(t, -1, 8, 3, 4).numpy()
    expected = np.zeros((2, 3, 3, 4), np.uint8)
    expected[..., 1:, :2] = batch[..., :2, 8:]
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(
        np.asarray(F.crop(_pil(batch[0]), 1, 2, 4, 5)), batch[0, :, 1:5, 2:7].transpose(1, 2, 0)
    )
    np.testing.assert_array_equal(F.center_crop(t, [4, 6]).numpy(), batch[..., 2:6, 2:8])
    big = F.center_crop(t, [10, 13]).numpy()  # padded: 1 above, 1 below, 1 left, 2 right
    np.testing.assert_array_equal(big, np.pad(batch, [(0, 0), (0, 0), (1, 1), (1, 2)]))


def test_five_and_ten_crop(batch):
    t = ember.from_numpy(batch)
    tl, tr, bl, br, c = F.five_crop(t, [3, 4])
    for got, expected in [
        (tl, batch[..., :3, :4]),
        (tr, batch[..., :3, 6:]),
        (bl, batch[..., 5:, :4]),
        (br, batch[..., 5:, 6:]),
        (c, batch[..., 2:5, 3:7]),
    ]:
        np.testing.assert_array_equal(got.numpy(), expected)
    ten = F.ten_crop(t, [3, 4])
    assert len(ten) == 10
    np.testing.assert_array_equal(ten[5].numpy(), batch[..., ::-1][..., :3, :4])
    with pytest.raises(ValueError, match="bigger than input size"):
        F.five_crop(t, 9)


def test_rotation_by_90_is_transpose_and_flip(batch):
    square = batch[..., :8]
    t = ember.from_numpy(np.ascontiguousarray(square))
    np.testing.assert_array_equal(F.rotate(t, 90).numpy(), np.rot90(square, 1, axes=(-2, -1)))
    np.testing.assert_array_equal(F.rotate(t, -90).numpy(), np.rot90(square, -1, axes=(-2, -1)))
    # rot90 counter-clockwise is a transpose followed by a vertical flip
    np.testing.assert_array_equal(F.rotate(t, 90).numpy(), square.swapaxes(-1, -2)[..., ::-1, :])
    pil = F.rotate(_pil(square[0]), 90)
    np.testing.assert_array_equal(
        np.asarray(pil), np.rot90(square[0], 1, axes=(-2, -1)).transpose(1, 2, 0)
    )


@pytest.mark.parametrize("angle", [30.0, -121.5])
def test_rotate_expand_size_matches_pillow(batch, angle):
    t = F.rotate(ember.from_numpy(batch), angle, expand=True)
    pil = F.rotate(_pil(batch[0]), angle, expand=True)
    assert tuple(t.shape[-2:]) == pil.size[::-1]


def _torch_affine(x, matrix, mode, fill):
    """torchvision's tensor affine: a centred pixel grid, the inverse matrix, grid_sample."""
    n, c, h, w = x.shape
    theta = torch.tensor(matrix, dtype=torch.float64).view(2, 3)
    ys = torch.linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, h, dtype=torch.float64)
    xs = torch.linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, w, dtype=torch.float64)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    base = torch.stack([gx, gy, torch.ones_like(gx)], -1)
    grid = (base @ theta.T / torch.tensor([0.5 * w, 0.5 * h], dtype=torch.float64))[None]
    x = torch.cat([x, torch.ones(n, 1, h, w, dtype=x.dtype)], 1)
    out = torch.nn.functional.grid_sample(
        x, grid.expand(n, -1, -1, -1), mode=mode, align_corners=False
    )
    mask, out = out[:, -1:].expand(n, c, h, w), out[:, :-1]
    f = torch.tensor(fill, dtype=x.dtype).view(1, -1, 1, 1).expand_as(out)
    return torch.where(mask < 0.5, f, out) if mode == "nearest" else out * mask + (1 - mask) * f


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_affine_tensor_matches_torch_grid_sample(mode):
    x = np.random.default_rng(11).random((2, 3, 9, 12))
    args = (33.0, [1, -2], 1.2, [10.0, 5.0])
    fill = [0.25, 0.5, 0.75]
    ours = F.affine(ember.from_numpy(x), *args, interpolation=InterpolationMode(mode), fill=fill)
    matrix = F._get_inverse_affine_matrix([0.0, 0.0], *args)
    ref = _torch_affine(torch.from_numpy(x), matrix, mode, fill)
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-7, atol=1e-7)


def test_affine_nearest_tensor_matches_pillow(batch):
    for args in [(25.0, [2, -1], 0.9, [5.0, 3.0]), (0.0, [3, 2], 1.0, [0.0, 0.0])]:
        pil = F.affine(_pil(batch[0]), *args)
        t = F.affine(ember.from_numpy(batch), *args)
        np.testing.assert_array_equal(t.numpy()[0], np.asarray(pil).transpose(2, 0, 1))
    # a pure integer translation shifts the image
    shifted = F.affine(ember.from_numpy(batch), 0.0, [3, 2], 1.0, [0.0, 0.0]).numpy()
    np.testing.assert_array_equal(shifted[..., 2:, 3:], batch[..., :-2, :-3])
    assert not shifted[..., :2, :].any() and not shifted[..., :3].any()


def test_perspective_nearest_tensor_matches_pillow_and_identity(batch):
    start = [[0, 0], [9, 0], [9, 7], [0, 7]]
    end = [[2, 1], [8, 0], [9, 6], [1, 7]]
    nearest = InterpolationMode.NEAREST
    pil = F.perspective(_pil(batch[1]), start, end, nearest)
    t = F.perspective(ember.from_numpy(batch), start, end, nearest)
    np.testing.assert_array_equal(t.numpy()[1], np.asarray(pil).transpose(2, 0, 1))
    same = F.perspective(ember.from_numpy(batch), start, start, nearest)
    np.testing.assert_array_equal(same.numpy(), batch)


def test_grid_transform_errors(batch):
    t = ember.from_numpy(batch)
    with pytest.raises(ValueError, match="unsupported with Tensor input"):
        F.rotate(t, 10.0, InterpolationMode.BICUBIC)
    with pytest.raises(ValueError, match="cannot broadcast"):
        F.rotate(t, 10.0, fill=[1.0, 2.0])
    with pytest.raises(TypeError, match="InterpolationMode"):
        F.rotate(t, 10.0, "bilinear")


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_elastic_transform_matches_torch_grid_sample(mode):
    rng = np.random.default_rng(12)
    x = rng.random((2, 3, 7, 9))
    d = (rng.random((1, 7, 9, 2)) - 0.5) * 0.4
    ours = F.elastic_transform(ember.from_numpy(x), ember.from_numpy(d), InterpolationMode(mode))
    ys = torch.linspace(-6 / 7, 6 / 7, 7, dtype=torch.float64)
    xs = torch.linspace(-8 / 9, 8 / 9, 9, dtype=torch.float64)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([gx, gy], -1)[None] + torch.from_numpy(d)
    ref = torch.nn.functional.grid_sample(
        torch.from_numpy(x), grid.expand(2, -1, -1, -1), mode=mode, align_corners=False
    )
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-7, atol=1e-7)
    still = F.elastic_transform(ember.from_numpy(x), ember.zeros(1, 7, 9, 2, dtype=ember.float64))
    np.testing.assert_allclose(still.numpy(), x, atol=1e-12)
    with pytest.raises(ValueError, match="displacement shape"):
        F.elastic_transform(ember.from_numpy(x), ember.zeros(1, 9, 7, 2))
