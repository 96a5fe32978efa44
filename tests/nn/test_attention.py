"""scaled_dot_product_attention, MultiheadAttention and the Transformer stack against PyTorch."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing.nn_oracle import check_module

RNG = np.random.default_rng(1)


def arr(*shape):
    return RNG.standard_normal(shape)


def _sdpa_case(T, q, k, v, mask=None, **kw):
    args = [T.tensor(a, requires_grad=True) for a in (q, k, v)]
    m = None if mask is None else T.tensor(mask)
    out = T.nn.functional.scaled_dot_product_attention(*args, attn_mask=m, **kw)
    (out * T.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)))).sum().backward()
    return [out] + [a.grad for a in args]


@pytest.mark.parametrize(
    "mask,kw",
    [
        (None, {}),
        (None, {"is_causal": True}),
        ("bool", {}),
        ("float", {"scale": 0.3}),
    ],
)
def test_scaled_dot_product_attention_matches_torch(mask, kw):
    q, k, v = arr(2, 3, 4, 5), arr(2, 3, 6, 5), arr(2, 3, 6, 7)
    m = None
    if mask == "bool":
        m = RNG.random((4, 6)) > 0.3
        m[:, 0] = True  # every row keeps one key, so no row is all -inf
    elif mask == "float":
        m = arr(4, 6)
    for e, t in zip(_sdpa_case(ember, q, k, v, m, **kw), _sdpa_case(torch, q, k, v, m, **kw)):
        assert_close(e, t)


def test_sdpa_grouped_query_attention():
    q, k, v = arr(1, 4, 3, 5), arr(1, 2, 3, 5), arr(1, 2, 3, 5)
    e = _sdpa_case(ember, q, k, v, enable_gqa=True)
    t = _sdpa_case(torch, q, k, v, enable_gqa=True)
    for a, b in zip(e, t):
        assert_close(a, b)


MHA_CASES = [
    ({}, {}),
    ({"batch_first": True}, {}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {}),
    ({"kdim": 3, "vdim": 5}, {}),
    ({"bias": False}, {"average_attn_weights": False}),
    ({}, {"need_weights": False}),
]


@pytest.mark.parametrize("ctor,call", MHA_CASES, ids=str)
def test_multihead_attention_matches_torch(ctor, call):
    e = ember.nn.MultiheadAttention(8, 2, **ctor)
    t = torch.nn.MultiheadAttention(8, 2, **ctor)
    kdim, vdim = ctor.get("kdim", 8), ctor.get("vdim", 8)
    if ctor.get("batch_first"):
        q, k, v = arr(3, 4, 8), arr(3, 6, kdim), arr(3, 6, vdim)
    else:
        q, k, v = arr(4, 3, 8), arr(6, 3, kdim), arr(6, 3, vdim)
    check_module(e, t, q, k, v, kwargs=call)


def test_multihead_attention_masks_and_unbatched():
    e, t = ember.nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)
    kpm = np.array([[False, False, True, False, False, True]] * 3)
    attn_mask = RNG.random((4, 6)) > 0.7
    attn_mask[:, 0] = False
    check_module(
        e,
        t,
        arr(4, 3, 8),
        arr(6, 3, 8),
        arr(6, 3, 8),
        kwargs={"key_padding_mask": kpm, "attn_mask": attn_mask},
    )
    check_module(
        e, t, arr(4, 3, 8), arr(6, 3, 8), arr(6, 3, 8), kwargs={"attn_mask": arr(6, 4, 6)}
    )  # per-head 3-D float mask (N*H, L, S)
    check_module(e, t, arr(4, 8), arr(6, 8), arr(6, 8))


def test_multihead_attention_state_dict_and_repr():
    e, t = (
        ember.nn.MultiheadAttention(8, 2, add_bias_kv=True),
        torch.nn.MultiheadAttention(8, 2, add_bias_kv=True),
    )
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    with pytest.raises(AssertionError, match="divisible"):
        ember.nn.MultiheadAttention(8, 3)
