"""Activation layers: thin Modules over ember.nn.functional's activations."""

from ember import ops
from ember.nn import init
from ember.nn._functional import activation as F
from ember.nn._functional.attention import multi_head_attention_forward
from ember.nn.modules.linear import NonDynamicallyQuantizableLinear
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter

__all__ = [
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Hardswish",
    "Hardsigmoid",
    "Hardtanh",
    "Sigmoid",
    "Tanh",
    "Softplus",
    "Softsign",
    "Tanhshrink",
    "Threshold",
    "GLU",
    "LogSigmoid",
    "Softmax",
    "LogSoftmax",
    "Softmin",
    "Hardshrink",
    "Softshrink",
    "RReLU",
    "MultiheadAttention",
]


def _inplace_repr(inplace):
    return "inplace=True" if inplace else ""


class _Inplace(Module):
    """An activation with only an ``inplace`` flag."""

    _fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class _Plain(Module):
    """An activation without arguments."""

    _fn = None

    def forward(self, input):
        return type(self)._fn(input)


class ReLU(_Inplace):
    """``max(x, 0)``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.

    Example::

        >>> import ember
        >>> ember.nn.ReLU()(ember.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    _fn = staticmethod(F.relu)


class ReLU6(Module):
    """``min(max(x, 0), 6)``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.min_val, self.max_val, self.inplace = 0.0, 6.0, inplace

    def forward(self, input):
        return F.relu6(input, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class SELU(_Inplace):
    """Scaled ELU with the self-normalising constants.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.selu)


class SiLU(_Inplace):
    """``x * sigmoid(x)``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.silu)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.mish)


class Hardswish(_Inplace):
    """``x * relu6(x + 3) / 6``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.hardswish)


class Hardsigmoid(_Inplace):
    """``relu6(x + 3) / 6``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.hardsigmoid)


class Sigmoid(_Plain):
    """``1 / (1 + exp(-x))``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.sigmoid)


class Tanh(_Plain):
    """Hyperbolic tangent.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.tanh)


class Softsign(_Plain):
    """``x / (1 + |x|)``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.softsign)


class Tanhshrink(_Plain):
    """``x - tanh(x)``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.tanhshrink)


class LogSigmoid(_Plain):
    """``log(sigmoid(x))``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.logsigmoid)


class LeakyReLU(Module):
    """``x`` above 0, ``negative_slope * x`` below.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        extra = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{extra}"


class PReLU(Module):
    """Leaky relu with a learned slope (one, or one per channel).

    ``num_parameters`` is 1 or the number of channels (dim 1 of the input).

    Shape:
        - Input: ``(*)``, channels at dim 1 when ``num_parameters > 1``.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(ops.empty((num_parameters,), device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Every slope starts at ``init``."""
        from ember.nn.init import constant_

        constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _Alpha(Module):
    _fn = None

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.alpha, self.inplace)

    def extra_repr(self):
        extra = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{extra}"


class ELU(_Alpha):
    """``x`` above 0, ``alpha * (exp(x) - 1)`` below.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.elu)


class CELU(_Alpha):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.celu)


class GELU(Module):
    """``x * Phi(x)`` (or its tanh approximation).

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Hardtanh(Module):
    """Clamp to ``[min_val, max_val]``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if max_val <= min_val:
            raise ValueError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        extra = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{extra}"


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        extra = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{extra}"


class GLU(Module):
    """First half of ``dim`` times sigmoid of the second half.

    Shape:
        - Input: ``(*, N, *)`` with ``N`` even at ``dim``.
        - Output: ``(*, N / 2, *)``.
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _SoftmaxBase(Module):
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """``exp(x) / exp(x).sum(dim)``.

    Shape:
        - Input: ``(*)``, any number of dims; ``dim`` is normalised.
        - Output: ``(*)``, the shape of the input.

    Example::

        >>> import ember
        >>> ember.nn.Softmax(dim=1)(ember.zeros(2, 4))
        tensor([[0.2500, 0.2500, 0.2500, 0.2500],
                [0.2500, 0.2500, 0.2500, 0.2500]])
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxBase):
    """``log(softmax(x))``.

    Shape:
        - Input: ``(*)``, any number of dims; ``dim`` is normalised.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.log_softmax)


class Softmin(_SoftmaxBase):
    """``softmax(-x)``.

    Shape:
        - Input: ``(*)``, any number of dims; ``dim`` is normalised.
        - Output: ``(*)``, the shape of the input.
    """

    _fn = staticmethod(F.softmin)


class Hardshrink(Module):
    """``x`` where ``|x| > lambd``, else 0.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """Shrink towards 0 by ``lambd``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class RReLU(Module):
    """Randomised leaky relu (mean slope in eval).

    Shape:
        - Input: ``(*)``, any number of dims.
        - Output: ``(*)``, the shape of the input.
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        extra = ", inplace=True" if self.inplace else ""
        return f"lower={self.lower}, upper={self.upper}{extra}"


class MultiheadAttention(Module):
    """Multi-head attention: ``attn(Q W_q, K W_k, V W_v) W_o`` over ``num_heads`` heads.

    Shape:
        - query: ``(L, E)`` unbatched, ``(L, N, E)``, or ``(N, L, E)`` with ``batch_first``;
          key: ``(S, kdim)`` / ``(S, N, kdim)`` / ``(N, S, kdim)``; value likewise with ``vdim``.
        - key_padding_mask: ``(S)`` or ``(N, S)``; attn_mask: ``(L, S)`` or
          ``(N * num_heads, L, S)``.
        - attn_output: the query's layout with ``E`` features; attn_weights: ``(N, L, S)``
          averaged over heads, ``(N, num_heads, L, S)`` with ``average_attn_weights=False``
          (no ``N`` when unbatched).

    Example::

        >>> import ember
        >>> mha = ember.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
        >>> x = ember.randn(3, 5, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (ember.Size([3, 5, 8]), ember.Size([3, 5, 5]))
    """

    def __init__(
        self,
        embed_dim,
        num_heads,
        dropout=0.0,
        bias=True,
        add_bias_kv=False,
        add_zero_attn=False,
        kdim=None,
        vdim=None,
        batch_first=False,
        device=None,
        dtype=None,
    ):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                f"num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        kw = {"device": device, "dtype": dtype}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(ops.empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(ops.empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(ops.empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(ops.empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(ops.empty((3 * embed_dim,), **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(ops.empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(ops.empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query,
        key,
        value,
        key_padding_mask=None,
        need_weights=True,
        attn_mask=None,
        average_attn_weights=True,
        is_causal=False,
    ):
        """Returns ``(attn_output, attn_weights)``; weights are None unless ``need_weights``."""
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        out, weights = multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )
        if self.batch_first and batched:
            out = out.transpose(0, 1)
        return out, weights
