"""Image kinds and sizes: what the functionals accept (PIL images and ember tensors)."""

from ember.vision.transforms import _pil, _tensor_image

__all__ = ["get_dimensions", "get_image_num_channels", "get_image_size"]


def check_image_type(img, op):
    """Raise TypeError unless ``img`` is a PIL image or a tensor."""
    if not (_pil.is_pil(img) or _tensor_image.is_tensor(img)):
        raise TypeError(f"{op}: img should be PIL Image or Tensor. Got {type(img)}")


def get_dimensions(img):
    """``[channels, height, width]`` of a PIL image or a tensor image."""
    if _tensor_image.is_tensor(img):
        return _tensor_image.get_dimensions(img)
    if _pil.is_pil(img):
        return _pil.get_dimensions(img)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img):
    """``[width, height]`` of a PIL image or a tensor image."""
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img):
    """Number of channels of a PIL image or a tensor image."""
    return get_dimensions(img)[0]
