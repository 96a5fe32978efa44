"""Random numbers: generators, seeding, sampling factories (rand, randn, randint...), and the
in-place fills (uniform_, normal_, fill_, zero_...).

Note [random streams]
A ``Generator`` wraps ``numpy.random.Generator(PCG64(seed))``: the same seed gives the same
numbers on every run and in every process, but not PyTorch's numbers (its Mersenne Twister
streams are not reproduced). The default generator starts from PyTorch's default seed, so a
program that never seeds is still reproducible.

Note [random on devices]
There is one stream per generator, on the host: a CUDA tensor's numbers are drawn by the same
PCG64 and copied to the device once (``to_module``), so a seed gives the same numbers on every
device and ``get_state``/``set_state`` cover them all; ``ember.manual_seed`` seeds it, and
``ember.cuda.manual_seed`` has nothing of its own to seed. The known cost is the draw on the
CPU plus one host-to-device copy per sample: for a 102M-element float32 weight, measured on
an H200 machine, ``uniform_`` takes 0.57 s and ``normal_`` 1.7 s, where a device generator
takes under a millisecond. Samplers whose parameters are tensors (``poisson``'s rates) read
those parameters on the host, one copy each way. A CuPy generator on the device is the upgrade
path when a benchmark shows the host draw to dominate; it would need its own state in
``get_state``.

Note [random fills in place]
The fills draw in the target dtype straight into the tensor's memory (``Generator.random`` and
``standard_normal`` with ``out=``), then scale and shift in place: no full-size temporary and no
copy, the same numbers as drawing into a new array. A fill that autograd records, a
non-contiguous tensor, a half dtype or a device tensor draws into a new array instead.

Sampling is not differentiable. As in PyTorch, a sample drawn from a tensor that requires grad
(``normal(mean, std)``, ``bernoulli(p)``, an in-place fill of a non-leaf) is recorded with a
zero gradient for its random inputs.
"""

import math
import os

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import to_host, to_module
from ember._device import as_device
from ember._dtype import SCALAR_NAMES, is_floating_np
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.ops._inplace import inplace
from ember.ops.creation import _emit, _leaf, _size, _size_args, zeros_like

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
    "fill_",
    "zero_",
]

TENSOR_METHODS = ("bernoulli", "multinomial")
INPLACE_METHODS = (
    "uniform_",
    "normal_",
    "bernoulli_",
    "random_",
    "exponential_",
    "geometric_",
    "log_normal_",
    "cauchy_",
    "fill_",
    "zero_",
)

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed
_MASK64 = (1 << 64) - 1


# ---- generators -----------------------------------------------------------------------------


class Generator:
    """A source of random numbers with its own state, as ``torch.Generator``.

    Differences from PyTorch: the numbers come from NumPy's PCG64, not PyTorch's Mersenne
    Twister, and ``get_state`` returns a 45-byte state rather than PyTorch's 5056 bytes.
    """

    def __init__(self, device="cpu"):
        self.device = as_device(device)
        if self.device.type != "cpu":
            # The stream is on the host (Note [random on devices]), but the device must exist.
            try:
                self.device.xp  # noqa: B018 - reaching the module checks that it loads
            except AssertionError as e:
                raise RuntimeError(f"Cannot get a {self.device.type} generator: {e}") from None
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Reset the state from ``seed`` (taken modulo 2**64, as PyTorch does); returns self."""
        seed = int(seed)
        if not -(1 << 63) <= seed <= _MASK64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed & _MASK64
        self._np = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self):
        """Seed from a non-deterministic source and return the new seed."""
        new = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(new)
        return new

    def initial_seed(self):
        """The seed this generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor, for ``set_state``."""
        s = self._np.bit_generator.state
        parts = (
            self._seed.to_bytes(8, "little"),
            s["state"]["state"].to_bytes(16, "little"),
            s["state"]["inc"].to_bytes(16, "little"),
            s["has_uint32"].to_bytes(1, "little"),
            s["uinteger"].to_bytes(4, "little"),
        )
        return make_tensor(np.frombuffer(b"".join(parts), np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from ``get_state``; returns self."""
        if not isinstance(new_state, Tensor) or new_state.dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a ember.ByteTensor")
        raw = new_state._data.tobytes()
        if len(raw) != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input "
                f"RNG state size to be {len(raw)}"
            )
        seed = int.from_bytes(raw[:8], "little")
        bitgen = np.random.PCG64()
        bitgen.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(raw[8:24], "little"),
                "inc": int.from_bytes(raw[24:40], "little"),
            },
            "has_uint32": raw[40],
            "uinteger": int.from_bytes(raw[41:45], "little"),
        }
        self._seed = seed
        self._np = np.random.Generator(bitgen)
        return self

    def __repr__(self):
        return f"<ember.Generator object at {id(self):#x}>"


