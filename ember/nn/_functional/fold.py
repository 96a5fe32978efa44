"""``unfold`` (im2col) and ``fold`` (col2im) over 2-d images, with PyTorch's argument checks."""

from ember.ops._pool_args import check_dtype
from ember.ops._windows import Geometry, out_size
from ember.ops.fold import fold_blocks, unfold_blocks

__all__ = ["unfold", "fold"]


def _pair(value, name):
    values = (value, value) if isinstance(value, int) else tuple(value)
    if len(values) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(values)}")
    return tuple(int(v) for v in values)


def _check_args(kernel, dilation, padding, stride):
    for values, name, text in (
        (kernel, "kernel_size", "kernel size should be greater than zero, but got kernel"),
        (stride, "stride", "stride should be greater than zero, but got stride"),
        (dilation, "dilation", "dilation should be greater than zero, but got dilation"),
    ):
        if any(v <= 0 for v in values):
            raise RuntimeError(
                f"{text}_height: {values[0]} {name.split('_')[0]}_width: {values[1]}"
            )
    if any(p < 0 for p in padding):
        raise RuntimeError(
            f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: "
            f"{padding[1]}"
        )


def _blocks(size, kernel, dilation, padding, stride):
    args = zip(size, kernel, dilation, padding, stride)
    return tuple(out_size(n, k, s, d, 2 * p) for n, k, d, p, s in args)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding 2-d blocks: (N, C, H, W) -> (N, C * kh * kw, L); also unbatched."""
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    _check_args(kernel, dilation, padding, stride)
    if input.dim() == 2:
        # PyTorch reads the size of dim 2 before checking the number of dims.
        raise IndexError("Dimension out of range (expected to be in range of [-2, 1], but got 2)")
    if input.dim() not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(input.shape)}"
        )
    check_dtype(input, "im2col_out_cpu", floating_only=True)
    size = tuple(int(s) for s in input.shape[-2:])
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, calculated shape of the array of sliding blocks as {blocks}, "
            "but its components must be at least one."
        )
    geom = Geometry(kernel, stride, dilation, padding, size, blocks)
    if input.dim() == 3:
        return unfold_blocks(input.unsqueeze(0), geom).squeeze(0)
    return unfold_blocks(input, geom)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image: (N, C * kh * kw, L) -> (N, C, *output_size)."""
    size = _pair(output_size, "output_size")
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    _check_args(kernel, dilation, padding, stride)
    if input.dim() not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )
    check_dtype(input, "col2im_out_cpu", floating_only=True)
    rows, cols = int(input.shape[-2]), int(input.shape[-1])
    if rows % (kernel[0] * kernel[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={rows} and kernel_size={kernel}."
        )
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if blocks[0] * blocks[1] != cols:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match "
            f"the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={cols}."
        )
    geom = Geometry(kernel, stride, dilation, padding, size, blocks)
    if input.dim() == 2:
        return fold_blocks(input.unsqueeze(0), geom).squeeze(0)
    return fold_blocks(input, geom)
