"""nn.utils.parametrize, parametrizations.weight_norm/spectral_norm and the hook-based
nn.utils.weight_norm/spectral_norm, against PyTorch."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close
from ember.testing.nn_oracle import check_module, to_ember, torch_state_to_ember

RNG = np.random.default_rng(11)


class _Bank:
    """A module with a 3-d weight, so that weight_norm's ``dim`` matters."""

    @staticmethod
    def make(T):
        class Bank(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = T.nn.Parameter(T.randn(3, 4, 2, dtype=T.float64))

            def forward(self, x):
                return x @ self.weight.reshape(3, 8)

        return Bank()


def _pair(make):
    """The same module in ember and torch, ember holding torch's state."""
    t = make(torch).double()
    e = make(ember).double()
    e.load_state_dict(torch_state_to_ember(t.state_dict()))
    return e, t


def _errors(fn_e, fn_t):
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(type(te.value)) as ee:
        fn_e()
    # ember prints its own module name where PyTorch prints torch (ember.Size, ember.float32).
    assert str(ee.value).replace("ember.", "torch.") == str(te.value)


# ---- parametrizations.weight_norm ------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, 2, -2, None])
def test_weight_norm_values_and_grads_match_torch(dim):
    e = ember.nn.utils.parametrizations.weight_norm(_Bank.make(ember), dim=dim)
    t = torch.nn.utils.parametrizations.weight_norm(_Bank.make(torch), dim=dim)
    state = t.state_dict()
    assert list(state) == ["parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert list(e.state_dict()) == list(state)
    for k, v in e.state_dict().items():
        assert tuple(v.shape) == tuple(state[k].shape), k
    check_module(e, t, RNG.standard_normal((2, 3)))


def test_weight_norm_originals_equal_torch_for_same_weight():
    e, t = _pair(lambda T: T.nn.Linear(4, 3))
    ember.nn.utils.parametrizations.weight_norm(e)
    torch.nn.utils.parametrizations.weight_norm(t)
    for k, v in t.state_dict().items():
        assert_close(e.state_dict()[k], v, msg=k)
    assert_close(e.weight, t.weight)


def test_weight_norm_loads_hook_based_checkpoint_keys():
    old = torch.nn.Linear(4, 3).double()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.nn.utils.weight_norm(old)
    state = old.state_dict()
    assert "weight_g" in state
    e = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(4, 3).double())
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(4, 3).double())
    assert repr(e.load_state_dict(torch_state_to_ember(state))) == repr(t.load_state_dict(state))
    assert_close(e.weight, t.weight)


# ---- parametrizations.spectral_norm ----------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1])
def test_spectral_norm_power_iteration_matches_torch_over_steps(dim):
    e, t = _pair(lambda T: T.nn.Linear(5, 4))
    torch.nn.utils.parametrizations.spectral_norm(t, dim=dim)
    ember.nn.utils.parametrizations.spectral_norm(e, n_power_iterations=1, dim=dim)
    assert (
        list(e.state_dict())
        == list(t.state_dict())
        == [
            "bias",
            "parametrizations.weight.original",
            "parametrizations.weight.0._u",
            "parametrizations.weight.0._v",
        ]
    )
    e.load_state_dict(torch_state_to_ember(t.state_dict()))
    x = RNG.standard_normal((2, 5))
    for train in (True, True, False, True):
        e.train(train)
        t.train(train)
        we, wt = e.weight, t.weight
        assert_close(we, wt, rtol=1e-10, atol=1e-12)
        for name in ("_u", "_v"):
            assert_close(
                getattr(e.parametrizations.weight[0], name),
                getattr(t.parametrizations.weight[0], name),
            )
    # Gradients flow through sigma into the original weight.
    check_module(e, t, x, train=True)