_STATE_SIZE = 45
default_generator = Generator()


def _rng(generator):
    return (generator or default_generator)._np


def manual_seed(seed):
    """Seed the default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


# ---- raw samples in a dtype -----------------------------------------------------------------


def _not_implemented(kernel, dt):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_NAMES[dt]}'")


def _uniform(rng, shape, dt, low=0.0, high=1.0, out=None):
    """Samples from [low, high) in the floating dtype ``dt``, as a new host array or drawn
    into ``out`` (a C-contiguous float32/float64 host array of ``dt``; ``shape`` None)."""
    if not dt.is_floating_point:
        raise _not_implemented("check_uniform_bounds", dt)
    if dt.itemsize < 4:
        # Half types keep only their mantissa's worth of random bits, so 1.0 is never drawn.
        digits = 11 if dt is _dtype.float16 else 8
        u = rng.integers(0, 1 << digits, shape).astype(np.float32) * np.float32(2.0**-digits)
        if low != 0.0 or high != 1.0:
            u = u * (high - low) + low
        return u.astype(dt.np)
    # Scaled in place: the same float arithmetic as ``u * (high - low) + low``.
    u = rng.random(shape, dtype=dt.np, out=out)
    if low != 0.0 or high != 1.0:
        u *= high - low
        u += low
    return u


def _normal(rng, shape, dt, mean=0.0, std=1.0, out=None):
    """Normal samples in the floating dtype ``dt``, new or drawn into ``out`` (as _uniform)."""
    if not dt.is_floating_point:
        raise _not_implemented("normal_kernel_cpu", dt)
    if dt.itemsize < 4:
        z = rng.standard_normal(shape, dtype=np.float32)
        if mean != 0.0 or std != 1.0:
            z = z * std + mean
        return z.astype(dt.np)
    z = rng.standard_normal(shape, dtype=dt.np, out=out)
    if mean != 0.0 or std != 1.0:
        z *= std
        z += mean
    return z


def _fills_in_place(self):
    """Whether a fill can draw straight into ``self``'s memory (Note [random fills in place])."""
    a = self._data
    return (
        type(a) is np.ndarray
        and is_floating_np(a.dtype)
        and a.dtype.itemsize >= 4
        and a.flags.c_contiguous
        and a.flags.writeable
        and not (GRAD.enabled and self._requires_grad)
    )


def _module(device, like=None):
    """The array module samples go to: ``device``'s, else ``like``'s when given (a tensor whose
    device a ``*_like`` factory follows). Asked before drawing, so that an invalid device fails
    before the stream advances. Note [random on devices]."""
    if device is None and like is not None:
        return array_module(like._data)
    return as_device(device).xp


def _check_std(std, name="normal"):
    if std < 0:
        raise RuntimeError(f"{name} expects std >= 0.0, but found std {_fmt(std)}")


def _fmt(x):
    """A number as PyTorch's messages print it (integral floats without a fraction)."""
    return str(int(x)) if float(x).is_integer() else str(x)


# ---- factories ------------------------------------------------------------------------------


def _float_dtype(dtype, out):
    dt = _dtype.as_dtype(dtype)
    if dt is None:
        return out.dtype if out is not None else _dtype.get_default_dtype()
    return dt


