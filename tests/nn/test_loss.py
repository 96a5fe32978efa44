"""Every loss, every reduction and option, against torch (values and gradients)."""

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.oracle import Sample, check_against_torch

RNG = np.random.default_rng(1)
REDUCTIONS = ["none", "mean", "sum"]
A = RNG.standard_normal((4, 3))
B = RNG.standard_normal((4, 3))
PROBS = 1 / (1 + np.exp(-A))
LABELS01 = (RNG.random((4, 3)) > 0.5).astype(np.float64)
SIGNS = np.where(RNG.random(4) > 0.5, 1.0, -1.0)
SIGNS43 = np.where(RNG.random((4, 3)) > 0.5, 1.0, -1.0)
LOGITS = RNG.standard_normal((5, 4))
IDX = np.array([0, 3, 1, 3, 2])
LOGITS_ND = RNG.standard_normal((2, 4, 3, 2))
IDX_ND = RNG.integers(0, 4, (2, 3, 2))
CLASS_W = np.array([0.5, 2.0, 1.0, 0.25])


def _check(fn, *args, grad=None, dtype="float64"):
    check_against_torch(fn, Sample(tuple(args), grad=grad), dtype)


def F(T):
    return T.nn.functional


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(reduction):
    r = {"reduction": reduction}
    _check(lambda T, a, b: F(T).mse_loss(a, b, **r), A, B)
    _check(lambda T, a, b: F(T).l1_loss(a, b, **r), A, B)
    _check(lambda T, a, b: F(T).smooth_l1_loss(a, b, **r), A, B)
    _check(lambda T, a, b: F(T).smooth_l1_loss(a, b, beta=0.3, **r), A, B)
    _check(lambda T, a, b: F(T).smooth_l1_loss(a, b, beta=0.0, **r), A, B)
    _check(lambda T, a, b: F(T).huber_loss(a, b, **r), A, B)
    _check(lambda T, a, b: F(T).huber_loss(a, b, delta=0.4, **r), A, B)
    w = RNG.random((4, 3))
    _check(lambda T, a, b, w: F(T).mse_loss(a, b, weight=w, **r), A, B, w, grad=(0, 1))
    _check(lambda T, a, b, w: F(T).l1_loss(a, b, weight=w, **r), A, B, w, grad=(0, 1))
    _check(lambda T, a, b, w: F(T).huber_loss(a, b, weight=w, **r), A, B, w, grad=(0, 1))
    _check(lambda T, a, b: F(T).mse_loss(a, b, **r), A.astype(np.float32), B, dtype="float32")