def test_spectral_norm_eval_leaves_buffers_and_1d_weight_is_normalized():
    e, t = _pair(lambda T: T.nn.Linear(3, 4))
    torch.nn.utils.parametrizations.spectral_norm(t)
    ember.nn.utils.parametrizations.spectral_norm(e)
    e.load_state_dict(torch_state_to_ember(t.state_dict()))
    e.eval()
    u = e.parametrizations.weight[0]._u.clone()
    assert e.weight.shape == (4, 3)  # computed in eval mode: no power iteration
    assert_close(e.parametrizations.weight[0]._u, u, rtol=0, atol=0)
    eb, tb = _pair(lambda T: T.nn.Linear(3, 4))
    torch.nn.utils.parametrizations.spectral_norm(tb, name="bias")
    ember.nn.utils.parametrizations.spectral_norm(eb, name="bias")
    assert list(eb.state_dict()) == list(tb.state_dict())
    assert_close(eb.bias, tb.bias)


def test_spectral_norm_errors_match_torch():
    sn_e = ember.nn.utils.parametrizations.spectral_norm
    sn_t = torch.nn.utils.parametrizations.spectral_norm
    _errors(
        lambda: sn_e(ember.nn.Linear(2, 2), n_power_iterations=0),
        lambda: sn_t(torch.nn.Linear(2, 2), n_power_iterations=0),
    )
    _errors(lambda: sn_e(ember.nn.Linear(2, 2), dim=2), lambda: sn_t(torch.nn.Linear(2, 2), dim=2))
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'nope'"):
        sn_e(ember.nn.Linear(2, 2), name="nope")


# ---- register_parametrization ----------------------------------------------------------------


