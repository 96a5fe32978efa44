"""ember: PyTorch's API on NumPy. ``import ember as torch``."""

from ember import autograd, ops
from ember._device import device
from ember._dtype import (
    bfloat16,
    bool,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from ember._tensor import Size, Tensor
from ember.autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

# ---- creation ----
from ember.ops.creation import as_tensor, empty, from_numpy, full, ones, tensor, zeros

# ---- random ----

# ---- elementwise ----
from ember.ops.elementwise import (
    abs,
    add,
    clone,
    div,
    divide,
    exp,
    log,
    mul,
    multiply,
    neg,
    negative,
    pow,
    relu,
    sigmoid,
    sqrt,
    sub,
    subtract,
    tanh,
    true_divide,
    where,
)

# ---- reduction ----
from ember.ops.reduction import mean, sum

# ---- shape ----
from ember.ops.shape import expand, permute, reshape, squeeze, transpose, unbind, unsqueeze, view

# ---- indexing ----

# ---- linalg ----
from ember import linalg
from ember.ops.einsum import einsum
from ember.ops.linalg import (
    addbmm,
    addmm,
    addmv,
    addr,
    baddbmm,
    bmm,
    dot,
    ger,
    inner,
    kron,
    matmul,
    mm,
    mv,
    outer,
    tensordot,
    vdot,
)

# ---- nn, optim (imported last: they build on everything above) ----
from ember.serialization import load, save

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
