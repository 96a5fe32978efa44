"""``ember.vision.utils``: image grids, saving tensors as images, drawing boxes, as
``torchvision.utils``.

Differences from PyTorch: ``draw_segmentation_masks``, ``draw_keypoints`` and
``flow_to_image`` are not provided.
"""

import math
import os
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from ember._tensor import Tensor
from ember.nn.functional import pad
from ember.ops.creation import from_numpy, full
from ember.ops.joining import cat, stack

__all__ = ["make_grid", "save_image", "draw_bounding_boxes"]


def _as_batch(tensor):
    """``tensor`` (or a list of (C, H, W) tensors) as a 4-d batch with 3 channels if it had 1."""
    if isinstance(tensor, (list, tuple)):
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"tensor or list of tensors expected, got a list containing {type(t)}"
                )
        tensor = stack(list(tensor), dim=0)
    elif not isinstance(tensor, Tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if tensor.dim() == 2:  # a single image H x W
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:  # a single image C x H x W
        if tensor.size(0) == 1:  # gray becomes 3 equal channels
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = cat((tensor, tensor, tensor), 1)
    if tensor.dim() != 4:
        raise ValueError(
            f"make_grid: expected a 2-d, 3-d or 4-d tensor, got shape {tuple(tensor.shape)}"
        )
    return tensor


def _normalize(t, value_range):
    """``t`` clamped to ``value_range`` (default: its own min and max) and mapped to [0, 1]."""
    low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
    return t.clamp(min=low, max=high).sub(low).div(max(high - low, 1e-5))


def make_grid(
    tensor: Tensor | list[Tensor],
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[int, int] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Tile a batch (B, C, H, W), or a list of images, into one image, ``nrow`` per row.

    Every image sits in a cell framed by ``padding`` pixels of ``pad_value``. With
    ``normalize``, values are shifted and scaled into [0, 1] by ``value_range`` (default: the
    min and max of the batch, or of each image with ``scale_each``). One-channel images
    become three equal channels; a batch of one image is returned as that image.
    """
    tensor = _as_batch(tensor)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError(
                "value_range has to be a tuple (min, max) if specified. min and max are numbers"
            )
        if scale_each:
            tensor = stack([_normalize(t, value_range) for t in tensor.unbind(0)], dim=0)
        else:
            tensor = _normalize(tensor, value_range)
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps, channels, height, width = tensor.shape
    xmaps = min(nrow, nmaps)
    ymaps = math.ceil(nmaps / xmaps)
    # Each cell is the image with `padding` pixels above and to its left; the grid then gets
    # one more band of padding below and to the right: (C, ymaps*(H+p)+p, xmaps*(W+p)+p).
    cells = pad(tensor, (padding, 0, padding, 0), value=pad_value)
    blank = xmaps * ymaps - nmaps
    if blank:
        filler = full((blank, *cells.shape[1:]), pad_value, dtype=tensor.dtype)
        cells = cat((cells, filler), 0)
    cell_h, cell_w = height + padding, width + padding
    grid = cells.reshape(ymaps, xmaps, channels, cell_h, cell_w).permute(2, 0, 3, 1, 4)
    grid = grid.reshape(channels, ymaps * cell_h, xmaps * cell_w)
    return pad(grid, (0, padding, 0, padding), value=pad_value)


def save_image(
    tensor: Tensor | list[Tensor], fp: str | Path | BinaryIO, format: str | None = None, **kwargs
) -> None:
    """Save a tensor (or a batch, arranged by ``make_grid(**kwargs)``) with values in [0, 1]
    as an image file; ``format`` is needed when ``fp`` is a file object."""
    grid = make_grid(tensor, **kwargs)
    # Round to the nearest of 256 levels: floor(x * 255 + 0.5), clamped.
    ndarr = np.clip(grid.detach().numpy() * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    image = Image.fromarray(np.ascontiguousarray(ndarr))
    if isinstance(fp, (str, os.PathLike)):
        fp = os.fspath(fp)
        if format is None:
            # The temporary name hides the extension that Pillow reads the format from.
            format = Image.registered_extensions().get(os.path.splitext(fp)[1].lower())
            if format is None:
                raise ValueError(f"save_image: unknown file extension of {fp!r}; pass format=")
        part = fp + ".part"
        try:
            image.save(part, format=format)
            os.replace(part, fp)
        finally:
            if os.path.exists(part):
                os.remove(part)
    else:
        image.save(fp, format=format)


def _generate_color_palette(num_objects):
    palette = (2**25 - 1, 2**15 - 1, 2**21 - 1)
    return [tuple((i * p) % 255 for p in palette) for i in range(num_objects)]


def _parse_colors(colors, num_objects):
    """One RGB tuple per object from a color, a list of colors, or None (a fixed palette)."""
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(
                f"Number of colors must be equal or larger than the number of objects, "
                f"but got {len(colors)} < {num_objects}."
            )
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(
            f"colors must be a tuple or a string, or a list thereof, but got {colors}."
        )
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet. Got {colors}")
    else:
        colors = [colors] * num_objects
    return [ImageColor.getrgb(c) if isinstance(c, str) else tuple(c) for c in colors]


def _check_draw_inputs(image, boxes):
    if not isinstance(image, Tensor):
        raise TypeError(f"Tensor expected, got {type(image)}")
    if not (image.numpy().dtype == np.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if image.size(0) not in {1, 3}:
        raise ValueError("Only grayscale and RGB images are supported")
    b = boxes.detach().numpy()
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError(f"boxes must have shape (N, 4), got {tuple(boxes.shape)}")
    if (b[:, 0] > b[:, 2]).any() or (b[:, 1] > b[:, 3]).any():
        raise ValueError(
            "Boxes need to be in (xmin, ymin, xmax, ymax) format. "
            "Use torchvision.ops.box_convert to convert them"
        )


def draw_bounding_boxes(
    image: Tensor,
    boxes: Tensor,
    labels: list[str] | None = None,
    colors=None,
    fill: bool = False,
    width: int = 1,
    font: str | None = None,
    font_size: int | None = None,
    label_colors=None,
) -> Tensor:
    """Draw ``boxes`` (N, 4) in (xmin, ymin, xmax, ymax) pixels on a (C, H, W) image.

    Returns a new uint8 (3, H, W) tensor (float images come back as floats in [0, 1]):
    outlines ``width`` pixels wide, filled at alpha 100/255 with ``fill``, and each label
    written inside its box's top-left corner. Colors default to a fixed palette.
    """
    _check_draw_inputs(image, boxes)
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn", stacklevel=2)
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(
            f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. "
            "Please specify labels for each box."
        )
    colors = _parse_colors(colors, num_boxes)
    label_colors = _parse_colors(label_colors, num_boxes) if label_colors is not None else colors
    if font is None:
        if font_size is not None:
            warnings.warn(
                "Argument 'font_size' will be ignored since 'font' is not set.", stacklevel=2
            )
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)

    pixels = image.detach().numpy()
    floating = image.is_floating_point()
    if floating:
        # As torchvision's to_dtype(scale=True): [0, 1] spread over the 256 levels.
        pixels = (pixels * (256.0 - 1e-3)).astype(np.uint8)
    if pixels.shape[0] == 1:
        pixels = np.tile(pixels, (3, 1, 1))
    canvas = Image.fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0)))
    draw = ImageDraw.Draw(canvas, "RGBA" if fill else None)
    for bbox, color, label, label_color in zip(
        boxes.detach().numpy().astype(np.int64).tolist(), colors, labels, label_colors
    ):
        fill_color = color + (100,) if fill else None
        draw.rectangle(bbox, width=width, outline=color, fill=fill_color)
        if label is not None:
            margin = width + 1
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color, font=txt_font)
    out = np.asarray(canvas).transpose(2, 0, 1)
    if floating:
        return from_numpy((out / 255).astype(image.numpy().dtype))
    return from_numpy(np.ascontiguousarray(out))