def test_regression_losses_legacy_args_and_errors():
    with pytest.warns(UserWarning):
        _check(lambda T, a, b: F(T).mse_loss(a, b, size_average=False), A, B)
    with pytest.warns(UserWarning):
        _check(lambda T, a, b: F(T).l1_loss(a, b, reduce=False), A, B)
    for T in (ember, torch):
        with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
            F(T).mse_loss(T.ones(2), T.ones(2), reduction="foo")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_class_indices(reduction):
    r = {"reduction": reduction}
    _check(lambda T, x, t: F(T).cross_entropy(x, t, **r), LOGITS, IDX)
    _check(
        lambda T, x, t, w: F(T).cross_entropy(x, t, weight=w, **r), LOGITS, IDX, CLASS_W, grad=(0,)
    )
    _check(lambda T, x, t: F(T).cross_entropy(x, t, ignore_index=3, **r), LOGITS, IDX)
    _check(
        lambda T, x, t, w: F(T).cross_entropy(x, t, w, ignore_index=0, **r),
        LOGITS,
        IDX,
        CLASS_W,
        grad=(0,),
    )
    _check(lambda T, x, t: F(T).cross_entropy(x, t, label_smoothing=0.2, **r), LOGITS, IDX)
    _check(
        lambda T, x, t, w: F(T).cross_entropy(x, t, w, ignore_index=1, label_smoothing=0.1, **r),
        LOGITS,
        IDX,
        CLASS_W,
        grad=(0,),
    )
    _check(lambda T, x, t: F(T).cross_entropy(x, t, **r), LOGITS_ND, IDX_ND)
    _check(
        lambda T, x, t, w: F(T).cross_entropy(x, t, w, ignore_index=2, **r),
        LOGITS_ND,
        IDX_ND,
        CLASS_W,
        grad=(0,),
    )
    _check(lambda T, x, t: F(T).cross_entropy(x, t, **r), LOGITS[0], np.array(2))
    _check(
        lambda T, x, t: F(T).cross_entropy(x, t, **r),
        LOGITS.astype(np.float32),
        IDX,
        dtype="float32",
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities(reduction):
    r = {"reduction": reduction}
    p = np.exp(B) / np.exp(B).sum(1, keepdims=True)
    _check(lambda T, x, p: F(T).cross_entropy(x, p, **r), A, p)
    _check(lambda T, x, p, w: F(T).cross_entropy(x, p, w, **r), A, p, CLASS_W[:3], grad=(0, 1))
    _check(lambda T, x, p: F(T).cross_entropy(x, p, label_smoothing=0.3, **r), A, p)
    pn = RNG.random(LOGITS_ND.shape)
    _check(lambda T, x, p: F(T).cross_entropy(x, p, **r), LOGITS_ND, pn)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    r = {"reduction": reduction}
    _check(lambda T, x, t: F(T).nll_loss(x, t, **r), LOGITS, IDX)
    _check(
        lambda T, x, t, w: F(T).nll_loss(x, t, w, ignore_index=3, **r),
        LOGITS,
        IDX,
        CLASS_W,
        grad=(0,),
    )
    _check(lambda T, x, t: F(T).nll_loss(x, t, **r), LOGITS_ND, IDX_ND)
    _check(lambda T, x, t: F(T).nll_loss(x, t, **r), LOGITS[1], np.array(0))


def test_cross_entropy_all_ignored_is_nan_like_torch():
    t = np.full(5, -100)
    _check(lambda T, x, t: F(T).cross_entropy(x, t), LOGITS, t)
    _check(lambda T, x, t: F(T).nll_loss(x, t, reduction="sum"), LOGITS, t)


def test_cross_entropy_gradcheck_and_double_backward():
    x = ember.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    t = ember.tensor([1, 0, 3])
    w = ember.tensor(CLASS_W)
    for kwargs in (
        {},
        {"weight": w},
        {"reduction": "none"},
        {"label_smoothing": 0.2},
        {"ignore_index": 0, "reduction": "sum"},
    ):
        fn = lambda x, kw=kwargs: ember.nn.functional.cross_entropy(x, t, **kw)  # noqa: E731
        assert gradcheck(fn, (x,))
        assert gradgradcheck(fn, (x,))
    assert gradgradcheck(lambda x: ember.nn.functional.nll_loss(x, t, w), (x,))


def test_cross_entropy_errors_match_torch():
    cases = [
        lambda T: F(T).cross_entropy(T.ones(3, 4), T.tensor([0, 1])),
        lambda T: F(T).cross_entropy(T.ones(3, 4), T.tensor([0, 1, 5])),
        lambda T: F(T).nll_loss(T.ones(3, 4), T.tensor([0, -1, 2])),
        lambda T: F(T).nll_loss(T.ones(3, 4), T.tensor([0, 1, 2], dtype=T.int32)),
        lambda T: F(T).nll_loss(T.ones(3, 4, 5), T.tensor([0, 1, 2])),
        lambda T: F(T).nll_loss(T.ones(3, 4), T.tensor([0, 1, 2]), weight=T.ones(3)),
        lambda T: F(T).cross_entropy(T.ones(3, 4), T.ones(3, 5)),
        lambda T: F(T).cross_entropy(T.ones(3, 4), T.ones(3, 4) / 4, ignore_index=1),
    ]
    for case in cases:
        got = []
        for T in (ember, torch):
            with pytest.raises(Exception) as info:
                case(T)
            got.append((type(info.value), str(info.value)))
        assert got[0] == got[1]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    r = {"reduction": reduction}
    _check(lambda T, p, y: F(T).binary_cross_entropy(p, y, **r), PROBS, LABELS01)
    _check(lambda T, p, y: F(T).binary_cross_entropy(p, y, **r), PROBS, RNG.random((4, 3)))
    w = RNG.random((4, 3))
    _check(
        lambda T, p, y, w: F(T).binary_cross_entropy(p, y, w, **r), PROBS, LABELS01, w, grad=(0, 1)
    )
    edge = np.array([0.0, 1.0, 0.5, 1e-30])
    _check(
        lambda T, p, y: F(T).binary_cross_entropy(p, y, **r),
        edge,
        np.array([0.0, 1.0, 1.0, 0.0]),
        grad=(0,),
    )
    _check(lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y, **r), A * 10, LABELS01)
    pw = np.array([0.5, 2.0, 3.0])
    _check(
        lambda T, x, y, pw: F(T).binary_cross_entropy_with_logits(x, y, pos_weight=pw, **r),
        A,
        LABELS01,
        pw,
        grad=(0, 1),
    )
    _check(
        lambda T, x, y, w: F(T).binary_cross_entropy_with_logits(x, y, w, **r),
        A,
        RNG.random((4, 3)),
        w,
        grad=(0, 1),
    )
    _check(
        lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y, **r),
        np.array([0.0, 800.0, -800.0]),
        np.array([1.0, 0.0, 1.0]),
    )


