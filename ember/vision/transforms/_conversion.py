"""Conversion and per-pixel linear transforms: ToTensor, PILToTensor, ToPILImage,
ConvertImageDtype, Normalize, LinearTransformation."""

from ember import nn
from ember.vision.transforms import _functional_convert as F

__all__ = [
    "ConvertImageDtype",
    "LinearTransformation",
    "Normalize",
    "PILToTensor",
    "ToPILImage",
    "ToTensor",
]


class ToTensor:
    """A PIL image or HWC ndarray to a CHW tensor; uint8 becomes float in [0, 1]."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """A PIL image to a CHW tensor of its own dtype, not scaled."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ToPILImage:
    """A CHW tensor or HWC ndarray to a PIL image of ``mode`` (inferred when None)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        mode = "" if self.mode is None else f"mode={self.mode}"
        return f"{self.__class__.__name__}({mode})"


class ConvertImageDtype(nn.Module):
    """Convert a tensor image to ``dtype``, rescaling its values."""

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        """The converted image."""
        return F.convert_image_dtype(image, self.dtype)


class Normalize(nn.Module):
    """``(x - mean) / std`` per channel of a float tensor image."""

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        """The normalized image."""
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class LinearTransformation(nn.Module):
    """Subtract ``mean_vector`` from the flattened (C*H*W) image and multiply by the square
    ``transformation_matrix`` (for example a ZCA whitening matrix)."""

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        size = tuple(transformation_matrix.shape)
        if size[0] != size[1]:
            raise ValueError(
                f"transformation_matrix should be square. Got {size} rectangular matrix."
            )
        if mean_vector.shape[0] != size[0]:
            raise ValueError(
                f"mean_vector should have the same length {mean_vector.shape[0]} as any one of the "
                f"dimensions of the transformation_matrix [{size}]"
            )
        if transformation_matrix.dtype is not mean_vector.dtype:
            raise ValueError(
                "Input tensors should have the same dtype. Got "
                f"{transformation_matrix.dtype} and {mean_vector.dtype}"
            )
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def forward(self, tensor):
        """The transformed image, in the input's shape."""
        shape = tuple(tensor.shape)
        n = shape[-3] * shape[-2] * shape[-1]
        d = self.transformation_matrix.shape[0]
        if n != d:
            raise ValueError(
                "Input tensor and transformation matrix have incompatible shape."
                f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != {d}"
            )
        flat = tensor.reshape(-1, n) - self.mean_vector
        return flat.mm(self.transformation_matrix.to(flat.dtype)).view(shape)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(transformation_matrix={self.transformation_matrix.tolist()}"
            f", mean_vector={self.mean_vector.tolist()})"
        )
