"""``ember.vision.io``: reading, decoding, encoding and writing images as uint8 (C, H, W)
tensors, as ``torchvision.io``, through Pillow.

Differences from PyTorch: decoding and encoding go through Pillow rather than libjpeg-turbo and
libpng, so a JPEG can decode to pixels one or two levels away from torchvision's, and a mode
conversion (``ImageReadMode.GRAY`` of a colour image) uses Pillow's ITU-R 601-2 luma weights.
"""

import enum
import io
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from ember._tensor import Tensor
from ember.ops.creation import from_numpy

__all__ = [
    "ImageReadMode",
    "read_file",
    "write_file",
    "decode_image",
    "decode_png",
    "decode_jpeg",
    "read_image",
    "encode_png",
    "encode_jpeg",
    "write_png",
    "write_jpeg",
]


class ImageReadMode(enum.Enum):
    """How to convert a decoded image: keep its channels, or force gray/RGB with(out) alpha."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA  # the same mode under its short name


# Pillow mode each forced read mode converts to.
_PIL_MODES = {
    ImageReadMode.GRAY: "L",
    ImageReadMode.GRAY_ALPHA: "LA",
    ImageReadMode.RGB: "RGB",
    ImageReadMode.RGB_ALPHA: "RGBA",
}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def _as_mode(mode):
    if isinstance(mode, ImageReadMode):
        return mode
    if isinstance(mode, str) and mode.upper() in ImageReadMode.__members__:
        return ImageReadMode[mode.upper()]
    raise ValueError(f"Unknown image read mode {mode!r}; expected an ImageReadMode")


def read_file(path: str | Path) -> Tensor:
    """The bytes of the file at ``path`` as a 1-d uint8 tensor."""
    with open(path, "rb") as f:
        return from_numpy(np.frombuffer(f.read(), dtype=np.uint8).copy())


def write_file(filename: str | Path, data: Tensor) -> None:
    """Write the bytes of a 1-d uint8 tensor to ``filename`` (temporary file, then rename)."""
    _check_bytes("write_file", data)
    _write_atomically(filename, data.numpy().tobytes())


def _write_atomically(filename, payload):
    filename = os.fspath(filename)
    part = filename + ".part"
    try:
        with open(part, "wb") as f:
            f.write(payload)
        os.replace(part, filename)
    finally:
        if os.path.exists(part):
            os.remove(part)


def _check_bytes(op, data):
    if not isinstance(data, Tensor):
        raise TypeError(f"{op}: expected a tensor of encoded bytes, got {type(data).__name__}")
    if data.numpy().dtype != np.uint8:
        raise RuntimeError(f"{op}: Expected a torch.uint8 tensor, got {data.dtype}")
    if data.dim() != 1 or data.numel() == 0:
        raise RuntimeError(
            f"{op}: Expected a non empty 1-dimensional tensor, got shape {tuple(data.shape)}"
        )


def _pixels(img, mode):
    """A PIL image as an (H, W, C) uint8 (or uint16) array, converted as ``mode`` asks."""
    if mode is not ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODES[mode])
    elif img.mode in ("I;16", "I;16B", "I;16L"):
        # ember has no uint16 dtype: 16-bit gray PNGs come back as int32 (exact values).
        return np.asarray(img).astype(np.int32)[:, :, None]
    elif img.mode == "P":
        # A palette expands to its colours, keeping transparency as an alpha channel.
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode == "PA":
        img = img.convert("RGBA")
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGB")  # CMYK, YCbCr, HSV, 32-bit: decode to RGB
    array = np.asarray(img)
    return array[:, :, None] if array.ndim == 2 else array


def _decode(op, data, mode, apply_exif_orientation, signature=None, kind=None):
    _check_bytes(op, data)
    payload = data.numpy().tobytes()
    if signature is not None and not payload.startswith(signature):
        start = payload[:8].hex(" ")
        raise RuntimeError(f"{op}: the input is not a {kind} image (it starts with {start})")
    try:
        img = Image.open(io.BytesIO(payload))
        img.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise RuntimeError(f"{op}: could not decode the image: {error}") from error
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    hwc = _pixels(img, _as_mode(mode))
    return from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))


def decode_image(
    input: Tensor | str | Path,
    mode: ImageReadMode = ImageReadMode.UNCHANGED,
    apply_exif_orientation: bool = False,
) -> Tensor:
    """Decode an encoded image (1-d uint8 tensor, or a path) into a uint8 (C, H, W) tensor."""
    if not isinstance(input, Tensor):
        input = read_file(input)
    return _decode("decode_image", input, mode, apply_exif_orientation)


def read_image(
    path: str | Path,
    mode: ImageReadMode = ImageReadMode.UNCHANGED,
    apply_exif_orientation: bool = False,
) -> Tensor:
    """Read and decode the image file at ``path`` into a uint8 (C, H, W) tensor."""
    return _decode("read_image", read_file(path), mode, apply_exif_orientation)


def decode_png(
    input: Tensor,
    mode: ImageReadMode = ImageReadMode.UNCHANGED,
    apply_exif_orientation: bool = False,
) -> Tensor:
    """Decode PNG bytes into a uint8 (C, H, W) tensor.

    Differences from PyTorch: a 16-bit gray PNG decodes to int32 (torchvision: uint16, a dtype
    ember lacks), with the same values.
    """
    return _decode("decode_png", input, mode, apply_exif_orientation, _PNG_SIGNATURE, "PNG")


def decode_jpeg(
    input: Tensor | list[Tensor],
    mode: ImageReadMode = ImageReadMode.UNCHANGED,
    device: str = "cpu",
    apply_exif_orientation: bool = False,
) -> Tensor | list[Tensor]:
    """Decode JPEG bytes (one tensor, or a list of them) into uint8 (C, H, W) tensors."""
    if str(device) != "cpu":
        raise RuntimeError(f"decode_jpeg: only the 'cpu' device is supported, got {device!r}")
    if isinstance(input, (list, tuple)):
        return [decode_jpeg(x, mode, device, apply_exif_orientation) for x in input]
    return _decode("decode_jpeg", input, mode, apply_exif_orientation, _JPEG_SIGNATURE, "JPEG")


def _to_pil(op, input, channels):
    """A uint8 (C, H, W) tensor as a PIL image, checking what the encoders accept."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(input).__name__}")
    if input.numpy().dtype != np.uint8:
        raise RuntimeError(f"{op}: Input tensor dtype should be uint8, got {input.dtype}")
    if input.dim() != 3:
        raise RuntimeError(
            f"{op}: Input tensor dimensions must be 3 (C, H, W), got shape {tuple(input.shape)}"
        )
    if input.shape[0] not in channels:
        raise RuntimeError(f"{op}: The number of channels should be 1 or 3, got: {input.shape[0]}")
    hwc = np.ascontiguousarray(input.numpy().transpose(1, 2, 0))
    return Image.fromarray(hwc[:, :, 0] if hwc.shape[2] == 1 else hwc)