def rand(
    *size_args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """Uniform samples from [0, 1)."""
    xp = _module(device)
    dt = _float_dtype(dtype, out)
    return _emit(
        to_module(xp, _uniform(_rng(generator), _size_args(size_args, size, "rand"), dt)),
        out,
        requires_grad,
        "rand",
    )


def randn(
    *size_args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """Standard normal samples."""
    xp = _module(device)
    dt = _float_dtype(dtype, out)
    return _emit(
        to_module(xp, _normal(_rng(generator), _size_args(size_args, size, "randn"), dt)),
        out,
        requires_grad,
        "randn",
    )


_INT_RANGE = {
    _dtype.bool: (0, 1),
    _dtype.uint8: (0, 255),
    _dtype.int8: (-128, 127),
    _dtype.int16: (-(1 << 15), (1 << 15) - 1),
    _dtype.int32: (-(1 << 31), (1 << 31) - 1),
    _dtype.int64: (-(1 << 63), (1 << 63) - 1),
}
_C_NAMES = {
    _dtype.bool: "bool",
    _dtype.uint8: "unsigned char",
    _dtype.int8: "signed char",
    _dtype.int16: "short",
    _dtype.int32: "int",
    _dtype.int64: "long",
}


def _float_digits(dt):
    return {_dtype.float16: 11, _dtype.bfloat16: 8, _dtype.float32: 24, _dtype.float64: 53}[dt]


def _random_ints(rng, shape, dt, low, high):
    """Integers from [low, high) stored in ``dt``, checked against the dtype's range."""
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    if dt in _INT_RANGE:
        lo, hi = _INT_RANGE[dt]
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {_C_NAMES[dt]}")
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_NAMES[dt]}")
    return rng.integers(low, high, shape, dtype=np.int64).astype(dt.np)


def _int_arg(x, name, position):
    if isinstance(x, Tensor) and x._data.size == 1:
        x = x.item()
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(
            f"randint(): argument '{name}' (position {position}) must be int, not "
            f"{type(x).__name__}"
        )
    return int(x)


def _randint_args(low, high, size):
    # randint(high, size) and randint(low, high, size): PyTorch's two overloads.
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    elif size is None and high is not None:
        size = high
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            "randint(): argument 'size' (position 2) must be tuple of ints, not "
            f"{type(size).__name__}"
        )
    return _int_arg(low, "low", 1), _int_arg(high, "high", 2), size


