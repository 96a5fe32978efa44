"""Elastic deformation: ``elastic_transform`` and ``ElasticTransform`` (Simard et al., 2003),
random displacement fields smoothed by a Gaussian."""

from collections.abc import Sequence

from ember import nn, ops
from ember._tensor import Tensor
from ember.vision.transforms import _pil, _tensor_geometry
from ember.vision.transforms._functional_color import gaussian_blur
from ember.vision.transforms._functional_convert import pil_to_tensor, to_pil_image
from ember.vision.transforms._image_info import check_image_type, get_dimensions
from ember.vision.transforms._modes import InterpolationMode, _as_mode

__all__ = ["ElasticTransform", "elastic_transform"]


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Resample ``img`` at its pixel grid plus ``displacement`` (1, H, W, 2), given in the
    normalised [-1, 1] units of ``grid_sample``; PIL images go through the tensor kernel."""
    check_image_type(img, "elastic_transform")
    interpolation = _as_mode(interpolation)
    if not isinstance(displacement, Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    t_img = img if isinstance(img, Tensor) else pil_to_tensor(img)
    _, h, w = get_dimensions(t_img)
    if tuple(displacement.shape) != (1, h, w, 2):
        raise ValueError(
            f"Argument displacement shape should be {(1, h, w, 2)}, but given "
            f"{tuple(displacement.shape)}"
        )
    if isinstance(fill, (int, float)):
        fill = [float(fill)]
    out = _tensor_geometry.elastic(t_img, displacement, interpolation.value, fill)
    return to_pil_image(out, mode=img.mode) if _pil.is_pil(img) else out


def _pair_of_floats(value, name):
    if not isinstance(value, (float, Sequence)):
        raise TypeError(f"{name} should be float or a sequence of floats. Got {type(value)}")
    if isinstance(value, Sequence):
        if len(value) not in (1, 2):
            raise ValueError(
                f"If {name} is a sequence its length should be 1 or 2. Got {len(value)}"
            )
        for element in value:
            if not isinstance(element, float):
                raise TypeError(f"{name} should be a sequence of floats. Got {type(element)}")
        return [float(value[0]), float(value[-1])]
    return [float(value), float(value)]


class ElasticTransform(nn.Module):
    """Displace pixels by a random field of strength ``alpha`` and smoothness ``sigma``."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = _pair_of_floats(alpha, "alpha")
        self.sigma = _pair_of_floats(sigma, "sigma")
        self.interpolation = _as_mode(interpolation)
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise TypeError(f"fill should be int or float or a tuple or list. Got {type(fill)}")
        self.fill = fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """A (1, H, W, 2) displacement: uniform noise in [-1, 1], blurred, scaled by alpha.

        As torchvision, both components are divided by ``size[0]`` and ``size[1]`` in turn.
        """
        fields = []
        for axis in range(2):
            d = ops.rand([1, 1] + list(size)) * 2 - 1
            if sigma[axis] > 0.0:
                k = int(8 * sigma[axis] + 1)
                k += 1 - k % 2  # the blur needs an odd kernel
                d = gaussian_blur(d, [k, k], sigma)
            fields.append(d * alpha[axis] / size[axis])
        return ops.cat(fields, 1).permute([0, 2, 3, 1])

    def forward(self, tensor):
        """The deformed image."""
        _, height, width = get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(alpha={self.alpha}, sigma={self.sigma}, "
            f"interpolation={self.interpolation}, fill={self.fill})"
        )