def _symmetric(T):
    class Symmetric(T.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

        def right_inverse(self, a):
            return a.triu()

    return Symmetric()


def _rank_one(T):
    class RankOne(T.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, z):
            return z[:, 0].clone(), z[0].clone() / z[0, 0]

    return RankOne()


def _no_inverse(T):
    class Double(T.nn.Module):
        def forward(self, x):
            return 2 * x

    return Double()


def _reshaping(T):
    class Flat(T.nn.Module):
        def forward(self, x):
            return x.reshape(-1)

    return Flat()


def test_parametrize_assignment_chain_and_grads_match_torch():
    e, t = _pair(lambda T: T.nn.Linear(3, 3))
    for lib, m in ((ember, e), (torch, t)):
        lib.nn.utils.parametrize.register_parametrization(m, "weight", _symmetric(lib))
        lib.nn.utils.parametrize.register_parametrization(m, "weight", _symmetric(lib))
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    a = RNG.standard_normal((3, 3))
    e.weight = ember.tensor(a + a.T)
    t.weight = torch.tensor(a + a.T)
    assert_close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    check_module(e, t, RNG.standard_normal((2, 3)))


def test_parametrize_multi_tensor_right_inverse_and_remove():
    e, t = _pair(lambda T: T.nn.Linear(3, 3))
    for lib, m in ((ember, e), (torch, t)):
        lib.nn.utils.parametrize.register_parametrization(m, "weight", _rank_one(lib))
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.parametrizations.weight.original0.requires_grad
    assert_close(e.weight, t.weight)
    _errors(
        lambda: ember.nn.utils.parametrize.remove_parametrizations(e, "weight", False),
        lambda: torch.nn.utils.parametrize.remove_parametrizations(t, "weight", False),
    )
    ember.nn.utils.parametrize.remove_parametrizations(e, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    assert type(e) is ember.nn.Linear
    assert isinstance(e.weight, ember.nn.Parameter) and e.weight.requires_grad
    assert list(e.state_dict()) == list(t.state_dict())
    assert_close(e.weight, t.weight)


@pytest.mark.parametrize("leave", [True, False])
def test_parametrize_remove_keeps_original_identity(leave):
    m = ember.nn.Linear(3, 3)
    original = m.weight
    ember.nn.utils.parametrize.register_parametrization(m, "weight", _symmetric(ember))
    value = m.weight.detach().clone()
    raw = m.parametrizations.weight.original.detach().clone()
    ember.nn.utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized=leave)
    assert m.weight is original
    assert not hasattr(m, "parametrizations")
    assert_close(m.weight.detach(), value if leave else raw, rtol=0, atol=0)


def test_parametrize_safety_checks_match_torch():
    reg_e = ember.nn.utils.parametrize.register_parametrization
    reg_t = torch.nn.utils.parametrize.register_parametrization
    _errors(
        lambda: reg_e(ember.nn.Linear(3, 3), "weight", _reshaping(ember)),
        lambda: reg_t(torch.nn.Linear(3, 3), "weight", _reshaping(torch)),
    )
    e, t = ember.nn.Linear(3, 3), torch.nn.Linear(3, 3)
    reg_e(e, "weight", _symmetric(ember))
    reg_t(t, "weight", _symmetric(torch))
    _errors(
        lambda: reg_e(e, "weight", _reshaping(ember)),
        lambda: reg_t(t, "weight", _reshaping(torch)),
    )
    # unsafe=True accepts the shape change.
    m = reg_e(ember.nn.Linear(3, 3), "weight", _reshaping(ember), unsafe=True)
    assert tuple(m.weight.shape) == (9,)
    _errors(
        lambda: reg_e(ember.nn.Linear(3, 3), "nope", _symmetric(ember)),
        lambda: reg_t(torch.nn.Linear(3, 3), "nope", _symmetric(torch)),
    )
    e, t = ember.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    reg_e(e, "weight", _no_inverse(ember))
    reg_t(t, "weight", _no_inverse(torch))

    def assign(m, lib):
        m.weight = lib.ones(2, 2)

    _errors(lambda: assign(e, ember), lambda: assign(t, torch))
    _errors(
        lambda: ember.nn.utils.parametrize.remove_parametrizations(e, "bias"),
        lambda: torch.nn.utils.parametrize.remove_parametrizations(t, "bias"),
    )


def test_parametrize_buffer_and_type_helpers():
    m = ember.nn.Module()
    m.register_buffer("scale", ember.ones(2, 2))
    ember.nn.utils.parametrize.register_parametrization(m, "scale", _no_inverse(ember))
    assert list(m.state_dict()) == ["parametrizations.scale.original"]
    assert list(m.parameters()) == []
    assert_close(m.scale, 2 * ember.ones(2, 2))
    assert ember.nn.utils.parametrize.type_before_parametrizations(m) is ember.nn.Module
    assert not ember.nn.utils.parametrize.is_parametrized(m, "other")


def test_parametrize_cached_computes_once():
    calls = []

    class Count(ember.nn.Module):
        def forward(self, x):
            calls.append(1)
            return x * 1.0

    m = ember.nn.Linear(2, 2)
    ember.nn.utils.parametrize.register_parametrization(m, "weight", Count())
    calls.clear()
    with ember.nn.utils.parametrize.cached():
        first = m.weight
        with ember.nn.utils.parametrize.cached():
            assert m.weight is first
        assert m.weight is first
    assert len(calls) == 1
    assert m.weight is not first


def test_parametrized_module_refuses_pickle_but_deep_copies():
    e = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(2, 2))
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(2, 2))
    _errors(lambda: pickle.dumps(e), lambda: pickle.dumps(t))
    clone = copy.deepcopy(e)
    assert type(clone).__name__ == "ParametrizedLinear"
    assert clone.parametrizations.weight.original0 is not e.parametrizations.weight.original0
    assert_close(clone.weight, e.weight)


def test_transfer_parametrizations_and_params():
    src = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2))
    dst = ember.nn.Linear(3, 2)
    ember.nn.utils.parametrize.transfer_parametrizations_and_params(src, dst)
    assert list(dst.state_dict()) == list(src.state_dict())
    assert_close(dst.weight, src.weight)


# ---- hook-based nn.utils.weight_norm / spectral_norm -----------------------------------------


