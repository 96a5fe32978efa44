"""ember: PyTorch's API on NumPy. ``import ember as torch``."""

# ops first: importing it installs Tensor's methods and operators, which the rest builds on.
from ember import autograd, ops

# isort: split
from ember import (
    accelerator,
    backends,
    cuda,
    hub,
    linalg,
    nn,
    optim,
    profiler,
    return_types,
    special,
    utils,
)
from ember._device import device, get_default_device, set_default_device
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
from ember._tensor import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    Size,
    Tensor,
)
from ember._tensor_str import set_printoptions
from ember.autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from ember.linalg._toplevel import det, inverse, logdet, pinverse, slogdet, svd
from ember.ops.activation import log_softmax, softmax
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
from ember.ops.cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
from ember.ops.einsum import einsum
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
from ember.ops.extrema import amax, amin, aminmax, argmax, argmin, max, min
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
from ember.ops.linalg import mm as spmm  # dense operands: what torch.spmm does with them
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
from ember.ops.rearrange import diag, diag_embed, flip, fliplr, flipud, roll, rot90, tril, triu
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
from ember.ops.rounding import (
    ceil,
    fix,
    floor,
    frac,
    nan_to_num,
    round,
    trunc,
)
from ember.ops.scatter import (
    gather,
    index_add,
    index_copy,
    index_fill,
    index_select,
    scatter,
    scatter_add,
    scatter_reduce,
)
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
from ember.ops.sorting import argsort, kthvalue, median, mode, msort, nanmedian, sort, topk
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
    log1p,
    log2,
    log10,
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
from ember.serialization import load, save

# isort: split
# ---- runtime settings, queries, special math, statistics, sets ----
from ember._runtime import (
    are_deterministic_algorithms_enabled,
    compile,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_num_threads,
    use_deterministic_algorithms,
)
from ember.ops.bessel import i0, i0_
from ember.ops.flat_index import nonzero_static, put
from ember.ops.float_bits import frexp, ldexp, ldexp_, nextafter
from ember.ops.gamma_functions import digamma, lgamma, mvlgamma, polygamma
from ember.ops.integer_math import gcd, gcd_, lcm, lcm_
from ember.ops.matrix_extra import matrix_power, trace
from ember.ops.set_ops import bucketize, searchsorted, unique, unique_consecutive
from ember.ops.slicing import adjoint, dsplit, hsplit, select, split_with_sizes, vsplit
from ember.ops.special_math import (
    acosh,
    acosh_,
    angle,
    arccosh,
    arccosh_,
    arcsinh,
    arcsinh_,
    arctanh,
    arctanh_,
    asinh,
    asinh_,
    atanh,
    atanh_,
    copysign,
    deg2rad,
    deg2rad_,
    heaviside,
    hypot,
    logaddexp,
    logaddexp2,
    logit,
    logit_,
    positive,
    rad2deg,
    rad2deg_,
    sgn,
    signbit,
    sinc,
    sinc_,
    xlogy,
    xlogy_,
)
from ember.ops.statistics import (
    bincount,
    corrcoef,
    cov,
    histc,
    histogram,
    nanquantile,
    quantile,
)
from ember.ops.strided import as_strided
from ember.ops.structured import block_diag, cartesian_prod, tril_indices, triu_indices
from ember.ops.tensor_queries import (
    conj,
    conj_physical,
    detach,
    is_conj,
    is_floating_point,
    is_neg,
    is_nonzero,
    is_same_size,
    is_tensor,
    numel,
    resolve_conj,
    resolve_neg,
)
from ember.ops.vector_ops import cdist, cross, diff, dist, renorm
from ember.ops.view_scatter import (
    diagflat,
    diagonal_scatter,
    narrow_copy,
    select_scatter,
    slice_scatter,
    unsafe_chunk,
    unsafe_split,
    unsafe_split_with_sizes,
)
from ember.utils.dlpack import from_dlpack

# isort: split
# ---- conv, pooling (the nn primitives PyTorch also exposes at top level) ----
from ember.ops.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ember.ops.pooling import adaptive_avg_pool1d, avg_pool1d, max_pool1d, max_pool2d, max_pool3d

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
