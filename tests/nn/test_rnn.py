"""RNN, LSTM, GRU, their cells and nn.utils.rnn against PyTorch (float64, same weights)."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing.nn_oracle import check_module, to_ember

RNG = np.random.default_rng(0)


def seq(*shape):
    return RNG.standard_normal(shape)


LAYERS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "bidirectional": True}),
    ("GRU", {"num_layers": 2}),
    ("GRU", {"bidirectional": True, "bias": False}),
]


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=[f"{n}-{k}" for n, k in LAYERS])
def test_recurrent_layer_matches_torch(name, kwargs):
    e = getattr(ember.nn, name)(3, 4, **kwargs)
    t = getattr(torch.nn, name)(3, 4, **kwargs)
    check_module(e, t, seq(5, 2, 3))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_batch_first_and_initial_state(name):
    e = getattr(ember.nn, name)(3, 4, num_layers=2, batch_first=True)
    t = getattr(torch.nn, name)(3, 4, num_layers=2, batch_first=True)
    h0 = seq(2, 2, 4)
    state = (h0, seq(2, 2, 4)) if name == "LSTM" else h0
    # check_module converts only top-level arrays; pass the state through a wrapper.
    e_mod, t_mod = _StateWrapper(e, ember), _StateWrapper(t, torch)
    if name == "LSTM":
        check_module(e_mod, t_mod, seq(2, 5, 3), state[0], state[1])
    else:
        check_module(e_mod, t_mod, seq(2, 5, 3), state)


def _wrapper(T):
    class Wrapper(T.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x, h, c=None):
            return self.inner(x, (h, c) if c is not None else h)

    return Wrapper


def _StateWrapper(module, T):
    return _wrapper(T)(module)


def test_unbatched_input():
    e, t = ember.nn.GRU(3, 4), torch.nn.GRU(3, 4)
    check_module(e, t, seq(5, 3))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(name):
    e, t = getattr(ember.nn, name)(3, 4), getattr(torch.nn, name)(3, 4)
    check_module(e, t, seq(2, 3))
    check_module(e, t, seq(3))  # unbatched


@pytest.mark.parametrize("name,kwargs", LAYERS[2:5] + LAYERS[5:], ids=str)
def test_packed_sequence_matches_torch(name, kwargs):
    lengths = [5, 3, 2]
    x = seq(5, 3, 3)
    t_mod = getattr(torch.nn, name)(3, 4, **kwargs).double()
    e_mod = getattr(ember.nn, name)(3, 4, **kwargs).double()
    e_mod.load_state_dict({k: to_ember(v) for k, v in t_mod.state_dict().items()})
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    t_out, t_h = t_mod(torch.nn.utils.rnn.pack_padded_sequence(tx, lengths))
    e_out, e_h = e_mod(ember.nn.utils.rnn.pack_padded_sequence(ex, lengths))
    assert_close(e_out.data, t_out.data)
    assert_close(e_out.batch_sizes, t_out.batch_sizes)
    for eh, th in zip(
        e_h if isinstance(e_h, tuple) else [e_h], t_h if isinstance(t_h, tuple) else [t_h]
    ):
        assert_close(eh, th)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out)
    e_pad, e_len = ember.nn.utils.rnn.pad_packed_sequence(e_out)
    assert_close(e_pad, t_pad)
    assert_close(e_len, t_len)
    w = RNG.standard_normal(tuple(t_pad.shape))
    (t_pad * torch.tensor(w)).sum().backward()
    (e_pad * ember.tensor(w)).sum().backward()
    assert_close(ex.grad, tx.grad)


def test_unsorted_packing_round_trip():
    x = seq(4, 5, 3)  # batch_first: 4 sequences of up to 5 steps, lengths not sorted
    lengths = [1, 4, 2, 3]
    results = []
    for T in (ember, torch):
        xt = T.tensor(x, requires_grad=True)
        packed = T.nn.utils.rnn.pack_padded_sequence(
            xt, lengths, batch_first=True, enforce_sorted=False
        )
        padded, out_lengths = T.nn.utils.rnn.pad_packed_sequence(
            packed, batch_first=True, total_length=6
        )
        (padded * T.tensor(np.arange(72.0).reshape(4, 6, 3))).sum().backward()
        results.append((packed.data, packed.sorted_indices, padded, out_lengths, xt.grad))
    for e, t in zip(*results):
        assert_close(e, t)


def test_pad_sequence_and_pack_sequence():
    parts = [seq(4, 2), seq(2, 2), seq(3, 2)]
    for kwargs in (
        {},
        {"batch_first": True, "padding_value": -1.0},
        {"batch_first": True, "padding_side": "left"},
    ):
        e = ember.nn.utils.rnn.pad_sequence([ember.tensor(p) for p in parts], **kwargs)
        t = torch.nn.utils.rnn.pad_sequence([torch.tensor(p) for p in parts], **kwargs)
        assert_close(e, t)
    e = ember.nn.utils.rnn.pack_sequence([ember.tensor(p) for p in parts], enforce_sorted=False)
    t = torch.nn.utils.rnn.pack_sequence([torch.tensor(p) for p in parts], enforce_sorted=False)
    assert_close(e.data, t.data)
    for eu, tu in zip(ember.nn.utils.rnn.unpack_sequence(e), torch.nn.utils.rnn.unpack_sequence(t)):
        assert_close(eu, tu)


def test_state_dict_keys_repr_and_init_bounds():
    e = ember.nn.LSTM(3, 8, 2, bidirectional=True, proj_size=2)
    t = torch.nn.LSTM(3, 8, 2, bidirectional=True, proj_size=2)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    for name in ("RNN", "GRU"):
        assert repr(
            getattr(ember.nn, name)(3, 4, batch_first=True, dropout=0.5, num_layers=2)
        ) == repr(getattr(torch.nn, name)(3, 4, batch_first=True, dropout=0.5, num_layers=2))
    assert repr(ember.nn.GRUCell(3, 4, bias=False)) == repr(torch.nn.GRUCell(3, 4, bias=False))
    bound = 1 / np.sqrt(8)
    for p in e.parameters():
        assert np.abs(p._data).max() <= bound


def test_errors_match_torch():
    e = ember.nn.LSTM(10, 20, 2)
    with pytest.raises(
        RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 10, got 7"
    ):
        e(ember.randn(5, 3, 7))
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
        e(ember.randn(5, 3, 2, 10))
    with pytest.raises(
        RuntimeError, match=r"Expected hidden\[0\] size \(2, 3, 20\), got \[2, 4, 20\]"
    ):
        e(ember.randn(5, 3, 10), (ember.randn(2, 4, 20), ember.randn(2, 3, 20)))
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        ember.nn.LSTM(3, 4, proj_size=4)


def test_dropout_between_layers_only_in_training():
    ember.manual_seed(0)
    m = ember.nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = ember.randn(5, 2, 3)
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    assert_close(a, b)
    m.train()
    c, _ = m(x)
    assert not np.allclose(a._data, c._data)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_double_backward_through_recurrent_layer_matches_torch(name):
    # A gradient penalty: the fused cells' backward must itself be differentiable.
    from ember.testing.nn_oracle import torch_state_to_ember

    t = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=True).double()
    e = getattr(ember.nn, name)(3, 4, num_layers=2, bidirectional=True).double()
    e.load_state_dict(torch_state_to_ember(t.state_dict()))
    x = seq(5, 2, 3)
    grads = []
    for T, m in ((ember, e), (torch, t)):
        xi = T.tensor(x, requires_grad=True)
        (g,) = T.autograd.grad((m(xi)[0] ** 2).sum(), xi, create_graph=True)
        (g**2).sum().backward()
        grads.append([p.grad for p in m.parameters()])
    for e_grad, t_grad in zip(*grads):
        assert_close(e_grad, t_grad, rtol=1e-7, atol=1e-10)