def test_binary_cross_entropy_errors():
    for T in (ember, torch):
        with pytest.raises(ValueError, match="different to the input size"):
            F(T).binary_cross_entropy(T.ones(3) / 2, T.ones(4))
        with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
            F(T).binary_cross_entropy(T.ones(3) * 2, T.ones(3))
        with pytest.raises(ValueError, match="must be the same as input size"):
            F(T).binary_cross_entropy_with_logits(T.ones(3), T.ones(4))


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
def test_kl_div(reduction):
    logp = A - np.log(np.exp(A).sum(1, keepdims=True))
    q = np.exp(B) / np.exp(B).sum(1, keepdims=True)
    q0 = q.copy()
    q0[0, 0] = 0.0  # a zero target contributes 0 (xlogy); its own gradient is not compared
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(lambda T, x, q: F(T).kl_div(x, q, reduction=reduction), logp, q)
        _check(lambda T, x, q: F(T).kl_div(x, q, reduction=reduction), logp, q0, grad=(0,))
        _check(lambda T, x, q: F(T).kl_div(x, q, reduction=reduction, log_target=True), logp, B)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_and_embedding_losses(reduction):
    r = {"reduction": reduction}
    _check(lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y, **r), A, B, SIGNS)
    _check(lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y, margin=0.2, **r), A, B, SIGNS)
    _check(lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y, **r), A[0], B[0], np.array(-1.0))
    _check(lambda T, a, b, y: F(T).margin_ranking_loss(a, b, y, **r), A[:, 0], B[:, 0], SIGNS)
    _check(
        lambda T, a, b, y: F(T).margin_ranking_loss(a, b, y, margin=0.5, **r),
        A[:, 0],
        B[:, 0],
        SIGNS,
    )
    _check(lambda T, x, y: F(T).hinge_embedding_loss(x, y, **r), A, SIGNS43)
    _check(lambda T, x, y: F(T).hinge_embedding_loss(x, y, margin=2.0, **r), A, SIGNS43)
    _check(lambda T, x, y: F(T).soft_margin_loss(x, y, **r), A, SIGNS43, grad=(0,))
    _check(lambda T, x, y: F(T).multilabel_soft_margin_loss(x, y, **r), A, LABELS01)
    _check(
        lambda T, x, y, w: F(T).multilabel_soft_margin_loss(x, y, w, **r),
        A,
        LABELS01,
        np.array([1.0, 0.5, 2.0]),
        grad=(0, 1),
    )
    n = RNG.standard_normal((4, 3))
    _check(lambda T, a, p, n: F(T).triplet_margin_loss(a, p, n, **r), A, B, n)
    _check(
        lambda T, a, p, n: F(T).triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, **r),
        A,
        B,
        n,
    )
    _check(lambda T, a, p, n: F(T).triplet_margin_with_distance_loss(a, p, n, **r), A, B, n)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_likelihood_losses(reduction):
    r = {"reduction": reduction}
    counts = RNG.integers(0, 5, (4, 3)).astype(np.float64)
    _check(lambda T, x, y: F(T).poisson_nll_loss(x, y, **r), A, counts)
    _check(
        lambda T, x, y: F(T).poisson_nll_loss(x, y, log_input=False, full=True, **r),
        PROBS * 3,
        counts + 0.5,
    )
    var = RNG.random((4, 3)) + 0.1
    _check(lambda T, x, y, v: F(T).gaussian_nll_loss(x, y, v, **r), A, B, var)
    _check(lambda T, x, y, v: F(T).gaussian_nll_loss(x, y, v, full=True, **r), A, B, var[:, :1])
    _check(lambda T, x, y, v: F(T).gaussian_nll_loss(x, y, v, **r), A, B, var[:, 0])
    _check(lambda T, x, y: F(T).gaussian_nll_loss(x, y, 0.5, **r), A, B)
    _check(lambda T, x, y, v: F(T).gaussian_nll_loss(x, y, v, eps=0.5, **r), A, B, var)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, y: ember.nn.functional.mse_loss(x, y),
        lambda x, y: ember.nn.functional.smooth_l1_loss(x, y, beta=0.5),
        lambda x, y: ember.nn.functional.binary_cross_entropy_with_logits(x, y.sigmoid()),
        lambda x, y: ember.nn.functional.binary_cross_entropy(x.sigmoid(), y.sigmoid()),
        lambda x, y: ember.nn.functional.kl_div(x, y.sigmoid(), reduction="batchmean"),
        lambda x, y: ember.nn.functional.soft_margin_loss(x, y),
        lambda x, y: ember.nn.functional.cross_entropy(x, y.softmax(1)),
        lambda x, y: ember.nn.functional.gaussian_nll_loss(x, y, y * y + 0.5),
        lambda x, y: ember.nn.functional.poisson_nll_loss(x, y),
    ],
)
def test_loss_gradcheck(fn):
    x = ember.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    y = ember.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(fn, (x, y))
    assert gradgradcheck(fn, (x, y))