@pytest.mark.parametrize("dim", [0, 1, None])
def test_hook_weight_norm_matches_torch_and_removes(dim):
    e, t = ember.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    with pytest.warns(FutureWarning, match="is deprecated"):
        ember.nn.utils.weight_norm(e, dim=dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.nn.utils.weight_norm(t, dim=dim)
    assert list(e.state_dict()) == ["bias", "weight_g", "weight_v"]
    check_module(e, t, RNG.standard_normal((2, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        _errors(lambda: ember.nn.utils.weight_norm(e), lambda: torch.nn.utils.weight_norm(t))
    ember.nn.utils.remove_weight_norm(e)
    torch.nn.utils.remove_weight_norm(t)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert isinstance(e.weight, ember.nn.Parameter)
    assert_close(e.weight, t.weight)
    _errors(
        lambda: ember.nn.utils.remove_weight_norm(e), lambda: torch.nn.utils.remove_weight_norm(t)
    )


def test_hook_spectral_norm_matches_torch_over_steps_and_removes():
    e, t = _pair(lambda T: T.nn.Linear(5, 3))
    ember.nn.utils.spectral_norm(e)
    torch.nn.utils.spectral_norm(t)
    state = t.state_dict()
    assert list(e.state_dict()) == list(state) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert e.state_dict()._metadata[""] == state._metadata[""]
    e.load_state_dict(torch_state_to_ember(state))
    x = RNG.standard_normal((2, 5))
    for train in (True, True, False):
        e.train(train)
        t.train(train)
        out_e = e(ember.tensor(x))
        out_t = t(torch.tensor(x))
        assert_close(out_e, out_t)
        assert_close(e.weight_u, t.weight_u)
        assert_close(e.weight_v, t.weight_v)
    check_module(e, t, x, train=True)
    ember.nn.utils.remove_spectral_norm(e)
    torch.nn.utils.remove_spectral_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert not e._state_dict_hooks and not e._load_state_dict_pre_hooks
    assert_close(e.weight, t.weight)


def test_hook_spectral_norm_upgrades_version_0_checkpoint():
    t = torch.nn.utils.spectral_norm(torch.nn.Linear(4, 3).double())
    t(torch.randn(2, 4, dtype=torch.float64))
    state = t.state_dict()
    del state._metadata[""]["spectral_norm"]
    legacy = {k: v for k, v in state.items() if k != "weight_v"}
    legacy["weight"] = t.weight.detach()
    e = ember.nn.utils.spectral_norm(ember.nn.Linear(4, 3).double())
    e.load_state_dict(torch_state_to_ember(legacy), strict=False)
    t2 = torch.nn.utils.spectral_norm(torch.nn.Linear(4, 3).double())
    t2.load_state_dict(dict(legacy), strict=False)
    assert_close(e.weight_v, t2.weight_v, rtol=1e-6, atol=1e-8)
    assert_close(e.weight_u, to_ember(t2.weight_u))


def test_norms_on_convolutions_match_torch():
    # spectral_norm of a transposed convolution normalises over dim 1 (its output channels).
    x = RNG.standard_normal((1, 2, 4, 4))
    for make, norm in (
        (lambda T: T.nn.ConvTranspose2d(2, 3, 3), "parametrizations.spectral_norm"),
        (lambda T: T.nn.Conv2d(2, 3, 3), "parametrizations.weight_norm"),
        (lambda T: T.nn.ConvTranspose2d(2, 3, 3), "spectral_norm"),
    ):
        e, t = make(ember), make(torch)
        for lib, m in ((ember, e), (torch, t)):
            fn = lib.nn.utils
            for part in norm.split("."):
                fn = getattr(fn, part)
            fn(m)
        if norm == "parametrizations.spectral_norm":
            assert e.parametrizations.weight[0].dim == t.parametrizations.weight[0].dim == 1
        check_module(e, t, x)
