"""Geometric transforms: resizing, crops, flips, padding, rotation, affine and perspective."""

import math
import numbers
import warnings
from collections.abc import Sequence

from ember import nn, ops
from ember._tensor import Tensor
from ember.vision.transforms import _functional_geometry as F
from ember.vision.transforms._image_info import get_dimensions
from ember.vision.transforms._modes import InterpolationMode, _as_mode
from ember.vision.transforms._params import (
    check_fill,
    check_sequence_input,
    setup_angle,
    setup_size,
    tensor_fill,
)

__all__ = [
    "CenterCrop",
    "FiveCrop",
    "Pad",
    "RandomAffine",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomPerspective",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomVerticalFlip",
    "Resize",
    "TenCrop",
]

_SIZE_MSG = "Please provide only two dimensions (h, w) for size."


def _fill_for(img, fill):
    """Tensor images take one float per channel; PIL images take the fill as given."""
    if isinstance(img, Tensor):
        return tensor_fill(fill, get_dimensions(img)[0])
    return fill


class Resize(nn.Module):
    """Resize to ``size`` ([h, w], or the shorter edge for an int)."""

    def __init__(
        self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True
    ):
        super().__init__()
        if not isinstance(size, (int, Sequence)) and size is not None:
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = _as_mode(interpolation)
        self.antialias = antialias

    def forward(self, img):
        """The resized image."""
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(size={self.size}, interpolation="
            f"{self.interpolation.value}, max_size={self.max_size}, antialias={self.antialias})"
        )


class CenterCrop(nn.Module):
    """Crop the centre ``size`` region (zero-padded if the image is smaller)."""

    def __init__(self, size):
        super().__init__()
        self.size = setup_size(size, _SIZE_MSG)

    def forward(self, img):
        """The centre crop."""
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class RandomCrop(nn.Module):
    """Crop a random ``size`` region, after optional padding."""

    @staticmethod
    def get_params(img, output_size):
        """A random (top, left, height, width) of ``output_size`` inside ``img``."""
        _, h, w = get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(
                f"Required crop size {(th, tw)} is larger than input image size {(h, w)}"
            )
        if w == tw and h == th:
            return 0, 0, h, w
        i = ops.randint(0, h - th + 1, size=(1,)).item()
        j = ops.randint(0, w - tw + 1, size=(1,)).item()
        return i, j, th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = tuple(setup_size(size, _SIZE_MSG))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        """The random crop."""
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop(nn.Module):
    """Crop a random area and aspect ratio, then resize it to ``size``."""

    def __init__(
        self,
        size,
        scale=(0.08, 1.0),
        ratio=(3.0 / 4.0, 4.0 / 3.0),
        interpolation=InterpolationMode.BILINEAR,
        antialias=True,
    ):
        super().__init__()
        self.size = setup_size(size, _SIZE_MSG)
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        self.interpolation = _as_mode(interpolation)
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img, scale, ratio):
        """(top, left, height, width) of a random crop; ten tries, then a centre crop."""
        _, height, width = get_dimensions(img)
        area = height * width
        log_ratio = ops.log(ops.tensor(ratio))
        for _ in range(10):
            target_area = area * ops.empty(1).uniform_(scale[0], scale[1]).item()
            lo, hi = log_ratio[0].item(), log_ratio[1].item()
            aspect_ratio = ops.exp(ops.empty(1).uniform_(lo, hi)).item()
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = ops.randint(0, height - h + 1, size=(1,)).item()
                j = ops.randint(0, width - w + 1, size=(1,)).item()
                return i, j, h, w
        # fall back to a centre crop of the ratio nearest the image's own
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        """The random crop, resized."""
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, self.antialias)

    def __repr__(self):
        scale = tuple(round(s, 4) for s in self.scale)
        ratio = tuple(round(r, 4) for r in self.ratio)
        return (
            f"{self.__class__.__name__}(size={self.size}, scale={scale}, ratio={ratio}, "
            f"interpolation={self.interpolation.value}, antialias={self.antialias})"
        )