def randint(
    low=0,
    high=None,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """Integers uniform in [low, high); int64 unless ``dtype`` is given."""
    xp = _module(device)
    low, high, size = _randint_args(low, high, size)
    dt = _dtype.as_dtype(dtype) or (out.dtype if out is not None else _dtype.int64)
    array = _random_ints(_rng(generator), _size((size,), "randint"), dt, low, high)
    return _emit(to_module(xp, array), out, requires_grad, "randint")


def randperm(
    n,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A random permutation of ``0 .. n-1``."""
    xp = _module(device)
    (n,) = _size((n,), "randperm")
    dt = _dtype.as_dtype(dtype) or (out.dtype if out is not None else _dtype.int64)
    array = _rng(generator).permutation(n).astype(dt.np)
    return _emit(to_module(xp, array), out, requires_grad, "randperm")


def rand_like(
    input,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """Uniform samples from [0, 1) shaped like ``input``."""
    xp = _module(device, input)
    dt = _dtype.as_dtype(dtype) or input.dtype
    return _leaf(to_module(xp, _uniform(_rng(generator), input.shape, dt)), requires_grad)


def randn_like(
    input,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """Standard normal samples shaped like ``input``."""
    xp = _module(device, input)
    dt = _dtype.as_dtype(dtype) or input.dtype
    return _leaf(to_module(xp, _normal(_rng(generator), input.shape, dt)), requires_grad)


def randint_like(
    input,
    low=0,
    high=None,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """Integers uniform in [low, high) shaped like ``input``, in ``input``'s dtype by default."""
    xp = _module(device, input)
    if high is None:
        low, high = 0, low
    dt = _dtype.as_dtype(dtype) or input.dtype
    array = _random_ints(_rng(generator), input.shape, dt, int(low), int(high))
    return _leaf(to_module(xp, array), requires_grad)


# ---- sampling from tensors ------------------------------------------------------------------


class _Sample(Op):
    """A sample recorded in the graph: the forward returns precomputed ``values``; random
    inputs get a zero gradient, as in PyTorch's derivative formulas."""

    backward_name = "SampleBackward0"

    def forward(ctx, *inputs, values):
        ctx.n_inputs = len(inputs)
        return values

    def backward(ctx, grad):
        zero = zeros_like(grad)
        return (zero,) * ctx.n_inputs if ctx.n_inputs > 1 else zero

    def name(self):
        return self.backward_name


def _sample_op(backward_name):
    return type(backward_name, (_Sample,), {"backward_name": backward_name})


_NORMAL_OPS = {kind: _sample_op(f"NormalBackward{kind}") for kind in (1, 2, 3)}
_BernoulliSample = _sample_op("BernoulliBackward0")
_PoissonSample = _sample_op("PoissonBackward0")


def _record(op, inputs, values, out, name):
    """The sample as a tensor (linked to ``inputs`` when they require grad) or into ``out=``."""
    values = to_module(array_module(inputs[0]._data), values)
    if out is not None:
        return _emit(values, out, False, name)
    return op.apply(*inputs, values=values)


def normal(
    mean,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """Normal samples; ``mean`` and ``std`` are tensors (broadcast) or numbers (with ``size``)."""
    xp = _module(device)
    rng = _rng(generator)
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_t or std_t):
        if size is None:
            raise TypeError("normal() missing required argument 'size'")
        _check_std(std)
        dt = _float_dtype(dtype, out)
        values = _normal(rng, _size((size,), "normal"), dt, float(mean), float(std))
        return _emit(to_module(xp, values), out, requires_grad, "normal")
    if std_t:
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    else:
        _check_std(std)
    if mean_t and std_t:
        dt = _dtype.promote_types(mean.dtype, std.dtype)
        shape = np.broadcast_shapes(mean.shape, std.shape)
        kind, inputs = 3, (mean, std)
    elif mean_t:
        dt, shape, kind, inputs = mean.dtype, mean.shape, 1, (mean,)
    else:
        dt, shape, kind, inputs = std.dtype, std.shape, 2, (std,)
    m = mean._data if mean_t else mean
    s = std._data if std_t else std
    z = to_module(array_module(m, s), _normal(rng, shape, dt))
    values = (z * s + m).astype(dt.np, copy=False)
    return _record(_NORMAL_OPS[kind], inputs, values, out, "normal")


def _check_probabilities(p):
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples with probabilities ``input`` (or the number ``p``), in ``input``'s dtype."""
    rng = _rng(generator)
    if p is not None:
        _check_p_float(p, "bernoulli_")
        prob = p
    else:
        if not input.is_floating_point():
            raise _not_implemented("bernoulli_tensor_cpu_p_", input.dtype)
        prob = input._data
        _check_probabilities(prob)
    u = to_module(array_module(input._data), rng.random(input.shape))
    values = (u < prob).astype(input._data.dtype)
    return _record(_BernoulliSample, (input,), values, out, "bernoulli")


def poisson(input, generator=None):
    """Poisson samples with rates ``input``."""
    if not input.is_floating_point():
        raise _not_implemented("poisson_cpu", input.dtype)
    rate = input._data
    if rate.size and not (rate >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    # The host generator reads the rates on the host (Note [random on devices]).
    values = _rng(generator).poisson(to_host(rate).astype(np.float64))
    values = to_module(array_module(rate), values).astype(rate.dtype)
    return _PoissonSample.apply(input, values=values)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices sampled from the rows of ``input`` (non-negative weights); int64."""
    if not input.is_floating_point():
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: "
            f"{SCALAR_NAMES[input.dtype]}"
        )
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    xp = array_module(input._data)
    w = input._data.astype(xp.float64).reshape(-1, input.shape[-1])
    n = w.shape[1]
    if not replacement and num_samples > n:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if not xp.isfinite(w).all() or (w < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    total = w.sum(axis=1, keepdims=True)
    if (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        cdf = xp.cumsum(w / total, axis=1)
        u = to_module(xp, rng.random((w.shape[0], num_samples)))
        idx = xp.stack([xp.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
        idx = xp.minimum(idx, n - 1)
    else:
        # Sampling without replacement: the largest w / E with E ~ Exp(1) come out in the
        # order sequential draws would give (the exponential race).
        keys = w / to_module(xp, rng.standard_exponential(w.shape))
        idx = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    idx = idx.astype(xp.int64).reshape(input.shape[:-1] + (num_samples,))
    return _emit(idx, out, False, "multinomial")


# ---- in-place fills -------------------------------------------------------------------------


def _check_p_float(p, name):
    if not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={_fmt(p)}")


def _overwrite(self, values, op_name, method):
    """Write ``values`` (an array or a number) into ``self`` in place, recorded as PyTorch
    records the fill."""
    xp = array_module(self._data)
    if isinstance(values, np.ndarray):
        values = to_module(xp, values)  # a host sample (Note [random on devices])
    if not (GRAD.enabled and self._requires_grad):
        # Nothing to record (nn.init runs here, under no_grad): write and bump the version.
        xp.copyto(self._data, values, casting="unsafe")
        self._version.value += 1
        return self
    if not hasattr(values, "shape"):
        values = xp.full(self._data.shape, values, self._data.dtype)
    op = _OVERWRITE_OPS.get(op_name)
    if op is None:
        op = _OVERWRITE_OPS[op_name] = _sample_op(op_name)

    def fill(x):
        return op.apply(x, values=values)

    fill.__name__ = method  # named in inplace's error messages
    return inplace(fill, self)


_OVERWRITE_OPS = {}


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with uniform samples from [from, to)."""
    from_ = kwargs.pop("from", from_)
    if from_ > to:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={_fmt(from_)} > "
            f"to={_fmt(to)}"
        )
    rng, low, high = _rng(generator), float(from_), float(to)
    if _fills_in_place(self):
        _uniform(rng, None, self.dtype, low, high, out=self._data)
        self._version.value += 1
        return self
    values = _uniform(rng, self.shape, self.dtype, low, high)
    return _overwrite(self, values, "UniformBackward0", "uniform")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal samples."""
    _check_std(std)
    rng, mean, std = _rng(generator), float(mean), float(std)
    if _fills_in_place(self):
        _normal(rng, None, self.dtype, mean, std, out=self._data)
        self._version.value += 1
        return self
    values = _normal(rng, self.shape, self.dtype, mean, std)
    return _overwrite(self, values, "NormalBackward0", "normal")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples with probability ``p`` (a number or a tensor of probabilities)."""
    rng = _rng(generator)
    if isinstance(p, Tensor):
        _check_probabilities(p._data)
        prob = array_module(p._data).broadcast_to(p._data, self.shape)
        name = "BernoulliBackward1"
    else:
        _check_p_float(p, "bernoulli_")
        prob, name = p, "BernoulliBackward2"
    u = to_module(array_module(self._data), rng.random(self.shape))
    return _overwrite(self, (u < prob).astype(self._data.dtype), name, "bernoulli")


def random_(self, *bounds, generator=None, **kwargs):
    """Fill with integers uniform in [from, to): ``random_(to)`` is [0, to), ``random_(from,
    to)`` is [from, to), and with no bounds the whole range the dtype holds exactly."""
    bounds = list(bounds)
    if "from" in kwargs:
        bounds.insert(0, kwargs.pop("from"))
    if "to" in kwargs:
        bounds = (bounds or [0]) + [kwargs.pop("to")]
    if kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    dt = self.dtype
    # The inclusive top: the dtype's maximum, or 2**mantissa digits for floats.
    top = (1 << _float_digits(dt)) if dt.is_floating_point else _INT_RANGE[dt][1]
    if not bounds:
        low, high, name = 0, top + 1, "RandomBackward2"
    elif len(bounds) == 1:
        low, high, name = 0, int(bounds[0]), "RandomBackward1"
    else:
        low, high, name = int(bounds[0]), bounds[1], "RandomBackward0"
        high = top + 1 if high is None else int(high)
    work = _dtype.int64 if dt.is_floating_point else dt
    values = _random_ints(_rng(generator), self.shape, work, low, high)
    return _overwrite(self, values.astype(dt.np), name, "random")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential samples of rate ``lambd``."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    if not self.is_floating_point():
        raise _not_implemented("exponential_cpu", self.dtype)
    values = _rng(generator).standard_exponential(self.shape) / lambd
    return _overwrite(self, values.astype(self._data.dtype), "ExponentialBackward0", "exponential")


def geometric_(self, p, *, generator=None):
    """Fill with geometric samples (trials until the first success, from 1)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    values = _rng(generator).geometric(p, self.shape)
    return _overwrite(self, values.astype(self._data.dtype), "GeometricBackward0", "geometric")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with samples whose logarithm is normal(mean, std)."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    if not self.is_floating_point():
        raise _not_implemented("log_normal_cpu", self.dtype)
    # Host samples, so host math (Note [random on devices]).
    values = np.exp(_rng(generator).standard_normal(self.shape) * std + mean)
    return _overwrite(self, values.astype(self._data.dtype), "LogNormalBackward0", "log_normal")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy samples."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    if not self.is_floating_point():
        raise _not_implemented("cauchy_cpu", self.dtype)
    values = median + sigma * np.tan(math.pi * (_rng(generator).random(self.shape) - 0.5))
    return _overwrite(self, values.astype(self._data.dtype), "CauchyBackward0", "cauchy")


class _FillTensor(Op):
    """``fill_`` with a 0-d tensor value: differentiable with respect to the value."""

    def forward(ctx, x, value):
        out = ctx.xp.empty(x.shape, dtype=x.dtype)
        out[...] = value
        return out

    def backward(ctx, grad):
        return zeros_like(grad), grad

    def name(self):
        return "FillBackward3"


def fill_(self, value):
    """Fill with ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.dim()} dimensions."
            )

        def fill(x, v):
            return _FillTensor.apply(x, v)

        fill.__name__ = "fill"

        return inplace(fill, self, value)
    return _overwrite(self, value, "FillBackward2", "fill")


def zero_(self):
    """Fill with zeros."""
    return _overwrite(self, 0, "ZeroBackward0", "zero")
