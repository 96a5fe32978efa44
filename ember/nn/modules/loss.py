"""Loss layers: Modules over ember.nn.functional's losses, with PyTorch's buffers."""

from ember.nn._functional import loss as F
from ember.nn._functional.ctc import ctc_loss
from ember.nn._functional.loss import _legacy_reduction
from ember.nn._functional.margin import multi_margin_loss, multilabel_margin_loss
from ember.nn.modules.distance import PairwiseDistance
from ember.nn.modules.module import Module

__all__ = [
    "L1Loss",
    "MSELoss",
    "SmoothL1Loss",
    "HuberLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "KLDivLoss",
    "CosineEmbeddingLoss",
    "MarginRankingLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
    "HingeEmbeddingLoss",
    "MultiLabelSoftMarginLoss",
    "SoftMarginLoss",
    "PoissonNLLLoss",
    "GaussianNLLLoss",
    "CTCLoss",
    "MultiMarginLoss",
    "MultiLabelMarginLoss",
]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _legacy_reduction(size_average, reduce, reduction)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean absolute error.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.

    Example::

        >>> import ember
        >>> loss = ember.nn.MSELoss()
        >>> loss(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 4.0]))
        tensor(2.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, scaled absolute error above.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """Negative log likelihood of class indices given log-probabilities.

    Shape:
        - Input: ``(N, C)``, ``(C)`` or ``(N, C, d_1, ..., d_K)`` log-probabilities.
        - Target: ``(N)``, ``()`` or ``(N, d_1, ..., d_K)`` class indices in ``[0, C)``.
        - Output: a scalar; with ``reduction='none'``, the target's shape.
    """

    def __init__(
        self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or probabilities.

    Shape:
        - Input: ``(N, C)``, ``(C)`` or ``(N, C, d_1, ..., d_K)`` logits.
        - Target: class indices of shape ``(N)``, ``()`` or ``(N, d_1, ..., d_K)``, or class
          probabilities of the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape without ``C``.

    Example::

        >>> import ember
        >>> loss = ember.nn.CrossEntropyLoss()
        >>> logits = ember.randn(4, 10, requires_grad=True)
        >>> out = loss(logits, ember.tensor([1, 0, 9, 3]))
        >>> out.shape
        ember.Size([])
        >>> out.backward()
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index=-100,
        reduce=None,
        reduction="mean",
        label_smoothing=0.0,
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, computed stably.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def __init__(
        self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
    ):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence; ``reduction='batchmean'`` divides by the batch size.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.

    Differences from PyTorch: where the target is 0, the gradient with respect to the target is
    finite (PyTorch's is NaN); values and the gradient with respect to the input agree.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class _MarginLoss(_Loss):
    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin


class CosineEmbeddingLoss(_MarginLoss):
    """``1 - cos`` for target 1, ``max(0, cos - margin)`` for target -1.

    Shape:
        - Input1, Input2: ``(N, D)`` or ``(D)``.
        - Target: ``(N)`` or ``()``, values 1 or -1.
        - Output: a scalar; with ``reduction='none'``, ``(N)`` or ``()``.
    """

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class MarginRankingLoss(_MarginLoss):
    """``max(0, -target * (x1 - x2) + margin)``.

    Shape:
        - Input1, Input2, Target: ``(N)`` or ``()``.
        - Output: a scalar; with ``reduction='none'``, ``(N)`` or ``()``.
    """

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class HingeEmbeddingLoss(_MarginLoss):
    """``x`` for target 1, ``max(0, margin - x)`` for target -1.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """``log(1 + exp(-target * input))``.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over classes.

    Shape:
        - Input: ``(N, C)`` or ``(C)``.
        - Target: the input's shape, 0 or 1 per class.
        - Output: a scalar; with ``reduction='none'``, ``(N)``.
    """

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(
            input, target, weight=self.weight, reduction=self.reduction
        )


class TripletMarginLoss(_Loss):
    """``max(d(a, p) - d(a, n) + margin, 0)``.

    Shape:
        - Anchor, Positive, Negative: ``(N, D)`` or ``(D)``.
        - Output: a scalar; with ``reduction='none'``, ``(N)`` or ``()``.
    """

    def __init__(
        self,
        margin=1.0,
        p=2.0,
        eps=1e-6,
        swap=False,
        size_average=None,
        reduce=None,
        reduction="mean",
    ):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )


class TripletMarginWithDistanceLoss(_Loss):
    """Triplet margin loss with a custom distance (PairwiseDistance by default).

    Shape:
        - Anchor, Positive, Negative: ``(N, *)``, any shape the distance function accepts.
        - Output: a scalar; with ``reduction='none'``, ``(N)``.
    """

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(
                "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got "
                f"{margin} instead"
            )
        self.distance_function = (
            distance_function if distance_function is not None else PairwiseDistance()
        )
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )


class PoissonNLLLoss(_Loss):
    """Negative log likelihood of a Poisson target.

    Shape:
        - Input: ``(*)``, any number of dims.
        - Target: ``(*)``, the shape of the input.
        - Output: a scalar; with ``reduction='none'``, ``(*)``.
    """

    def __init__(
        self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"
    ):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(
            log_input,
            target,
            log_input=self.log_input,
            full=self.full,
            eps=self.eps,
            reduction=self.reduction,
        )


class GaussianNLLLoss(_Loss):
    """Negative log likelihood of a Gaussian target with predicted variance.

    Shape:
        - Input: ``(N, *)`` or ``(*)``.
        - Target: the input's shape.
        - Var: the input's shape, or it with the last dim 1 or dropped (one variance shared).
        - Output: a scalar; with ``reduction='none'``, the input's shape.
    """

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(
            input, target, var, full=self.full, eps=self.eps, reduction=self.reduction
        )


class CTCLoss(_Loss):
    """Connectionist temporal classification loss.

    Shape:
        - Log_probs: ``(T, N, C)`` or ``(T, C)``, log-softmax over ``C`` (blank included).
        - Targets: ``(N, S)`` padded, or ``(sum(target_lengths))`` concatenated.
        - Input_lengths, Target_lengths: ``(N)`` or ``()``.
        - Output: a scalar; with ``reduction='none'``, ``(N)``.

    Differences from PyTorch: differentiable once; differentiating the gradient again raises
    RuntimeError.
    """

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return ctc_loss(
            log_probs,
            targets,
            input_lengths,
            target_lengths,
            self.blank,
            self.reduction,
            self.zero_infinity,
        )


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss.

    Shape:
        - Input: ``(N, C)`` or ``(C)``.
        - Target: ``(N)`` or ``()`` class indices.
        - Output: a scalar; with ``reduction='none'``, ``(N)``.
    """

    def __init__(
        self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"
    ):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(
                f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D "
                "instead"
            )
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return multi_margin_loss(
            input,
            target,
            p=self.p,
            margin=self.margin,
            weight=self.weight,
            reduction=self.reduction,
        )


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss (targets listed until the first -1).

    Shape:
        - Input: ``(C)`` or ``(N, C)``.
        - Target: the input's shape, int64 class indices padded with -1.
        - Output: a scalar; with ``reduction='none'``, ``(N)``.
    """

    def forward(self, input, target):
        return multilabel_margin_loss(input, target, reduction=self.reduction)
