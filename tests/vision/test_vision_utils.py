"""ember.vision.utils: make_grid's documented layout, save_image, draw_bounding_boxes."""

import math

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.utils import draw_bounding_boxes, make_grid, save_image


def expected_grid(batch, nrow, padding, pad_value):
    """The grid as torchvision documents it, cell by cell: image k at row k // xmaps and column
    k % xmaps, each cell (H + padding) x (W + padding), plus one band of padding at the end."""
    n, c, h, w = batch.shape
    xmaps = min(nrow, n)
    ymaps = math.ceil(n / xmaps)
    grid = np.full(
        (c, ymaps * (h + padding) + padding, xmaps * (w + padding) + padding),
        pad_value,
        dtype=batch.dtype,
    )
    for k in range(n):
        top = (k // xmaps) * (h + padding) + padding
        left = (k % xmaps) * (w + padding) + padding
        grid[:, top : top + h, left : left + w] = batch[k]
    return grid


@pytest.mark.parametrize(("n", "nrow", "padding"), [(5, 2, 1), (3, 8, 2), (6, 3, 0), (4, 1, 3)])
def test_make_grid_layout(n, nrow, padding):
    batch = np.random.default_rng(n).random((n, 3, 4, 5), dtype=np.float32)
    out = make_grid(ember.from_numpy(batch), nrow=nrow, padding=padding, pad_value=0.25)
    assert out.dtype == ember.float32
    np.testing.assert_array_equal(out.numpy(), expected_grid(batch, nrow, padding, 0.25))


def test_make_grid_gray_list_and_single_image():
    images = [ember.full((1, 2, 2), float(i)) for i in range(3)]
    out = make_grid(images, nrow=3, padding=1)
    stacked = np.stack([np.repeat(t.numpy(), 3, axis=0) for t in images])  # gray -> 3 channels
    np.testing.assert_array_equal(out.numpy(), expected_grid(stacked, 3, 1, 0.0))
    single = ember.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(make_grid(single).numpy(), np.stack([single.numpy()] * 3))
    uint8 = make_grid(ember.zeros(2, 3, 2, 2, dtype=ember.uint8), pad_value=255)
    assert uint8.dtype == ember.uint8 and int(uint8[0, 0, 0]) == 255


def test_make_grid_normalize_value_range_and_scale_each():
    batch = np.stack([np.full((3, 2, 2), 2.0), np.full((3, 2, 2), 6.0)]).astype(np.float32)
    batch[0, :, 0, 0] = 0.0
    t = ember.from_numpy(batch)
    whole = make_grid(t, normalize=True, padding=0).numpy()
    np.testing.assert_allclose(whole, expected_grid((batch - 0) / 6, 8, 0, 0.0), rtol=1e-6)
    ranged = make_grid(t, normalize=True, value_range=(1.0, 5.0), padding=0).numpy()
    np.testing.assert_allclose(
        ranged, expected_grid((np.clip(batch, 1, 5) - 1) / 4, 8, 0, 0.0), rtol=1e-6
    )
    each = make_grid(t, normalize=True, scale_each=True, padding=0).numpy()
    # Image 0 spans [0, 2] -> [0, 1]; image 1 is constant: (x - min) / max(0, 1e-5) = 0.
    per_image = np.stack([batch[0] / 2, np.zeros_like(batch[1])])
    np.testing.assert_allclose(each, expected_grid(per_image, 8, 0, 0.0), rtol=1e-6)
    assert np.array_equal(t.numpy(), batch)  # the input is left as it was
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(t, normalize=True, value_range=[0, 1])
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        make_grid(np.zeros((2, 3, 4, 4)))


def test_make_grid_is_differentiable():
    x = ember.rand(3, 3, 2, 2, requires_grad=True)
    make_grid(x, nrow=2, padding=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((3, 3, 2, 2), np.float32))


def test_save_image_rounds_to_nearest_level(tmp_path):
    batch = np.random.default_rng(0).random((2, 3, 4, 4), dtype=np.float32) * 1.2 - 0.1
    save_image(ember.from_numpy(batch), tmp_path / "grid.png", nrow=2, padding=1)
    assert [p.name for p in tmp_path.iterdir()] == ["grid.png"]
    saved = np.asarray(Image.open(tmp_path / "grid.png"))
    grid = expected_grid(batch, 2, 1, 0.0).transpose(1, 2, 0)
    np.testing.assert_array_equal(saved, np.clip(np.floor(grid * 255 + 0.5), 0, 255))
    with open(tmp_path / "x.jpg", "wb") as f:
        save_image(ember.from_numpy(batch[0]), f, format="JPEG")
    assert Image.open(tmp_path / "x.jpg").format == "JPEG"
    with pytest.raises(ValueError, match="save_image: unknown file extension"):
        save_image(ember.from_numpy(batch[0]), tmp_path / "x.unknown")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.png", "x.jpg"]


def test_draw_bounding_boxes_outline_width_and_palette():
    image = ember.full((3, 20, 30), 7, dtype=ember.uint8)
    boxes = ember.tensor([[2.0, 3.0, 12.0, 15.0], [15.0, 1.0, 28.0, 18.0]])
    out = draw_bounding_boxes(image, boxes, width=2)
    assert out.dtype == ember.uint8 and out.shape == (3, 20, 30)
    px = out.numpy().transpose(1, 2, 0)
    # The documented palette: color i is (i * (2**25 - 1, 2**15 - 1, 2**21 - 1)) % 255.
    second = tuple((1 * p) % 255 for p in (2**25 - 1, 2**15 - 1, 2**21 - 1))
    assert tuple(px[3, 2]) == (0, 0, 0) and tuple(px[4, 3]) == (0, 0, 0)  # 2 pixels wide
    assert tuple(px[15, 12]) == (0, 0, 0)  # the max corner is inclusive
    assert tuple(px[5, 4]) == (7, 7, 7)  # inside, not filled
    assert tuple(px[1, 20]) == second and tuple(px[18, 28]) == second
    assert tuple(px[0, 0]) == (7, 7, 7)
    assert np.array_equal(image.numpy(), np.full((3, 20, 30), 7))  # a new tensor


def test_draw_bounding_boxes_fill_labels_and_gray_input():
    image = ember.zeros((1, 30, 40), dtype=ember.uint8)
    boxes = ember.tensor([[0, 0, 39, 29]])
    out = draw_bounding_boxes(image, boxes, labels=["cat"], colors="#ff0000", fill=True)
    px = out.numpy().transpose(1, 2, 0)
    assert out.shape == (3, 30, 40)
    assert tuple(px[0, 0]) == (255, 0, 0)
    # Fill: red at alpha 100/255 over black, within one level of rounding.
    assert abs(int(px[25, 30, 0]) - round(255 * 100 / 255)) <= 1 and px[25, 30, 1] == 0
    # The label is drawn (antialiased) in the box color just inside the top-left corner: far
    # redder pixels there than the fill alone makes, and none elsewhere inside.
    assert (px[2:14, 2:22, 0] > 200).sum() >= 5
    assert (px[16:28, 2:38, 0] <= 101).all()


def test_draw_bounding_boxes_float_image_and_errors():
    image = ember.zeros((3, 8, 8))
    out = draw_bounding_boxes(image, ember.tensor([[1, 1, 5, 5]]), colors=[(0, 255, 0)])
    assert out.dtype == ember.float32 and float(out[1, 1, 1]) == 1.0
    with pytest.raises(ValueError, match=r"Boxes need to be in \(xmin, ymin, xmax, ymax\)"):
        draw_bounding_boxes(image, ember.tensor([[5, 1, 1, 5]]))
    with pytest.raises(ValueError, match=r"Number of boxes \(1\) and labels \(2\) mismatch"):
        draw_bounding_boxes(image, ember.tensor([[1, 1, 5, 5]]), labels=["a", "b"])
    with pytest.raises(ValueError, match="Pass individual images, not batches"):
        draw_bounding_boxes(ember.zeros((1, 3, 8, 8)), ember.tensor([[1, 1, 5, 5]]))
    with pytest.raises(ValueError, match="Number of colors must be equal or larger"):
        draw_bounding_boxes(image, ember.tensor([[1, 1, 5, 5], [1, 1, 2, 2]]), colors=["red"])
    with pytest.warns(UserWarning, match="boxes doesn't contain any box"):
        assert draw_bounding_boxes(image, ember.zeros((0, 4))) is image