LOSS_MODULES = [
    ("MSELoss", {}),
    ("L1Loss", {"reduction": "sum"}),
    ("SmoothL1Loss", {"beta": 0.5}),
    ("HuberLoss", {"delta": 2.0}),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}),
    ("NLLLoss", {"ignore_index": 1}),
    ("BCELoss", {}),
    ("BCEWithLogitsLoss", {}),
    ("KLDivLoss", {"reduction": "batchmean"}),
    ("CosineEmbeddingLoss", {"margin": 0.1}),
    ("MarginRankingLoss", {}),
    ("TripletMarginLoss", {"p": 1.0}),
    ("HingeEmbeddingLoss", {}),
    ("MultiLabelSoftMarginLoss", {}),
    ("SoftMarginLoss", {}),
    ("PoissonNLLLoss", {}),
    ("GaussianNLLLoss", {"full": True}),
    ("TripletMarginWithDistanceLoss", {}),
]


@pytest.mark.parametrize("name,kwargs", LOSS_MODULES, ids=lambda v: str(v))
def test_loss_module_repr_and_state(name, kwargs):
    e = getattr(ember.nn, name)(**kwargs)
    t = getattr(torch.nn, name)(**kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.reduction == t.reduction


def test_weighted_loss_modules_register_buffers():
    w = np.array([1.0, 2.0, 0.5, 1.0])
    e = ember.nn.CrossEntropyLoss(weight=ember.tensor(w))
    t = torch.nn.CrossEntropyLoss(weight=torch.tensor(w))
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight"]
    e2 = ember.nn.BCEWithLogitsLoss(pos_weight=ember.ones(3))
    t2 = torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))
    assert list(e2.state_dict()) == list(t2.state_dict())
    x, y = ember.tensor(LOGITS, requires_grad=True), ember.tensor(IDX)
    out = e(x, y)
    ref = t(torch.tensor(LOGITS), torch.tensor(IDX))
    assert np.allclose(out.item(), ref.item())