class FiveCrop(nn.Module):
    """The four corner crops and the centre crop, as a tuple."""

    def __init__(self, size):
        super().__init__()
        self.size = setup_size(size, _SIZE_MSG)

    def forward(self, img):
        """(tl, tr, bl, br, centre)."""
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class TenCrop(nn.Module):
    """``FiveCrop`` of the image and of its flip, as a tuple of ten."""

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = setup_size(size, _SIZE_MSG)
        self.vertical_flip = vertical_flip

    def forward(self, img):
        """The ten crops."""
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class RandomHorizontalFlip(nn.Module):
    """Flip left to right with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        """The image, flipped or not."""
        return F.hflip(img) if ops.rand(1).item() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(nn.Module):
    """Flip top to bottom with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        """The image, flipped or not."""
        return F.vflip(img) if ops.rand(1).item() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class Pad(nn.Module):
    """Pad the borders by ``padding`` with ``fill`` or a reflection/edge ``padding_mode``."""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError(
                f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} "
                "element tuple"
            )
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        """The padded image."""
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
            f"padding_mode={self.padding_mode})"
        )


class RandomRotation(nn.Module):
    """Rotate by a random angle drawn uniformly from ``degrees``."""

    def __init__(
        self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0
    ):
        super().__init__()
        self.degrees = setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = _as_mode(interpolation)
        self.expand = expand
        self.fill = check_fill(fill)

    @staticmethod
    def get_params(degrees):
        """A random angle in ``degrees`` = [min, max]."""
        return float(ops.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())

    def forward(self, img):
        """The rotated image."""
        fill = _fill_for(img, self.fill)
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", interpolation={self.interpolation.value}, expand={self.expand}"
        if self.center is not None:
            s += f", center={self.center}"
        if self.fill is not None:
            s += f", fill={self.fill}"
        return s + ")"


class RandomAffine(nn.Module):
    """A random affine transform: rotation, translation, scale and shear, each from a range."""

    def __init__(
        self,
        degrees,
        translate=None,
        scale=None,
        shear=None,
        interpolation=InterpolationMode.NEAREST,
        fill=0,
        center=None,
    ):
        super().__init__()
        self.degrees = setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        if scale is not None:
            check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.translate = translate
        self.scale = scale
        self.shear = None if shear is None else setup_angle(shear, "shear", req_sizes=(2, 4))
        self.interpolation = _as_mode(interpolation)
        self.fill = check_fill(fill)
        if center is not None:
            check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        """(angle, (tx, ty), scale, (shear_x, shear_y)) drawn from the ranges."""
        angle = float(ops.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            tx = int(round(ops.empty(1).uniform_(-max_dx, max_dx).item()))
            ty = int(round(ops.empty(1).uniform_(-max_dy, max_dy).item()))
            translations = (tx, ty)
        else:
            translations = (0, 0)
        scale = 1.0
        if scale_ranges is not None:
            scale = float(ops.empty(1).uniform_(scale_ranges[0], scale_ranges[1]).item())
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = float(ops.empty(1).uniform_(shears[0], shears[1]).item())
            if len(shears) == 4:
                shear_y = float(ops.empty(1).uniform_(shears[2], shears[3]).item())
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        """The transformed image."""
        fill = _fill_for(img, self.fill)
        _, height, width = get_dimensions(img)
        params = self.get_params(
            self.degrees, self.translate, self.scale, self.shear, [width, height]
        )
        return F.affine(
            img, *params, interpolation=self.interpolation, fill=fill, center=self.center
        )

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        if self.interpolation != InterpolationMode.NEAREST:
            s += f", interpolation={self.interpolation.value}"
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"


class RandomPerspective(nn.Module):
    """With probability ``p``, a random perspective warp of strength ``distortion_scale``."""

    def __init__(
        self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0
    ):
        super().__init__()
        self.p = p
        self.interpolation = _as_mode(interpolation)
        self.distortion_scale = distortion_scale
        self.fill = check_fill(fill)

    @staticmethod
    def get_params(width, height, distortion_scale):
        """(startpoints, endpoints): the corners and where each moves to."""
        dx = int(distortion_scale * (width // 2))
        dy = int(distortion_scale * (height // 2))

        def _draw(lo, hi):
            return int(ops.randint(lo, hi, size=(1,)).item())

        topleft = [_draw(0, dx + 1), _draw(0, dy + 1)]
        topright = [_draw(width - dx - 1, width), _draw(0, dy + 1)]
        botright = [_draw(width - dx - 1, width), _draw(height - dy - 1, height)]
        botleft = [_draw(0, dx + 1), _draw(height - dy - 1, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return startpoints, [topleft, topright, botright, botleft]

    def forward(self, img):
        """The warped image, or the image itself."""
        fill = _fill_for(img, self.fill)
        _, height, width = get_dimensions(img)
        if ops.rand(1).item() < self.p:
            start, end = self.get_params(width, height, self.distortion_scale)
            return F.perspective(img, start, end, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"
