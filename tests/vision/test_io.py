"""ember.vision.io: images to and from uint8 (C, H, W) tensors, checked against Pillow."""

import io

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.io import (
    ImageReadMode,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    read_file,
    read_image,
    write_file,
    write_jpeg,
    write_png,
)


def chw(seed, channels, h=7, w=9):
    pixels = np.random.default_rng(seed).integers(0, 256, size=(channels, h, w), dtype=np.uint8)
    return ember.from_numpy(pixels)


def pil_bytes(img, fmt, **options):
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return ember.from_numpy(np.frombuffer(buffer.getvalue(), dtype=np.uint8).copy())


@pytest.mark.parametrize("channels", [1, 3])
def test_png_round_trip_is_exact(tmp_path, channels):
    image = chw(channels, channels)
    write_png(image, tmp_path / "x.png", compression_level=9)
    assert not (tmp_path / "x.png.part").exists()
    back = read_image(tmp_path / "x.png")
    assert back.dtype == ember.uint8 and back.shape == image.shape
    np.testing.assert_array_equal(back.numpy(), image.numpy())
    # Pillow reads the file we wrote as the same pixels in (H, W, C).
    pil = np.asarray(Image.open(tmp_path / "x.png"))
    np.testing.assert_array_equal(pil.reshape(7, 9, channels), image.numpy().transpose(1, 2, 0))
    encoded = encode_png(image)
    assert encoded.dtype == ember.uint8 and encoded.dim() == 1
    assert bytes(encoded.numpy()[:8]) == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(decode_png(encoded).numpy(), image.numpy())


def test_read_modes_follow_pillow_conversions():
    rgba = np.random.default_rng(0).integers(0, 256, size=(5, 6, 4), dtype=np.uint8)
    img = Image.fromarray(rgba, "RGBA")
    data = pil_bytes(img, "PNG")
    np.testing.assert_array_equal(decode_image(data).numpy(), rgba.transpose(2, 0, 1))
    for mode, pil_mode in [
        (ImageReadMode.GRAY, "L"),
        (ImageReadMode.GRAY_ALPHA, "LA"),
        (ImageReadMode.RGB, "RGB"),
        (ImageReadMode.RGB_ALPHA, "RGBA"),
    ]:
        expected = np.asarray(img.convert(pil_mode)).reshape(5, 6, -1).transpose(2, 0, 1)
        np.testing.assert_array_equal(decode_image(data, mode=mode).numpy(), expected)
    assert ImageReadMode.RGBA is ImageReadMode.RGB_ALPHA
    assert decode_image(data, mode="gray").shape == (1, 5, 6)


def test_palette_png_expands_to_rgb():
    img = Image.fromarray(np.arange(12, dtype=np.uint8).reshape(3, 4) * 20).convert("P")
    out = decode_png(pil_bytes(img, "PNG"))
    expected = np.asarray(img.convert("RGB")).transpose(2, 0, 1)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_sixteen_bit_png_keeps_its_values():
    values = np.array([[0, 1, 65535], [256, 4096, 30000]], dtype=np.uint16)
    out = decode_png(pil_bytes(Image.fromarray(values), "PNG"))
    assert out.dtype == ember.int32
    np.testing.assert_array_equal(out.numpy()[0], values)


def test_jpeg_round_trip_and_batches(tmp_path):
    # A smooth image: JPEG keeps it within a few levels.
    ramp = np.add.outer(np.arange(16), np.arange(16)).astype(np.uint8) * 8
    image = ember.from_numpy(np.stack([ramp, ramp[::-1], ramp.T]))
    write_jpeg(image, tmp_path / "x.jpg", quality=95)
    back = read_image(tmp_path / "x.jpg")
    assert back.dtype == ember.uint8 and back.shape == (3, 16, 16)
    assert np.abs(back.numpy().astype(int) - image.numpy()).mean() < 3
    pil = np.asarray(Image.open(tmp_path / "x.jpg")).transpose(2, 0, 1)
    np.testing.assert_array_equal(back.numpy(), pil)
    encoded = encode_jpeg([image, image[:1]], quality=50)
    decoded = decode_jpeg(encoded)
    assert [tuple(d.shape) for d in decoded] == [(3, 16, 16), (1, 16, 16)]


def test_exif_orientation_is_applied_on_request():
    img = Image.fromarray(np.zeros((4, 10, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    data = pil_bytes(img, "JPEG", exif=exif.tobytes())
    assert decode_jpeg(data).shape == (3, 4, 10)
    assert decode_jpeg(data, apply_exif_orientation=True).shape == (3, 10, 4)


def test_file_bytes_round_trip(tmp_path):
    data = ember.from_numpy(np.frombuffer(b"\x00\x01binary\xff", dtype=np.uint8).copy())
    write_file(tmp_path / "b.bin", data)
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01binary\xff"
    np.testing.assert_array_equal(read_file(tmp_path / "b.bin").numpy(), data.numpy())


def test_io_errors():
    image = chw(0, 3)
    with pytest.raises(ValueError, match="Image quality should be a positive number between 1"):
        encode_jpeg(image, quality=0)
    with pytest.raises(RuntimeError, match="Compression level should be between 0 and 9"):
        encode_png(image, compression_level=10)
    with pytest.raises(RuntimeError, match="The number of channels should be 1 or 3, got: 4"):
        encode_png(chw(0, 4))
    with pytest.raises(RuntimeError, match="Input tensor dtype should be uint8"):
        encode_png(image.float())
    with pytest.raises(RuntimeError, match="Expected a torch.uint8 tensor"):
        decode_image(ember.zeros(4))
    with pytest.raises(RuntimeError, match="decode_jpeg: the input is not a JPEG image"):
        decode_jpeg(encode_png(image))
    with pytest.raises(RuntimeError, match="decode_image: could not decode the image"):
        decode_image(ember.from_numpy(np.frombuffer(b"not an image", dtype=np.uint8).copy()))