def _ctc_inputs(steps=6, batch=3, classes=5, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((steps, batch, classes))
    targets = rng.integers(1, classes, (batch, 3))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between its copies
    return logits, targets, np.array([6, 5, 4]), np.array([3, 2, 0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_matches_torch(reduction):
    logits, targets, in_len, tgt_len = _ctc_inputs()

    def fn(T, x, tg):
        lp = x.log_softmax(2)
        return F(T).ctc_loss(lp, tg, T.tensor(in_len), T.tensor(tgt_len), reduction=reduction)

    _check(fn, logits, targets)
    flat = np.concatenate([targets[b, : tgt_len[b]] for b in range(3)])

    def fn_flat(T, x, tg):
        lp = x.log_softmax(2)
        return F(T).ctc_loss(lp, tg, tuple(in_len), tuple(tgt_len), blank=0, reduction=reduction)

    _check(fn_flat, logits, flat)


def test_ctc_loss_impossible_alignment_and_zero_infinity():
    logits, targets, _, tgt_len = _ctc_inputs()
    in_len = np.array([2, 5, 4])  # 2 steps cannot emit 3 labels with a repeat

    for zero_infinity in (False, True):

        def fn(T, x, tg, zi=zero_infinity):
            lp = x.log_softmax(2)
            return F(T).ctc_loss(
                lp, tg, T.tensor(in_len), T.tensor(tgt_len), reduction="sum", zero_infinity=zi
            )

        _check(fn, logits, targets)


def test_ctc_loss_module_unbatched_and_double_backward_error():
    logits, targets, in_len, tgt_len = _ctc_inputs()
    e, t = ember.nn.CTCLoss(blank=0), torch.nn.CTCLoss(blank=0)
    assert repr(e) == repr(t)

    def fn(T, x, tg):
        return T.nn.CTCLoss()(x.log_softmax(1), tg, T.tensor(6), T.tensor(3))

    _check(fn, logits[:, 0], targets[0])
    x = ember.tensor(logits, requires_grad=True)
    loss = ember.nn.functional.ctc_loss(
        x.log_softmax(2), ember.tensor(targets), ember.tensor(in_len), ember.tensor(tgt_len)
    )
    (g,) = ember.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss is differentiable only once"):
        g.sum().backward()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_losses(reduction):
    r = {"reduction": reduction}
    x = RNG.standard_normal((5, 4))
    _check(lambda T, x, t: F(T).multi_margin_loss(x, t, **r), x, IDX)
    _check(
        lambda T, x, t, w: F(T).multi_margin_loss(x, t, p=2, margin=0.5, weight=w, **r),
        x,
        IDX,
        CLASS_W,
        grad=(0,),
    )
    _check(lambda T, x, t: F(T).multi_margin_loss(x, t, **r), x[0], np.array(2))
    labels = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 1, 1, 1], [2, 2, -1, 0], [0, -1, 0, 0]])
    _check(lambda T, x, t: F(T).multilabel_margin_loss(x, t, **r), x, labels)
    _check(lambda T, x, t: F(T).multilabel_margin_loss(x, t, **r), x[0], labels[0])
    assert repr(ember.nn.MultiMarginLoss(p=2)) == repr(torch.nn.MultiMarginLoss(p=2))
    assert repr(ember.nn.MultiLabelMarginLoss()) == repr(torch.nn.MultiLabelMarginLoss())
