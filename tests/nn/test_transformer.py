"""Transformer layers, stacks and the full model against PyTorch: outputs, input and parameter
gradients in float64 with masks, norm_first, gelu, batch_first; state_dict keys and repr."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.nn_oracle import check_module

RNG = np.random.default_rng(0)
D, H, FF = 8, 2, 16


def arr(*shape):
    return RNG.standard_normal(shape)


def _pair(name, *args, **kwargs):
    # dropout=0 keeps both frameworks deterministic; the oracle runs in train mode, which also
    # keeps PyTorch off its inference fast path (which zeroes padded positions).
    kwargs.setdefault("dropout", 0.0)
    return getattr(ember.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


def _causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


ENCODER_CASES = [
    {},
    {"norm_first": True},
    {"activation": "gelu"},
    {"batch_first": True},
    {"bias": False},
]


@pytest.mark.parametrize("kwargs", ENCODER_CASES, ids=str)
def test_encoder_layer_matches_torch(kwargs):
    e, t = _pair("TransformerEncoderLayer", D, H, FF, **kwargs)
    src = arr(3, 5, D) if kwargs.get("batch_first") else arr(5, 3, D)
    check_module(e, t, src)


def test_encoder_layer_masks_match_torch():
    e, t = _pair("TransformerEncoderLayer", D, H, FF)
    padding = np.zeros((3, 5), bool)
    padding[1, 3:] = True
    check_module(e, t, arr(5, 3, D), kwargs={"src_mask": _causal(5)})
    check_module(e, t, arr(5, 3, D), kwargs={"src_key_padding_mask": padding})
    check_module(e, t, arr(5, 3, D), kwargs={"src_mask": _causal(5), "is_causal": True})


@pytest.mark.parametrize("kwargs", ENCODER_CASES[:3], ids=str)
def test_decoder_layer_matches_torch(kwargs):
    e, t = _pair("TransformerDecoderLayer", D, H, FF, **kwargs)
    memory_padding = np.zeros((3, 6), bool)
    memory_padding[0, 4:] = True
    check_module(
        e,
        t,
        arr(5, 3, D),
        arr(6, 3, D),
        kwargs={"tgt_mask": _causal(5), "memory_key_padding_mask": memory_padding},
    )


def test_encoder_and_decoder_stacks_match_torch():
    e_layer, t_layer = _pair("TransformerEncoderLayer", D, H, FF)
    e = ember.nn.TransformerEncoder(e_layer, 2, norm=ember.nn.LayerNorm(D))
    t = torch.nn.TransformerEncoder(t_layer, 2, norm=torch.nn.LayerNorm(D))
    check_module(e, t, arr(5, 3, D), kwargs={"mask": _causal(5)})
    e_layer, t_layer = _pair("TransformerDecoderLayer", D, H, FF)
    e = ember.nn.TransformerDecoder(e_layer, 2)
    t = torch.nn.TransformerDecoder(t_layer, 2)
    check_module(e, t, arr(4, 3, D), arr(5, 3, D), kwargs={"tgt_mask": _causal(4)})


def test_transformer_matches_torch():
    kw = {"num_encoder_layers": 2, "num_decoder_layers": 1, "dim_feedforward": FF}
    e, t = _pair("Transformer", D, H, **kw)
    mask = ember.nn.Transformer.generate_square_subsequent_mask(4)
    np.testing.assert_array_equal(
        mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    )
    check_module(e, t, arr(6, 2, D), arr(4, 2, D), kwargs={"tgt_mask": _causal(4)})


def test_transformer_batch_first_unbatched_input():
    e, t = _pair("Transformer", D, H, num_encoder_layers=1, num_decoder_layers=1, batch_first=True)
    check_module(e, t, arr(6, D), arr(4, D))


def test_state_dict_keys_and_repr_match_torch():
    e, t = _pair("Transformer", D, H, num_encoder_layers=2, num_decoder_layers=2)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in t.state_dict().items()
    ]
    assert repr(e) == repr(t)


def test_transformer_default_init_is_xavier_uniform():
    ember.manual_seed(0)
    e = ember.nn.Transformer(16, 2, 1, 1, dim_feedforward=64)
    w = e.encoder.layers[0].linear1.weight
    bound = np.sqrt(6.0 / (16 + 64))
    assert np.abs(w.detach().numpy()).max() <= bound
    assert np.abs(w.detach().numpy()).max() > 0.9 * bound


def test_mismatched_batch_raises_like_torch():
    e, t = _pair("Transformer", D, H, num_encoder_layers=1, num_decoder_layers=1)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        t(torch.zeros(5, 2, D), torch.zeros(4, 3, D))
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        e(ember.zeros(5, 2, D), ember.zeros(4, 3, D))
    with pytest.raises(RuntimeError, match="must be equal to d_model"):
        e(ember.zeros(5, 2, D + 1), ember.zeros(4, 2, D + 1))
