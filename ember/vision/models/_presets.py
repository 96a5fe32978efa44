"""The inference preset of the classification weights, as torchvision's
``transforms._presets.ImageClassification``: resize the shorter side, center crop, rescale to
[0, 1], normalize. It accepts PIL images and (..., C, H, W) tensors."""

from ember import nn
from ember._dtype import float32, uint8
from ember._tensor import Tensor
from ember.ops.creation import tensor
from ember.vision.models._resize import center_crop, pil_to_tensor, resize
from ember.vision.transforms import InterpolationMode

__all__ = ["ImageClassification"]


class ImageClassification(nn.Module):
    """Resize to ``resize_size`` (shorter side), center crop ``crop_size``, rescale to [0, 1]
    and normalize with ``mean`` and ``std``; the evaluation transform of ImageNet weights."""

    def __init__(
        self,
        *,
        crop_size,
        resize_size=256,
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225),
        interpolation=InterpolationMode.BILINEAR,
        antialias=True,
    ):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        """A PIL image or a uint8/float tensor (..., C, H, W) to a normalized float tensor."""
        mode = getattr(self.interpolation, "value", self.interpolation)
        if _is_pil(img):
            img = pil_to_tensor(resize(img, self.resize_size, mode, self.antialias))
        else:
            if not isinstance(img, Tensor):
                raise TypeError(
                    f"ImageClassification: expected a PIL image or a tensor, got {type(img)}"
                )
            if img.dtype != uint8 and not img.is_floating_point():
                raise TypeError(
                    "ImageClassification: expected a uint8 or floating point image, got "
                    f"{img.dtype}"
                )
            img = resize(img, self.resize_size, mode, self.antialias)
        img = center_crop(img, self.crop_size)
        # torchvision's convert_image_dtype(img, torch.float): uint8 is rescaled to [0, 1],
        # floating images are taken to be in [0, 1] already and only cast.
        img = img.to(float32) / 255.0 if img.dtype == uint8 else img.to(float32)
        shape = (-1, 1, 1)  # broadcast over (..., C, H, W)
        mean = tensor(self.mean, dtype=img.dtype, device=img.device).reshape(shape)
        std = tensor(self.std, dtype=img.dtype, device=img.device).reshape(shape)
        return (img - mean) / std

    def __repr__(self):
        lines = [
            f"    crop_size={self.crop_size}",
            f"    resize_size={self.resize_size}",
            f"    mean={self.mean}",
            f"    std={self.std}",
            f"    interpolation={self.interpolation}",
        ]
        return self.__class__.__name__ + "(\n" + "\n".join(lines) + "\n)"

    def describe(self):
        """What the preset does, in one paragraph (torchvision's documentation string)."""
        return (
            "Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image "
            "``torch.Tensor`` objects. The images are resized to "
            f"``resize_size={self.resize_size}`` using ``interpolation={self.interpolation}``, "
            f"followed by a central crop of ``crop_size={self.crop_size}``. Finally the values "
            "are first rescaled to ``[0.0, 1.0]`` and then normalized using "
            f"``mean={self.mean}`` and ``std={self.std}``."
        )


def _is_pil(img):
    # Pillow is imported only when an image could be one (ember.vision stays cheap to import).
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)