def _encode(img, **options):
    buffer = io.BytesIO()
    img.save(buffer, **options)
    return from_numpy(np.frombuffer(buffer.getvalue(), dtype=np.uint8).copy())


def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    """Encode a uint8 (C, H, W) tensor with 1 or 3 channels as PNG bytes (1-d uint8 tensor)."""
    if not 0 <= compression_level <= 9:
        raise RuntimeError(
            f"encode_png: Compression level should be between 0 and 9, got {compression_level}"
        )
    img = _to_pil("encode_png", input, (1, 3))
    return _encode(img, format="PNG", compress_level=compression_level)


def encode_jpeg(input: Tensor | list[Tensor], quality: int = 75) -> Tensor | list[Tensor]:
    """Encode a uint8 (C, H, W) tensor (or a list of them) with 1 or 3 channels as JPEG bytes."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, (list, tuple)):
        return [encode_jpeg(x, quality) for x in input]
    img = _to_pil("encode_jpeg", input, (1, 3))
    return _encode(img, format="JPEG", quality=quality)


def write_png(input: Tensor, filename: str | Path, compression_level: int = 6) -> None:
    """Encode a uint8 (C, H, W) tensor as PNG and write it to ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input: Tensor, filename: str | Path, quality: int = 75) -> None:
    """Encode a uint8 (C, H, W) tensor as JPEG and write it to ``filename``."""
    write_file(filename, encode_jpeg(input, quality))
