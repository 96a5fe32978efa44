"""ember: PyTorch's API on NumPy. ``import ember as torch``."""

from ember import autograd, ops
from ember._device import device
from ember._dtype import (
    bfloat16,
    bool,
    can_cast,
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
from ember._tensor_str import set_printoptions
from ember.autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

# ---- creation ----
from ember.ops.creation import (
    arange,
    as_tensor,
    asarray,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    scalar_tensor,
    tensor,
    zeros,
    zeros_like,
)

# ---- random ----
from ember.ops.random import (
    Generator,
    bernoulli,
    default_generator,
    fill_,
    get_rng_state,
    initial_seed,
    manual_seed,
    multinomial,
    normal,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
    zero_,
)

# ---- elementwise ----
from ember.ops.elementwise import (
    abs,
    absolute,
    add,
    addcdiv,
    addcmul,
    clone,
    div,
    divide,
    float_power,
    floor_divide,
    fmod,
    lerp,
    mul,
    multiply,
    neg,
    negative,
    pow,
    relu,
    remainder,
    sign,
    sub,
    subtract,
    true_divide,
    where,
)
from ember.ops.unary_math import (
    acos,
    arccos,
    arcsin,
    arctan,
    arctan2,
    asin,
    atan,
    atan2,
    cos,
    cosh,
    erf,
    erfc,
    erfinv,
    exp,
    exp2,
    expm1,
    log,
    log10,
    log1p,
    log2,
    reciprocal,
    rsqrt,
    sigmoid,
    sin,
    sinh,
    sqrt,
    square,
    tan,
    tanh,
)
from ember.ops.rounding import (
    ceil,
    fix,
    floor,
    frac,
    nan_to_num,
    round,
    trunc,
)
from ember.ops.comparison import (
    allclose,
    eq,
    equal,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    isreal,
    le,
    less,
    less_equal,
    lt,
    ne,
    not_equal,
)
from ember.ops.logical import (
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
)
from ember.ops.clamping import (
    clamp,
    clamp_max,
    clamp_min,
    clip,
    fmax,
    fmin,
    maximum,
    minimum,
)

# ---- reduction ----
from ember import return_types
from ember.ops.cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
from ember.ops.extrema import amax, amin, aminmax, argmax, argmin, max, min
from ember.ops.reduction import (
    all,
    any,
    count_nonzero,
    logsumexp,
    mean,
    nanmean,
    nansum,
    norm,
    prod,
    std,
    std_mean,
    sum,
    var,
    var_mean,
)
from ember.ops.sorting import argsort, kthvalue, median, mode, msort, nanmedian, sort, topk

# ---- shape ----
from ember.ops.joining import (
    broadcast_shapes,
    broadcast_tensors,
    cat,
    concat,
    concatenate,
    dstack,
    hstack,
    meshgrid,
    repeat_interleave,
    stack,
    tile,
    vstack,
)
from ember.ops.rearrange import diag, diag_embed, flip, fliplr, flipud, roll, rot90, tril, triu
from ember.ops.shape import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_to,
    chunk,
    diagonal,
    expand,
    flatten,
    moveaxis,
    movedim,
    narrow,
    permute,
    ravel,
    reshape,
    split,
    squeeze,
    swapaxes,
    swapdims,
    t,
    tensor_split,
    transpose,
    unbind,
    unflatten,
    unsqueeze,
    view,
)

# ---- indexing ----
from ember.ops.indexing import (
    argwhere,
    index_put,
    index_put_,
    masked_fill,
    masked_scatter,
    masked_select,
    nonzero,
    take,
    take_along_dim,
)
from ember.ops.scatter import (
    gather,
    index_add,
    index_copy,
    index_fill,
    scatter,
    scatter_add,
    scatter_reduce,
)

# ---- linalg ----
from ember import linalg
from ember.linalg._toplevel import det, inverse, logdet, norm, pinverse, slogdet, svd
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

# ---- activation (nn-A) ----
from ember.ops.activation import log_softmax, softmax

# ---- nn, optim (imported last: they build on everything above) ----
from ember import nn
from ember import optim
from ember.serialization import load, save

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
